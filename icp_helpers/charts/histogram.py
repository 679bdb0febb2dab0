"""Histogram: how the values of one measure are spread, with the mean and median marked.

:func:`histogram` counts the values in bins and says how it chose them (``bin_rule``):

* whole numbers spanning 40 or fewer values get one bar per whole number, so no bar mixes
  two values;
* otherwise the Freedman–Diaconis rule: bin width ``2 × IQR / n^(1/3)``, which resists long
  tails (Sturges' rule, ``log2(n) + 1`` bins, when the middle half of the values are all equal);
* or give ``bins=`` a number of bins or the bin edges yourself.

Bins include their left edge and not their right, except the last, which includes both.
Missing values are left out and counted.

>>> res = histogram([1, 2, 2, 3, 3, 3, 4, 4, 5, 10])
>>> res.table["count"].tolist()
[1, 2, 3, 2, 1, 0, 0, 0, 0, 1]
>>> res.n, res.mean, res.median
(10, 3.7, 3.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from icp_helpers.charts.description import set_description
from icp_helpers.charts.drawing import (
    SavableChart,
    add_legend,
    new_axes,
    number_format,
)
from icp_helpers.charts.measure_input import MeasureInputError, frame_column, numbers
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.style import COLOURS, FONT, OKABE_ITO, style_axes

#: Whole numbers spanning at most this many values get one bar per value.
MOST_WHOLE_NUMBER_BARS = 40


@dataclass(frozen=True)
class HistogramResult(SavableChart):
    """A histogram's numbers.

    Attributes:
        table: one row per bin: ``left, right, count`` (left edge included, right edge not,
            except in the last bin).
        n: values counted; ``n_missing``: missing values left out.
        mean, median: of the values counted.
        bin_rule: how the bins were chosen, in words.
        title, xlab: labels for the picture.
    """

    table: pd.DataFrame
    n: int
    n_missing: int
    mean: float
    median: float
    bin_rule: str
    title: str
    xlab: str

    def plot(self, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None) -> Axes:
        """Draw the histogram with the mean and median marked; returns the Axes."""
        return plot_histogram(self, ax=ax, figsize=figsize)



def _edges(values: np.ndarray, bins: int | Sequence[float] | None) -> tuple[np.ndarray, str]:
    """Bin edges and the rule that chose them."""
    if isinstance(bins, bool) or isinstance(bins, float | np.floating | str):
        raise MeasureInputError(
            f"bins must be a whole number of bins or a list of edges; got {bins!r}."
        )
    if isinstance(bins, int | np.integer):
        if bins < 1:
            raise MeasureInputError(f"bins must be 1 or more; got {bins!r}.")
        return np.histogram_bin_edges(values, bins=int(bins)), f"{int(bins)} equal bins (as asked)"
    if bins is not None:
        edges = numbers(list(bins), "bins")
        if len(edges) < 2 or np.isnan(edges).any() or not np.all(np.diff(edges) > 0):
            raise MeasureInputError(
                "bins as edges must be two or more numbers in increasing order, "
                "e.g. [0, 7, 14, 28]."
            )
        outside = int(np.count_nonzero((values < edges[0]) | (values > edges[-1])))
        if outside:
            raise MeasureInputError(
                f"{outside} values lie outside the bin edges {edges[0]:g} to {edges[-1]:g}; "
                "widen the edges so that every value is counted."
            )
        return edges, "bin edges as given"
    low, high = float(values.min()), float(values.max())
    if np.all(values == np.round(values)) and high - low + 1 <= MOST_WHOLE_NUMBER_BARS:
        return np.arange(low - 0.5, high + 1.0), "one bar per whole number"
    q1, q3 = np.percentile(values, [25, 75])
    if q3 > q1:
        width = 2 * (q3 - q1) / len(values) ** (1 / 3)
        count = max(1, int(np.ceil((high - low) / width)))
        return np.linspace(low, high, count + 1), "Freedman–Diaconis rule (width 2 × IQR / n^(1/3))"
    count = int(np.ceil(np.log2(len(values)) + 1))
    return np.linspace(low, high, count + 1), "Sturges' rule (log2(n) + 1 bins)"


def histogram(
    data: pd.DataFrame | pd.Series | Sequence[float],
    column: str | None = None,
    *,
    bins: int | Sequence[float] | None = None,
    title: str | None = None,
    xlab: str | None = None,
) -> HistogramResult:
    """Histogram of a measure: a DataFrame and the ``column`` to count, or the values themselves.

    >>> from icp_helpers.datasets import load
    >>> waits = histogram(load("referral_to_assessment"), "wait_days")
    >>> waits.n, round(waits.mean, 1), waits.median, waits.bin_rule
    (3225, 39.8, 35.0, 'Freedman–Diaconis rule (width 2 × IQR / n^(1/3))')
    """
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise MeasureInputError(
                "With a DataFrame, say which column to count, e.g. histogram(data, 'wait_days')."
            )
        series = frame_column(data, column, "column")
    elif column is not None:
        raise MeasureInputError("column= is for a DataFrame; with values alone, leave it out.")
    else:
        series = pd.Series(data) if not isinstance(data, pd.Series) else data
    name = column or (str(series.name) if series.name is not None else "Value")
    values = numbers(series, name)
    present = values[~np.isnan(values)]
    if len(present) == 0:
        raise MeasureInputError(f"{name} has no values to count: every value is missing.")
    edges, rule = _edges(present, bins)
    counts, _ = np.histogram(present, bins=edges)
    return HistogramResult(
        table=pd.DataFrame({"left": edges[:-1], "right": edges[1:], "count": counts}),
        n=len(present),
        n_missing=int(np.isnan(values).sum()),
        mean=float(np.mean(present)),
        median=float(np.median(present)),
        bin_rule=rule,
        title=title or f"Histogram of {name}",
        xlab=xlab or name,
    )


def describe_histogram(result: HistogramResult) -> str:
    """The chart's description (alt text): how many values, the bins, mean, median, peak.

    >>> describe_histogram(histogram([1, 2, 2, 3, 3, 3, 4, 4, 5, 10], title="Falls"))
    ... # doctest: +NORMALIZE_WHITESPACE
    'Falls. Histogram of Value: 10 values in 10 bins (one bar per whole number) from 0.5 to
    10.5. Mean 3.70, median 3.00. The tallest bar is 2.5 to 3.5 with 3 values.'
    """
    table = result.table
    show = number_format([result.mean, result.median])
    edge = number_format([table["right"].iloc[-1]])
    peak = table.loc[table["count"].idxmax()]
    text = (
        f"{result.title}. Histogram of {result.xlab}: {result.n:,} values in {len(table)} bins "
        f"({result.bin_rule}) from {edge(table['left'].iloc[0])} to "
        f"{edge(table['right'].iloc[-1])}. Mean {show(result.mean)}, median "
        f"{show(result.median)}. The tallest bar is {edge(peak['left'])} to "
        f"{edge(peak['right'])} with {int(peak['count']):,} values."
    )
    if result.n_missing:
        text += f" {result.n_missing:,} missing values left out."
    return text


def plot_histogram(
    result: HistogramResult, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None
) -> Axes:
    """Draw the histogram: bars, the mean (dashed) and median (solid) as vertical lines, the
    count of values in the title's corner, the legend below, and the description attached.

    >>> ax = histogram([1, 2, 2, 3, 3, 3, 4]).plot()
    >>> sorted(line.get_gid() for line in ax.lines)
    ['mean', 'median']
    """
    ax, created = new_axes(ax, figsize)
    style_axes(ax)
    table = result.table
    ax.bar(
        table["left"],
        table["count"],
        width=table["right"] - table["left"],
        align="edge",
        color=COLOURS["bar_trivial"],
        edgecolor="#333333",
        linewidth=0.6,
        zorder=2,
        gid="bars",
    )
    show = number_format([result.mean, result.median])
    ax.axvline(result.mean, color=OKABE_ITO["vermillion"], ls="--", lw=1.8, zorder=3, gid="mean")
    ax.axvline(result.median, color=COLOURS["centre"], ls="-", lw=1.8, zorder=3, gid="median")
    ax.set_ylim(0, max(int(table["count"].max()), 1) * 1.1)
    ax.set_title(result.title, loc="left", fontsize=FONT["title"], fontweight="bold")
    ax.set_title(f"n = {result.n:,}", loc="right", fontsize=FONT["label"])
    ax.set_xlabel(result.xlab, fontsize=FONT["label"])
    ax.set_ylabel("Number of values", fontsize=FONT["label"])
    add_legend(
        ax,
        [
            Patch(facecolor=COLOURS["bar_trivial"], edgecolor="#333333", label="Values in bin"),
            Line2D(
                [], [], color=OKABE_ITO["vermillion"], ls="--", label=f"Mean {show(result.mean)}"
            ),
            Line2D([], [], color=COLOURS["centre"], ls="-", label=f"Median {show(result.median)}"),
        ],
        created,
    )
    set_description(ax, describe_histogram(result))
    show_descriptions()
    return ax
