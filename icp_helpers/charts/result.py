"""Result objects returned by :func:`~icp_helpers.charts.qic` and :func:`~icp_helpers.charts.mdc`.

Both are plain frozen dataclasses around pandas DataFrames, so a coach can look at the numbers
(``result.points``, ``result.summary``) before drawing anything. ``.plot()`` hands the result to
the drawing module, which is imported only when a picture is asked for.

>>> import pandas as pd
>>> r = QicResult(points=pd.DataFrame(), summary=pd.DataFrame(), chart="run",
...               signals=pd.DataFrame(), title="Falls", ylab="Falls", xlab="Month",
...               trial_limits=False)
>>> r.chart, r.trial_limits
('run', False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

#: Columns of ``QicResult.signals``: which rule flagged which point.
SIGNAL_COLUMNS: tuple[str, ...] = ("rule", "part", "position", "x")


@dataclass(frozen=True)
class QicResult:
    """A run or Shewhart chart's numbers.

    Attributes:
        points: one row per subgroup, in order: ``x, y, n, cl, lcl, ucl, lcl_95, ucl_95,
            sigma_signal, part, baseline, include, runs_signal, signal, target, notes``
            (``signal`` is True when any rule of the chosen rule set flagged the point).
        summary: one row per part: ``part, n_obs, n_useful, longest_run, longest_run_max,
            n_crossings, n_crossings_min, runs_signal, cl, lcl, ucl, lcl_95, ucl_95,
            sigma_signal`` (limits are averages over the part; ``sigma_signal`` is a count),
            plus ``trial_limits``.
        chart: the chart type, e.g. ``"i"``.
        signals: one row per point that broke a rule: ``rule, part, position, x``
            (``position`` is the 0-based subgroup position).
        title, ylab, xlab: labels for the picture.
        trial_limits: True when any part's baseline has fewer than 12 points.
        rules: the name of the rule set used.
    """

    points: pd.DataFrame
    summary: pd.DataFrame
    chart: str
    signals: pd.DataFrame
    title: str | None
    ylab: str | None
    xlab: str | None
    trial_limits: bool
    rules: str = "anhoej"

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the chart on ``ax`` (a new figure when None) and return the Axes."""
        from icp_helpers.charts.plotting import plot_qic

        return plot_qic(self, ax=ax, **kwargs)


@dataclass(frozen=True)
class MdcResult:
    """A Making Data Count XmR chart's numbers.

    Attributes:
        points: one row per period: ``x, y, mean, lpl, upl, nlpl, nupl, period,
            outside_limits, relative_to_mean, close_to_limits, special_cause_type, shift,
            trend, two_of_three, special_cause, point_type, trial_limits, target``
            (``period`` counts rebased periods from 0; ``shift``, ``trend`` and
            ``two_of_three`` say which rule flagged the point). Rows with a missing value
            keep their x with ``y`` NaN and ``point_type`` None.
        summary: one row per period: ``period, mean, lpl, upl, n, common_cause,
            special_cause_improvement, special_cause_concern, variation_type``.
        variation_icon: the last point's type (one of the five point types).
        assurance_icon: ``consistent_pass``, ``consistent_fail``, ``inconsistent`` or None
            (no target, or no improvement direction).
        improvement: ``"increase"``, ``"decrease"`` or None.
        target: the target, or None.
        title, ylab, xlab: labels for the picture.
        trial_limits: True when the latest period has fewer than 12 points.
    """

    points: pd.DataFrame
    summary: pd.DataFrame
    variation_icon: str | None
    assurance_icon: str | None
    improvement: str | None
    target: float | None
    title: str | None
    ylab: str | None
    xlab: str | None
    trial_limits: bool

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the chart in the Making Data Count style and return the Axes."""
        from icp_helpers.charts.plotting import plot_mdc

        return plot_mdc(self, ax=ax, **kwargs)
