"""Stratification: split a measure by a category and compare each stratum with the whole.

A measure that looks steady overall can hide groups doing much worse or better: wards,
shifts, days of the week, or, for equity, protected characteristics such as age band, sex
and ethnic group. :func:`stratify` gives every stratum its own numbers (events, denominator,
rate) beside the overall figure, and says whether a stratum differs from the overall more than
chance would usually give. The method, stated in ``result.method``, is the control chart's
with strata in place of time: each stratum's rate is a point on a p chart (a share of people
or appointments), u chart (a count over a denominator that can be exceeded, such as bed days)
or x̄ chart (a mean of measured values), whose limits are 3 sigma around the overall rate and
widen as a stratum gets smaller. A stratum outside its limits *differs*; one inside is
consistent with the overall rate, which is not proof that it is the same.

A stratum with fewer than ``min_n`` people or units (20 unless you say otherwise) is flagged
*too few to say anything*: with under 20, one event more or less moves a percentage by 5
points or more. Too-few strata are never said to differ, and with protected characteristics
small numbers can also identify people, so think before sharing them.

>>> import pandas as pd
>>> visits = pd.DataFrame({"shift": ["Early"] * 40 + ["Late"] * 40 + ["Night"] * 10,
...                        "missed": [1] * 4 + [0] * 36 + [1] * 12 + [0] * 28 + [1] * 2 + [0] * 8})
>>> res = stratify(visits, by="shift", y="missed", multiply=100)
>>> res.table[["stratum", "events", "n", "rate", "too_few"]].round(1).to_dict("list")
... # doctest: +NORMALIZE_WHITESPACE
{'stratum': ['Early', 'Late', 'Night'], 'events': [4.0, 12.0, 2.0], 'n': [40.0, 40.0, 10.0],
 'rate': [10.0, 30.0, 20.0], 'too_few': [False, False, True]}
>>> res.overall_rate
20.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from icp_helpers.charts.description import set_description
from icp_helpers.charts.drawing import (
    SavableChart,
    add_legend,
    new_axes,
    number_format,
)
from icp_helpers.charts.measure_input import (
    MeasureInputError,
    as_frame,
    categories_in_order,
    frame_column,
    numbers,
)
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.qic import qic
from icp_helpers.charts.style import COLOURS, FONT, MARKERS, style_axes

#: How each comparison is made, in words.
METHODS = {
    "p": "p chart across strata: 3-sigma limits around the overall proportion, from each "
    "stratum's denominator",
    "u": "u chart across strata: 3-sigma limits around the overall rate, from each stratum's "
    "denominator",
    "xbar": "x̄ chart across strata: 3-sigma limits around the overall mean, from the pooled "
    "standard deviation and each stratum's size",
}


@dataclass(frozen=True)
class StratifiedResult(SavableChart):
    """A measure split by a category.

    Attributes:
        table: one row per stratum: ``stratum, events, n, rate, share_of_n, lcl, ucl,
            differs, too_few``. ``events`` is the numerator (the sum of ``y``), ``n`` the
            denominator (or the number of rows), ``rate`` events / n × ``multiply``,
            ``share_of_n`` the stratum's part of the whole denominator, ``lcl``/``ucl`` the
            limits chance would usually stay within, ``differs`` True when the rate is outside
            them (never for a too-few stratum), ``too_few`` True when n is under ``min_n``.
        overall_events, overall_n, overall_rate: the whole, all strata together.
        chart: the chart whose limits were used (``"p"``, ``"u"`` or ``"xbar"``).
        method: the comparison, in words.
        by, min_n, multiply: as given.
        title, ylab: labels for the picture.
    """

    table: pd.DataFrame
    overall_events: float
    overall_n: float
    overall_rate: float
    chart: str
    method: str
    by: str
    min_n: int
    multiply: float
    title: str
    ylab: str

    @property
    def differing(self) -> list[str]:
        """The strata whose rate differs from the overall more than chance would usually give."""
        return self.table.loc[self.table["differs"], "stratum"].tolist()

    @property
    def too_few(self) -> list[str]:
        """The strata too small to say anything about."""
        return self.table.loc[self.table["too_few"], "stratum"].tolist()

    def plot(self, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None) -> Axes:
        """Draw each stratum's rate, its limits and numbers beside the overall; returns the Axes."""
        return plot_stratified(self, ax=ax, figsize=figsize)



