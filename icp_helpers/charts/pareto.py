"""Pareto analysis: which few categories account for most of the problem?

:func:`pareto` counts categories (or takes counts you already have), sorts them from most to
least frequent, and works out each one's share and the cumulative share. The *vital few* are
the smallest set of top categories whose cumulative share reaches the cut-off (80% by
default): a category is in the vital few when the categories before it add up to less than
the cut-off.

>>> res = pareto(["falls", "falls", "pressure ulcer", "falls", "medication", "falls"])
>>> res.table[["category", "count"]].to_dict("list")
{'category': ['falls', 'medication', 'pressure ulcer'], 'count': [4, 1, 1]}
>>> res.vital_few
['falls', 'medication']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from icp_helpers.charts.description import set_description
from icp_helpers.charts.drawing import SavableChart, add_legend, new_axes
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.style import COLOURS, FONT, style_axes


@dataclass(frozen=True)
class ParetoResult(SavableChart):
    """A Pareto analysis.

    Attributes:
        table: one row per category, most frequent first: ``category, count, percent,
            cumulative_percent, vital_few`` (percentages as fractions 0–1).
        cutoff: the cumulative share that defines the vital few (0–1).
        title, ylab, xlab: labels for the picture.
    """

    table: pd.DataFrame
    cutoff: float
    title: str
    ylab: str
    xlab: str

    @property
    def vital_few(self) -> list[Any]:
        """The categories that together reach the cut-off, most frequent first."""
        return self.table.loc[self.table["vital_few"], "category"].tolist()

    def plot(self, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None) -> Axes:
        """Bars with the cumulative percentage on a second 0–100% axis; returns the bar Axes."""
        return plot_pareto(self, ax=ax, figsize=figsize)



def _counts_from(
    data: pd.DataFrame | pd.Series | Sequence[Any] | Mapping[Any, float] | None,
    category: str | Sequence[Any] | None,
    count: str | Sequence[float] | None,
) -> tuple[pd.Series, str]:
    """Counts per category (summed over repeats) and a name for the category axis."""
    if isinstance(data, pd.DataFrame):
        if not isinstance(category, str):
            raise ValueError("With a DataFrame, give category= the name of its category column.")
        for col in (category, count):
            if isinstance(col, str) and col not in data.columns:
                raise ValueError(
                    f"Column {col!r} is not in the data; available columns: {list(data.columns)}."
                )
        cats = data[category]
        values = data[count] if isinstance(count, str) else None
        name = category
    elif isinstance(data, Mapping):
        cats, values, name = pd.Series(list(data.keys())), pd.Series(list(data.values())), ""
    elif data is not None:
        cats = pd.Series(data)
        values, name = None, str(cats.name) if cats.name is not None else ""
    elif category is not None and not isinstance(category, str):
        cats, name = pd.Series(category), ""
        values = None if count is None else pd.Series(count)
    else:
        raise ValueError(
            "Give the categories: pareto(list_of_categories), pareto({category: count}), "
            "or pareto(data, category='column', count='column')."
        )
    if values is None:
        cats = cats.dropna()
        return cats.astype(object).value_counts(sort=False), name
    values = pd.Series(np.asarray(values, dtype=object))
    if len(values) != len(cats):
        raise ValueError(f"category has {len(cats)} values but count has {len(values)}.")
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & numeric.isna()
    if bad.any():
        raise ValueError(f"count must be numbers; found {values[bad].iloc[0]!r}.")
    if (numeric < 0).any():
        raise ValueError("count must not be negative; a Pareto chart needs counts of 0 or more.")
    keep = cats.notna().to_numpy() & numeric.notna().to_numpy()
    frame = pd.DataFrame({"category": cats.to_numpy()[keep], "count": numeric.to_numpy()[keep]})
    return frame.groupby("category", sort=False)["count"].sum(), name


def pareto(
    data: pd.DataFrame | pd.Series | Sequence[Any] | Mapping[Any, float] | None = None,
    category: str | Sequence[Any] | None = None,
    count: str | Sequence[float] | None = None,
    cutoff: float = 0.8,
    *,
    title: str | None = None,
    ylab: str = "Count",
) -> ParetoResult:
    """Pareto analysis of categories, from raw categories or from counts.

    Give one of: a list or Series of categories (one per event); a dict
    ``{category: count}``; a DataFrame with ``category=`` the column of categories and,
    optionally, ``count=`` a column of counts (otherwise rows are counted); or ``category=``
    and ``count=`` as two sequences. Ties are ordered by category name. Missing categories
    are skipped.

    >>> res = pareto({"Wrong dose": 30, "Omitted": 50, "Wrong time": 15, "Other": 5})
    >>> res.table["cumulative_percent"].round(2).tolist()
    [0.5, 0.8, 0.95, 1.0]
    >>> res.vital_few
    ['Omitted', 'Wrong dose']
    """
    if not 0 < cutoff <= 1:
        raise ValueError(f"cutoff must be a fraction between 0 and 1 (e.g. 0.8), not {cutoff!r}.")
    counts, name = _counts_from(data, category, count)
    if counts.empty or counts.sum() <= 0:
        raise ValueError("There is nothing to count: every count is zero or missing.")
    table = pd.DataFrame({"category": counts.index.to_list(), "count": counts.to_numpy()})
    table["_key"] = table["category"].astype(str)
    table = table.sort_values(["count", "_key"], ascending=[False, True], kind="stable")
    table = table.drop(columns="_key").reset_index(drop=True)
    total = table["count"].sum()
    table["percent"] = table["count"] / total
    table["cumulative_percent"] = table["count"].cumsum() / total
    before = table["cumulative_percent"] - table["percent"]
    table["vital_few"] = before < cutoff - 1e-12
    return ParetoResult(
        table=table,
        cutoff=cutoff,
        title=title or (f"Pareto chart of {name}" if name else "Pareto chart"),
        ylab=ylab,
        xlab=name or "Category",
    )


def describe_pareto(result: ParetoResult) -> str:
    """The chart's description (alt text): its categories, total and the vital few.

    >>> describe_pareto(pareto({"Falls": 6, "Pressure ulcers": 3, "Other": 1}))
    ... # doctest: +NORMALIZE_WHITESPACE
    'Pareto chart. Pareto chart of Count by Category: 3 categories, 10 in all. The vital few,
    reaching the 80% cut-off: Falls 6 (60%), Pressure ulcers 3 (30%), together 90%.'
    """
    table = result.table
    few = table[table["vital_few"]]
    listed = ", ".join(
        f"{row.category} {row.count:,} ({row.percent:.0%})" for row in few.itertuples()
    )
    together = float(few["percent"].sum())
    return (
        f"{result.title}. Pareto chart of {result.ylab} by {result.xlab}: {len(table)} "
        f"categories, {int(table['count'].sum()):,} in all. The vital few, reaching the "
        f"{result.cutoff:.0%} cut-off: {listed}, together {together:.0%}."
    )


def plot_pareto(
    result: ParetoResult, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None
) -> Axes:
    """Draw a Pareto chart: bars (vital few solid, the rest pale and hatched), the cumulative
    percentage as a line on a right-hand 0–100% axis, and the cut-off marked on both. The
    legend sits below the chart, and the chart carries its description (alt text).

    >>> ax = pareto({"A": 6, "B": 3, "C": 1}).plot()
    >>> [float(v) for v in ax.right_ax.get_ylim()]
    [0.0, 100.0]
    """
    table = result.table
    ax, created = new_axes(ax, figsize)
    style_axes(ax)
    pos = np.arange(len(table))
    vital = table["vital_few"].to_numpy(dtype=bool)
    bars = ax.bar(
        pos,
        table["count"],
        color=np.where(vital, COLOURS["bar"], COLOURS["bar_trivial"]),
        edgecolor="#333333",
        linewidth=0.6,
        zorder=2,
        gid="bars",
    )
    for bar, is_vital in zip(bars, vital, strict=True):
        bar.set_hatch("" if is_vital else "//")
    labels = [str(c) for c in table["category"]]
    ax.set_xticks(
        pos,
        labels,
        rotation=30 if max(map(len, labels)) > 8 else 0,
        ha="right" if max(map(len, labels)) > 8 else "center",
    )
    ax.set_ylim(0, table["count"].max() * 1.08)
    right = ax.twinx()
    right.set_ylim(0, 100)
    right.yaxis.set_major_formatter(PercentFormatter(100))
    right.spines["top"].set_visible(False)
    right.plot(
        pos,
        table["cumulative_percent"] * 100,
        color=COLOURS["cumulative"],
        marker="o",
        ms=5,
        lw=1.8,
        zorder=3,
        clip_on=False,
        gid="cumulative",
    )
    cut = result.cutoff * 100
    right.axhline(cut, color="#555555", ls="--", lw=1.0, gid="cutoff")
    right.annotate(
        f"{cut:.0f}% cut-off",
        xy=(1, cut),
        xytext=(-2, 3),
        textcoords="offset points",
        xycoords=right.get_yaxis_transform(),
        ha="right",
        fontsize=FONT["annotation"],
        color="#333333",
    )

    if vital.any() and not vital.all():
        ax.axvline(np.flatnonzero(vital)[-1] + 0.5, color="#555555", ls=":", lw=1.0, gid="vital")
    right.set_ylabel("Cumulative percentage", fontsize=FONT["label"])
    ax.set_ylabel(result.ylab, fontsize=FONT["label"])
    ax.set_xlabel(result.xlab, fontsize=FONT["label"])
    ax.set_title(result.title, loc="left", fontsize=FONT["title"], fontweight="bold")
    add_legend(
        ax,
        [
            Patch(facecolor=COLOURS["bar"], edgecolor="#333333", label="Vital few"),
            Patch(
                facecolor=COLOURS["bar_trivial"],
                edgecolor="#333333",
                hatch="//",
                label="Useful many",
            ),
            Line2D([], [], color=COLOURS["cumulative"], marker="o", label="Cumulative %"),
        ],
        created,
    )
    set_description(ax, describe_pareto(result))
    show_descriptions()
    ax.right_ax = right  # type: ignore[attr-defined]
    return ax
