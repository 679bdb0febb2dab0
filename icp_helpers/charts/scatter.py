"""Scatter plot of two measures, with their correlation and a plain warning: association is
not cause.

:func:`scatter` pairs the two measures row by row (a row missing either is left out and
counted), and works out Pearson's correlation coefficient *r* (how closely the points follow a
straight line, from -1 to 1) and Spearman's *rho* (the same for their ranks, so it also
catches a curved but steady relationship and is not thrown by one extreme point).

>>> res = scatter(x=[1, 2, 3, 4, 5], y=[2, 4, 5, 4, 5])
>>> res.n, round(res.pearson_r, 3), round(res.spearman_rho, 3)
(5, 0.775, 0.738)
>>> print(NOT_CAUSE)  # doctest: +NORMALIZE_WHITESPACE
Association is not cause: two measures can move together because something else drives
both, by chance, or because the cause runs the other way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from icp_helpers.charts.description import set_description
from icp_helpers.charts.drawing import SavableChart, new_axes, number_format
from icp_helpers.charts.drawing import _below_x_axis as below_x_axis
from icp_helpers.charts.measure_input import MeasureInputError, frame_column, numbers
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.style import COLOURS, FONT, marker_size, style_axes

#: The caption every scatter plot carries.
NOT_CAUSE = (
    "Association is not cause: two measures can move together because something else drives "
    "both, by chance, or because the cause runs the other way."
)


@dataclass(frozen=True)
class ScatterResult(SavableChart):
    """A scatter plot's numbers.

    Attributes:
        points: the pairs plotted, one row each: ``x, y``.
        n: pairs plotted; ``n_missing``: rows left out because a value was missing.
        pearson_r, spearman_rho: correlation coefficients (NaN when a measure does not vary).
        title, xlab, ylab: labels for the picture.
    """

    points: pd.DataFrame
    n: int
    n_missing: int
    pearson_r: float
    spearman_rho: float
    title: str
    xlab: str
    ylab: str

    def plot(self, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None) -> Axes:
        """Draw the scatter plot with its correlation and the caption; returns the Axes."""
        return plot_scatter(self, ax=ax, figsize=figsize)



def _values(
    data: pd.DataFrame | None, column: str | Sequence[float], role: str
) -> tuple[np.ndarray, str]:
    if data is not None:
        return numbers(frame_column(data, column, role), str(column)), str(column)
    if isinstance(column, str):
        raise MeasureInputError(
            f"{role}={column!r} names a column, but no data was given; "
            f"call scatter(data, x='...', y='...')."
        )
    series = column if isinstance(column, pd.Series) else pd.Series(column)
    name = str(series.name) if series.name is not None else role
    return numbers(series, role), name


def scatter(
    data: pd.DataFrame | None = None,
    x: str | Sequence[float] | None = None,
    y: str | Sequence[float] | None = None,
    *,
    title: str | None = None,
    xlab: str | None = None,
    ylab: str | None = None,
) -> ScatterResult:
    """Scatter plot of ``y`` against ``x``: two columns of ``data``, or two lists of values.

    Each row is one pair (one month, one patient ...). Put the measure you think might
    influence the other on the x axis; the picture cannot tell you whether it does.

    >>> from icp_helpers.datasets import load
    >>> violence, restraint = load("violence"), load("restraint")
    >>> both = violence.merge(restraint, on=["month", "occupied_bed_days"])
    >>> res = scatter(both, x="incidents", y="restraints")
    >>> res.n, round(res.pearson_r, 2)
    (38, 0.6)
    """
    if x is None or y is None:
        raise MeasureInputError(
            "Say which two measures to plot, e.g. scatter(data, x='incidents', y='restraints')."
        )
    if data is not None and not isinstance(data, pd.DataFrame):
        raise MeasureInputError(
            f"data must be a pandas DataFrame, not {type(data).__name__}; "
            "for two lists, call scatter(x=[...], y=[...])."
        )
    x_values, x_name = _values(data, x, "x")
    y_values, y_name = _values(data, y, "y")
    if len(x_values) != len(y_values):
        raise MeasureInputError(
            f"x and y must pair up one to one; got {len(x_values)} and {len(y_values)} values."
        )
    both = ~(np.isnan(x_values) | np.isnan(y_values))
    if both.sum() < 3:
        raise MeasureInputError(
            f"A scatter plot needs at least 3 rows with both measures; found {int(both.sum())}."
        )
    xs, ys = x_values[both], y_values[both]
    varies = np.ptp(xs) > 0 and np.ptp(ys) > 0
    return ScatterResult(
        points=pd.DataFrame({"x": xs, "y": ys}),
        n=int(both.sum()),
        n_missing=int((~both).sum()),
        pearson_r=_pearson(xs, ys) if varies else float("nan"),
        spearman_rho=_pearson(_ranks(xs), _ranks(ys)) if varies else float("nan"),
        title=title or f"{y_name} against {x_name}",
        xlab=xlab or x_name,
        ylab=ylab or y_name,
    )


def _pearson(xs: np.ndarray, ys: np.ndarray) -> float:
    """Pearson's correlation coefficient of two equally long arrays that both vary."""
    return float(np.corrcoef(xs, ys)[0, 1])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank (Spearman's rho is Pearson's r of these)."""
    return pd.Series(values).rank(method="average").to_numpy()


def strength(r: float) -> str:
    """A plain word for the size of a correlation coefficient (by its absolute value: under
    0.3 weak, under 0.7 moderate, otherwise strong).

    >>> strength(0.85), strength(-0.4), strength(0.1)
    ('strong positive', 'moderate negative', 'weak positive')
    """
    if not np.isfinite(r):
        return "no measurable"
    size = "weak" if abs(r) < 0.3 else "moderate" if abs(r) < 0.7 else "strong"
    return f"{size} {'negative' if r < 0 else 'positive'}"


def describe_scatter(result: ScatterResult) -> str:
    """The chart's description (alt text): what is plotted, the correlation, the caption.

    >>> describe_scatter(scatter(x=[1, 2, 3, 4, 5], y=[2, 4, 5, 4, 5], title="Demo"))
    ... # doctest: +ELLIPSIS
    'Demo. Scatter plot of y against x: 5 pairs. Pearson r 0.77 (strong positive), ...'
    """
    text = (
        f"{result.title}. Scatter plot of {result.ylab} against {result.xlab}: "
        f"{result.n:,} pairs. Pearson r {result.pearson_r:.2f} "
        f"({strength(result.pearson_r)}), Spearman rho {result.spearman_rho:.2f}."
    )
    if result.n_missing:
        text += f" {result.n_missing:,} rows with a missing value left out."
    return f"{text} {NOT_CAUSE}"


def plot_scatter(
    result: ScatterResult, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None
) -> Axes:
    """Draw the points (no fitted line, which would suggest more than the data show), the
    correlation in the title's corner and the caption below the chart.

    >>> ax = scatter(x=[1, 2, 3, 4], y=[2, 3, 5, 4]).plot()
    >>> [text.get_gid() for text in ax.texts]
    ['not_cause']
    """
    ax, _ = new_axes(ax, figsize)
    style_axes(ax)
    ax.grid(True, axis="x", color="#E5E5E5", linewidth=0.8)
    ax.plot(
        result.points["x"],
        result.points["y"],
        ls="none",
        marker="o",
        ms=marker_size(result.n) + 1,
        mfc=COLOURS["bar"],
        mec="white",
        alpha=0.85,
        zorder=3,
        gid="points",
    )
    show = number_format([1.0])
    ax.set_title(result.title, loc="left", fontsize=FONT["title"], fontweight="bold")
    ax.set_title(
        f"n = {result.n:,}; r = {show(result.pearson_r)}", loc="right", fontsize=FONT["label"]
    )
    ax.set_xlabel(result.xlab, fontsize=FONT["label"])
    ax.set_ylabel(result.ylab, fontsize=FONT["label"])
    fig = ax.get_figure(root=True)
    width = ax.bbox.width * 72 / fig.dpi if fig is not None else 400.0  # in points
    ax.annotate(
        textwrap.fill(NOT_CAUSE, max(40, int(width / (0.6 * FONT["annotation"])))),
        xy=(0.0, 0.0),
        xycoords=below_x_axis(ax),
        ha="left",
        va="top",
        fontsize=FONT["annotation"],
        color=COLOURS["note"],
        annotation_clip=False,
        gid="not_cause",
    )
    set_description(ax, describe_scatter(result))
    show_descriptions()
    return ax