def stratify(
    data: pd.DataFrame,
    by: str,
    y: str,
    n: str | None = None,
    *,
    chart: str | None = None,
    multiply: float = 1,
    min_n: int = 20,
    title: str | None = None,
    ylab: str | None = None,
) -> StratifiedResult:
    """Split the measure ``y`` (over ``n``) by the category in column ``by``.

    * One row per person or appointment with ``y`` 0 or 1 (and no ``n``): each stratum's
      share of 1s, compared on a p chart.
    * Measured values ``y`` (waits, scores) one per row: each stratum's mean, on an x̄ chart.
    * Counts ``y`` with denominators ``n`` (rows are summed within a stratum): say which kind,
      ``chart="p"`` for people or cases out of ``n`` (a proportion), ``chart="u"`` for events
      over an exposure such as occupied bed days (a rate).

    ``min_n`` is in the units of ``n``: people or rows for p and x̄ charts; for a u chart the
    exposure, so choose it to suit (``min_n=1000`` for 1,000 bed days).

    Rows with a missing category form the stratum "Not recorded". Use ``multiply=100`` for
    percentages, 1000 for a rate per 1,000.

    >>> from icp_helpers.datasets import load
    >>> dna = load("dna_appointments")
    >>> res = stratify(dna, by="age_band", y="dna", multiply=100)
    >>> res.table[["stratum", "events", "n"]].astype({"events": int, "n": int}).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['18-24', 605, 2634], ['25-34', 832, 4420], ['35-49', 884, 5581], ['50-64', 561, 4564],
     ['65 and over', 184, 1422]]
    >>> round(res.overall_rate, 1), res.differing
    (16.5, ['18-24', '25-34', '50-64', '65 and over'])
    """
    frame = as_frame(data, "stratify")
    if isinstance(min_n, bool) or not isinstance(min_n, int | np.integer) or min_n < 1:
        raise MeasureInputError(f"min_n must be a whole number of 1 or more; got {min_n!r}.")
    if not np.isfinite(multiply) or multiply <= 0:
        raise MeasureInputError(f"multiply must be a number greater than 0; got {multiply!r}.")
    strata = categories_in_order(frame_column(frame, by, "by"))
    values = numbers(frame_column(frame, y, "y"), y)
    keep = ~np.isnan(values)
    if n is None:
        binary = bool(np.isin(values[keep], (0.0, 1.0)).all())
        inferred, denominators = ("p", np.ones(len(values))) if binary else ("xbar", None)
        if chart is not None and chart != inferred:
            compares = "shares of 0/1 values on a p chart" if binary else "means on an x̄ chart"
            raise MeasureInputError(
                f"Without n, stratify compares {compares}; for a {chart} chart give n= the "
                "column of denominators."
            )
        chart = inferred
    else:
        if chart not in ("p", "u"):
            raise MeasureInputError(
                f"With n, say what {y} counts: chart='p' for people or cases out of {n} (a "
                f"proportion), or chart='u' for events over an exposure such as bed days (a rate)."
            )
        denominators = numbers(frame_column(frame, n, "n"), n)
        keep &= ~np.isnan(denominators)
        if (denominators[keep] <= 0).any():
            raise MeasureInputError(f"{n} must be greater than 0 in every row; found 0 or less.")
        if (values[keep] < 0).any():
            raise MeasureInputError(f"{y} counts events, so it cannot be negative.")
        if chart == "p" and (values[keep] > denominators[keep]).any():
            raise MeasureInputError(
                f"On a p chart {y} counts cases out of {n}, so it cannot be greater than {n}; "
                "for events over an exposure use chart='u'."
            )
    if not keep.any():
        raise MeasureInputError(f"{y} has no values to compare: every value is missing.")
    strata = strata[keep].remove_unused_categories()
    if chart == "xbar" and not (pd.Series(strata).value_counts() > 1).any():
        raise MeasureInputError(
            f"Every {by} has only one value of {y}; a mean per stratum needs two or more rows "
            "in some strata (or give n= for counts)."
        )
    denominators = None if denominators is None else denominators[keep]
    comparison = qic(values[keep], n=denominators, x=strata, chart=chart, multiply=multiply)
    points = comparison.points
    events = pd.Series(values[keep]).groupby(np.asarray(strata), sort=False).sum()
    counts = (
        pd.Series(denominators).groupby(np.asarray(strata), sort=False).sum()
        if denominators is not None
        else pd.Series(np.ones(keep.sum())).groupby(np.asarray(strata), sort=False).sum()
    )
    labels = [str(x) for x in points["x"]]
    table = pd.DataFrame(
        {
            "stratum": labels,
            "events": events.reindex(labels).to_numpy(dtype=float),
            "n": counts.reindex(labels).to_numpy(dtype=float),
            "rate": points["y"].to_numpy(dtype=float),
        }
    )
    table["share_of_n"] = table["n"] / table["n"].sum()
    table["lcl"] = points["lcl"].to_numpy(dtype=float)
    table["ucl"] = points["ucl"].to_numpy(dtype=float)
    table["too_few"] = table["n"] < min_n
    table["differs"] = points["sigma_signal"].fillna(False).to_numpy(dtype=bool) & ~table["too_few"]
    overall_events, overall_n = float(table["events"].sum()), float(table["n"].sum())
    return StratifiedResult(
        table=table,
        overall_events=overall_events,
        overall_n=overall_n,
        overall_rate=float(points["cl"].iloc[0]),
        chart=chart,
        method=METHODS[chart],
        by=by,
        min_n=int(min_n),
        multiply=float(multiply),
        title=title or f"{ylab or y} by {by}",
        ylab=ylab or y,
    )


