"""Small multiples: one run or control chart per group, on a shared time axis and scale.

Putting the wards (or age bands, or clinics) side by side on the same axes lets the eye
compare them fairly: the same months across, the same scale up. :func:`small_multiples`
computes one :func:`~icp_helpers.charts.qic` chart per group, so each has its own centre
line, limits and signals, and :meth:`SmallMultiplesResult.plot` draws them in a grid with one
legend. It is also the stratified run or control chart: give ``by=`` the column to stratify by.

Record-level data (one row per appointment or patient) are grouped into periods with
``period="month"`` (or ``"week"``, ``"quarter"``); with a p chart and no ``n``, each row counts
as one, so a 0/1 column becomes each period's share.

>>> import pandas as pd
>>> wards = pd.DataFrame({
...     "ward": ["Cedar"] * 12 + ["Willow"] * 12,
...     "month": list(pd.date_range("2024-01-01", periods=12, freq="MS")) * 2,
...     "falls": [5, 7, 6, 8, 5, 6, 7, 6, 5, 7, 6, 6, 2, 3, 2, 4, 3, 2, 3, 3, 2, 4, 3, 2],
... })
>>> res = small_multiples(wards, by="ward", x="month", y="falls")
>>> res.summary[["group", "points", "centre"]].values.tolist()
[['Cedar', 12, 6.0], ['Willow', 12, 3.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from icp_helpers.charts.drawing import SavableChart, legend_columns
from icp_helpers.charts.measure_input import (
    MeasureInputError,
    as_dates,
    as_frame,
    categories_in_order,
    frame_column,
    numbers,
)
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.plotting import draw_qic
from icp_helpers.charts.qic import qic
from icp_helpers.charts.result import QicResult
from icp_helpers.charts.style import FONT

#: Periods record-level dates can be grouped into, as pandas period codes.
PERIODS = {"week": "W-MON", "month": "M", "quarter": "Q"}


@dataclass(frozen=True)
class SmallMultiplesResult(SavableChart):
    """One run or control chart per group.

    Attributes:
        results: group name → its :class:`~icp_helpers.charts.QicResult`, in display order.
        summary: one row per group: ``group, points, centre, runs_signal,
            outside_limits`` (``centre`` is the last part's centre line; ``outside_limits``
            counts points beyond the control limits, 0 on a run chart).
        chart: the chart type; ``by``: the grouping column; ``title``: the figure's title.
    """

    results: dict[str, QicResult]
    summary: pd.DataFrame
    chart: str
    by: str
    title: str

    def plot(
        self, *, ncols: int | None = None, figsize: tuple[float, float] | None = None
    ) -> Figure:
        """Draw the charts in a grid sharing both axes; returns the Figure."""
        return plot_small_multiples(self, ncols=ncols, figsize=figsize)


def _x_values(frame: pd.DataFrame, x: str, period: str | None) -> pd.Series:
    values = frame_column(frame, x, "x")
    if period is None:
        return values.dt.to_timestamp() if isinstance(values.dtype, pd.PeriodDtype) else values
    if period not in PERIODS:
        raise MeasureInputError(
            f"period must be one of {', '.join(map(repr, PERIODS))}, not {period!r}."
        )
    dates = as_dates(values, x)
    return dates.dt.to_period(PERIODS[period]).dt.start_time


def small_multiples(
    data: pd.DataFrame,
    by: str,
    x: str,
    y: str,
    n: str | None = None,
    chart: str = "run",
    *,
    period: str | None = None,
    title: str | None = None,
    **qic_kwargs: Any,
) -> SmallMultiplesResult:
    """One ``chart`` (run, i, p, u ... as :func:`~icp_helpers.charts.qic`) of ``y`` (over
    ``n``) against ``x`` for each group in column ``by``. Other keyword arguments
    (``multiply``, ``freeze``, ``part``, ``ylab``, ``rules`` ...) go to every chart.

    >>> from icp_helpers.datasets import load
    >>> dna = load("dna_appointments")
    >>> res = small_multiples(dna, by="age_band", x="appointment_date", y="dna", chart="p",
    ...                       period="month", multiply=100, freeze=24)
    >>> res.summary[["group", "points", "runs_signal"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['18-24', 36, True], ['25-34', 36, True], ['35-49', 36, True], ['50-64', 36, True],
     ['65 and over', 36, False]]
    """
    frame = as_frame(data, "small_multiples")
    groups = categories_in_order(frame_column(frame, by, "by"))
    x_values = _x_values(frame, x, period)
    y_values = numbers(frame_column(frame, y, "y"), y)
    if n is not None:
        n_values: np.ndarray | None = numbers(frame_column(frame, n, "n"), n)
    elif chart in ("p", "pp") and np.isin(y_values[~np.isnan(y_values)], (0.0, 1.0)).all():
        n_values = np.ones(len(y_values))  # one row per person: each row counts as one
    else:
        n_values = None
    ylab = qic_kwargs.pop("ylab", None) or y
    xlab = qic_kwargs.pop("xlab", None) or (period.capitalize() if period else x)
    results: dict[str, QicResult] = {}
    for group in groups.categories:
        rows = np.asarray(groups == group)
        if not rows.any():
            continue
        try:
            results[str(group)] = qic(
                y_values[rows],
                n=None if n_values is None else n_values[rows],
                x=x_values[rows].reset_index(drop=True),
                chart=chart,
                title=str(group),
                xlab=xlab,
                ylab=ylab,
                **qic_kwargs,
            )
        except ValueError as error:
            raise MeasureInputError(f"{by} = {group}: {error}") from error
    return SmallMultiplesResult(
        results=results,
        summary=_summary(results, chart),
        chart=chart,
        by=by,
        title=title or f"{ylab} by {by}",
    )


def _summary(results: dict[str, QicResult], chart: str) -> pd.DataFrame:
    rows = []
    for group, result in results.items():
        last = result.summary.iloc[-1]
        rows.append(
            {
                "group": group,
                "points": len(result.points),
                "centre": float(last["cl"]),
                "runs_signal": bool(result.summary["runs_signal"].any()),
                "outside_limits": 0
                if chart == "run"
                else int(result.points["sigma_signal"].fillna(False).sum()),
            }
        )
    return pd.DataFrame(rows)


def plot_small_multiples(
    result: SmallMultiplesResult,
    *,
    ncols: int | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Draw each group's chart in a grid (first group top left) whose panels share the time
    axis and the scale, with one legend for all below; returns the Figure, whose description
    joins the panels' descriptions.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"team": ["A"] * 6 + ["B"] * 6, "week": list(range(1, 7)) * 2,
    ...                       "calls": [5, 6, 5, 7, 6, 5, 9, 8, 9, 10, 9, 8]})
    >>> fig = small_multiples(frame, by="team", x="week", y="calls").plot()
    >>> [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    ['A', 'B']
    """
    count = len(result.results)
    columns = min(3, count) if ncols is None else ncols
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise MeasureInputError(f"ncols must be a whole number of 1 or more; got {ncols!r}.")
    rows = math.ceil(count / columns)
    fig, grid = plt.subplots(
        rows,
        columns,
        sharex=True,
        sharey=True,
        squeeze=False,
        figsize=figsize or (10.0, 1.2 + 2.6 * rows),
        layout="constrained",
    )
    handles: dict[str, Line2D] = {}
    for ax, (group, chart) in zip(grid.flat, result.results.items(), strict=False):
        _, entries, _ = draw_qic(chart, ax, title=group)
        for entry in entries:
            handles.setdefault(str(entry.get_label()), entry)
        ax.title.set_fontsize(FONT["label"] + 1)
    for ax in grid.flat[count:]:
        ax.set_visible(False)
    for position, ax in enumerate(grid.flat[:count]):
        bottom = position + columns >= count  # no panel drawn below this one
        ax.xaxis.set_tick_params(labelbottom=bottom)
        if not bottom:
            ax.set_xlabel("")
        if position % columns:
            ax.set_ylabel("")
    fig.suptitle(result.title, x=0.01, ha="left", fontsize=FONT["title"], fontweight="bold")
    entries = list(handles.values())
    if entries:
        fig.legend(
            handles=entries,
            loc="outside lower center",
            ncol=legend_columns(entries, fig.bbox.width * 72 / fig.dpi),
            frameon=False,
            fontsize=FONT["legend"],
        )
    show_descriptions()
    return fig