def _numbers_label(row: pd.Series, chart: str, show: Callable[[float], str]) -> str:
    events, n = int(round(row["events"])), int(round(row["n"]))
    rate = show(row["rate"])
    if chart == "xbar":
        return f"{rate} (n = {n:,})"
    return f"{rate} ({events:,} of {n:,})"


def describe_stratified(result: StratifiedResult) -> str:
    """The chart's description (alt text): the overall rate, each stratum's, and the verdicts.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"ward": ["A", "B", "C"], "falls": [5, 40, 1],
    ...                       "bed_days": [1000, 1000, 50]})
    >>> describe_stratified(stratify(frame, "ward", "falls", "bed_days", chart="u",
    ...                              multiply=1000, min_n=100))
    ... # doctest: +NORMALIZE_WHITESPACE
    "falls by ward. falls by ward: 3 strata, overall 22.4 (46 of 2,050). A 5.0 (5 of 1,000),
    lower than chance would usually give; B 40.0 (40 of 1,000), higher than chance would usually
    give; C 20.0 (1 of 50), too few to say anything (under 100). Compared by a u chart across
    strata: 3-sigma limits around the overall rate, from each stratum's denominator."
    """
    table = result.table
    show = number_format([result.overall_rate, *table["rate"]])
    parts = []
    for _, row in table.iterrows():
        text = f"{row['stratum']} {_numbers_label(row, result.chart, show)}"
        if row["too_few"]:
            text += f", too few to say anything (under {result.min_n})"
        elif row["differs"]:
            side = "higher" if row["rate"] > result.overall_rate else "lower"
            text += f", {side} than chance would usually give"
        parts.append(text)
    overall = (
        f"n = {int(result.overall_n):,}"
        if result.chart == "xbar"
        else f"{int(round(result.overall_events)):,} of {int(round(result.overall_n)):,}"
    )
    return (
        f"{result.title}. {result.ylab} by {result.by}: {len(table)} strata, overall "
        f"{show(result.overall_rate)} ({overall}). {'; '.join(parts)}. Compared by a "
        f"{result.method}."
    )


def plot_stratified(
    result: StratifiedResult, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None
) -> Axes:
    """One row per stratum: its rate as a point, the range chance would usually give as a
    bar, its numbers written beside it, and the overall rate as a vertical line. A stratum that
    differs has the signal's diamond; a too-few stratum a hollow circle and the words.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"ward": ["A", "B"], "falls": [10, 30], "bed_days": [900, 1000]})
    >>> ax = stratify(frame, "ward", "falls", "bed_days", chart="u").plot()
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['A', 'B']
    """
    table = result.table
    height = max(2.8, 0.55 * len(table) + 1.8)
    ax, created = new_axes(ax, figsize or (10.0, height))
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color="#E5E5E5", linewidth=0.8)
    rows = np.arange(len(table))[::-1]  # first stratum at the top
    show = number_format([result.overall_rate, *table["rate"]])
    ax.axvline(result.overall_rate, color=COLOURS["centre"], lw=1.4, zorder=2, gid="overall")
    ax.hlines(rows, table["lcl"], table["ucl"], color=COLOURS["limit"], lw=5, alpha=0.35,
              zorder=1, gid="limits")  # fmt: skip
    for kind, where, marker, face in (
        ("stratum", ~table["differs"] & ~table["too_few"], MARKERS["point"], COLOURS["point"]),
        ("differs", table["differs"], MARKERS["signal"], COLOURS["signal"]),
        ("too_few", table["too_few"], MARKERS["point"], "white"),
    ):
        mask = where.to_numpy(dtype=bool)
        ax.plot(table.loc[mask, "rate"], rows[mask], ls="none", marker=marker, ms=8,
                mfc=face, mec=COLOURS["signal"] if kind == "differs" else COLOURS["point"],
                zorder=3, gid=kind)  # fmt: skip
    for row_y, (_, row) in zip(rows, table.iterrows(), strict=True):
        note = _numbers_label(row, result.chart, show)
        if row["too_few"]:
            note += ", too few to say"
        ax.annotate(note, xy=(1.0, row_y), xycoords=ax.get_yaxis_transform(), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=FONT["annotation"],
                    color=COLOURS["note"], annotation_clip=False)  # fmt: skip
    ax.set_yticks(rows, table["stratum"].tolist())
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_title(result.title, loc="left", fontsize=FONT["title"], fontweight="bold")
    ax.set_xlabel(result.ylab, fontsize=FONT["label"])
    ax.set_ylabel(result.by, fontsize=FONT["label"])
    handles = [
        Line2D([], [], color=COLOURS["centre"], label=f"Overall {show(result.overall_rate)}"),
        Line2D([], [], color=COLOURS["limit"], lw=5, alpha=0.35, label="Range chance gives"),
        Line2D(
            [],
            [],
            ls="none",
            marker=MARKERS["point"],
            color=COLOURS["point"],
            label="Within the range",
        ),  # fmt: skip
    ]
    if table["differs"].any():
        handles.append(Line2D([], [], ls="none", marker=MARKERS["signal"], color=COLOURS["signal"],
                              label="Differs from the overall"))  # fmt: skip
    if table["too_few"].any():
        few = f"Too few (under {result.min_n})"
        handles.append(Line2D([], [], ls="none", marker=MARKERS["point"], mfc="white",
                              color=COLOURS["point"], label=few))  # fmt: skip
    add_legend(ax, handles, created)
    set_description(ax, describe_stratified(result))
    show_descriptions()
    return ax
