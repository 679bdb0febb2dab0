"""Seasonality: does a monthly measure follow the calendar, and more than chance would?

:func:`seasonality` lays a monthly series out by month of the year: a table with a row per
year and a column per month, each month's mean and median across the years, and a picture
with one line per year and the monthly mean on top.

The check of whether months differ is the **Kruskal–Wallis test** of the values grouped by
calendar month: it ranks all the values and asks whether some months' ranks sit higher than
others' more than chance alone would usually give (p under 0.05). It needs at least two
values of a month to use that month. It is honest only when the level of the series is
steady: a real change part-way through (a new way of working) makes the months look
different or alike for reasons that have nothing to do with the season, so test the months
before the change, or after it, not both together. With two or three years of data, a real
but modest seasonal pattern can easily be missed: "no evidence" is not evidence of none.

>>> import pandas as pd
>>> months = pd.date_range("2022-01-01", periods=24, freq="MS")
>>> steady = pd.DataFrame({"month": months, "calls": [m for m in range(1, 13)] * 2})
>>> res = seasonality(steady, x="month", y="calls")
>>> res.by_month["mean"].tolist()[:3], round(res.statistic, 2), res.df
([1.0, 2.0, 3.0], 23.0, 11)
"""

from __future__ import annotations

import calendar
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
    as_dates,
    as_frame,
    frame_column,
    numbers,
)
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.special import chi_square_survival
from icp_helpers.charts.style import COLOURS, FONT, OKABE_ITO, style_axes

MONTH_NAMES = [calendar.month_abbr[number] for number in range(1, 13)]
METHOD = (
    "Kruskal–Wallis test of the values grouped by calendar month (months with two or more "
    "values), at the 5% level"
)
#: Colours and markers for the years' lines: each year differs in both.
YEAR_STYLES = [
    (OKABE_ITO["sky_blue"], "o"),
    (OKABE_ITO["orange"], "s"),
    (OKABE_ITO["bluish_green"], "^"),
    (OKABE_ITO["reddish_purple"], "D"),
    (OKABE_ITO["yellow"], "v"),
    (OKABE_ITO["blue"], "P"),
]


@dataclass(frozen=True)
class SeasonalityResult(SavableChart):
    """A monthly series by month of the year, and the check of whether months differ.

    Attributes:
        by_year: one row per calendar year, one column per month (Jan … Dec); NaN where the
            series has no value.
        by_month: one row per month: ``month, values, mean, median, min, max``.
        statistic, df, p_value: the Kruskal–Wallis H, its degrees of freedom (months tested
            less one) and p-value.
        months_differ: True when p is under 0.05.
        method: the check, in words; ``verdict``: its result, in words.
        title, ylab: labels for the picture.
    """

    by_year: pd.DataFrame
    by_month: pd.DataFrame
    statistic: float
    df: int
    p_value: float
    months_differ: bool
    method: str
    verdict: str
    title: str
    ylab: str

    def plot(self, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None) -> Axes:
        """Draw a line per year and the monthly mean across January to December."""
        return plot_seasonality(self, ax=ax, figsize=figsize)


def _span(months: int) -> str:
    """How long ``months`` monthly values cover, in words (whole years when they are).

    >>> _span(24), _span(30)
    ('2 years', '30 months')
    """
    return f"{months // 12} years" if months % 12 == 0 else f"{months} months"


def kruskal_wallis(groups: list[np.ndarray]) -> float:
    """The Kruskal–Wallis H of ``groups`` (arrays of numbers, no missing values), corrected
    for ties: rank every value together (tied values share the mean of their ranks), then
    H = 12 / (N(N + 1)) × Σ R²/n − 3(N + 1), with R each group's rank sum and n its size,
    divided by 1 − Σ(t³ − t) / (N³ − N) over each set of t tied values. Its p-value is the
    chance of a chi-square with one degree of freedom fewer than there are groups exceeding
    it (``chi_square_survival``).

    Two groups of two: ranks 1, 2 and 3, 4 give H = 12/20 × (9/2 + 49/2) − 15 = 2.4.

    >>> round(kruskal_wallis([np.array([1.0, 2.0]), np.array([3.0, 4.0])]), 6)
    2.4
    """
    values = pd.Series(np.concatenate(groups))
    total = len(values)
    ranks = values.rank(method="average").to_numpy()
    edges = np.cumsum([len(group) for group in groups])[:-1]
    spread = sum(part.sum() ** 2 / len(part) for part in np.split(ranks, edges))
    statistic = 12 / (total * (total + 1)) * spread - 3 * (total + 1)
    ties = values.value_counts().to_numpy(dtype=float)
    correction = 1 - (ties**3 - ties).sum() / (total**3 - total)
    return float(statistic / correction)


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def seasonality(
    data: pd.DataFrame,
    x: str,
    y: str,
    n: str | None = None,
    *,
    multiply: float = 1,
    title: str | None = None,
    ylab: str | None = None,
) -> SeasonalityResult:
    """A monthly series (one row per month: dates in ``x``, values ``y × multiply``, or ``y / n
    × multiply`` when ``n`` is given) by month of the year, with the Kruskal–Wallis check.

    Appointments booked at the North CMHT (the reminders changed attendance, not bookings, so
    all three years can be tested together):

    >>> from icp_helpers.datasets import describe, load
    >>> dna = load("did_not_attend")
    >>> print(seasonality(dna, x="month", y="appointments").verdict)
    ... # doctest: +NORMALIZE_WHITESPACE
    The months differ more than chance would usually give (Kruskal–Wallis H = 24.95,
    11 degrees of freedom, p = 0.009).

    The share missed, before the reminders (two years, two values a month):

    >>> before = dna[dna["month"] < describe("did_not_attend").change_date]
    >>> res = seasonality(before, x="month", y="dnas", n="appointments", multiply=100)
    >>> res.months_differ, round(res.p_value, 2)
    (False, 0.31)
    """
    frame = as_frame(data, "seasonality")
    dates = as_dates(frame_column(frame, x, "x"), x)
    values = numbers(frame_column(frame, y, "y"), y)
    if n is not None:
        denominators = numbers(frame_column(frame, n, "n"), n)
        if (denominators[~np.isnan(denominators)] <= 0).any():
            raise MeasureInputError(f"{n} must be greater than 0 in every month; found 0 or less.")
        values = values / denominators * multiply
    elif multiply != 1:
        values = values * multiply
    months = dates.dt.to_period("M")
    if months.duplicated().any():
        raise MeasureInputError(
            f"seasonality needs one row per month, but {months[months.duplicated()].iloc[0]} "
            "has more than one; add up the rows of each month first (e.g. with groupby)."
        )
    table = pd.DataFrame({"year": months.dt.year, "month": months.dt.month, "value": values})
    table = table.dropna(subset=["value"])
    groups = [group["value"].to_numpy() for _, group in table.groupby("month") if len(group) > 1]
    if len(groups) < 2:
        raise MeasureInputError(
            "seasonality needs at least two values of at least two calendar months (about two "
            f"years of monthly data); {y} has {len(table)} months."
        )
    if np.ptp(table["value"]) == 0:
        raise MeasureInputError(f"Every value of {y} is the same: there is no pattern to test.")
    statistic, df = kruskal_wallis(groups), len(groups) - 1
    p_value = chi_square_survival(statistic, df)
    differ = p_value < 0.05
    stated = f"(Kruskal–Wallis H = {statistic:.2f}, {df} degrees of freedom, {_p_text(p_value)})"
    verdict = (
        f"The months differ more than chance would usually give {stated}."
        if differ
        else f"No evidence that the months differ more than chance {stated}. With "
        f"{_span(len(table))} of data a modest seasonal pattern could still be missed."
    )
    by_year = table.pivot(index="year", columns="month", values="value")
    by_year = by_year.reindex(columns=range(1, 13))
    by_year.columns = MONTH_NAMES
    by_year.columns.name = None
    summary = table.groupby("month")["value"].agg(["count", "mean", "median", "min", "max"])
    summary = summary.reindex(range(1, 13)).rename(columns={"count": "values"})
    summary["values"] = summary["values"].fillna(0).astype(int)
    summary.insert(0, "month", MONTH_NAMES)
    return SeasonalityResult(
        by_year=by_year,
        by_month=summary.reset_index(drop=True),
        statistic=statistic,
        df=df,
        p_value=p_value,
        months_differ=differ,
        method=METHOD,
        verdict=verdict,
        title=title or f"{ylab or y} by month of the year",
        ylab=ylab or y,
    )


def describe_seasonality(result: SeasonalityResult) -> str:
    """The chart's description (alt text): the years, the highest and lowest months, the check.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"month": pd.date_range("2022-01-01", periods=24, freq="MS"),
    ...                       "calls": list(range(1, 13)) * 2})
    >>> describe_seasonality(seasonality(frame, x="month", y="calls", title="Calls"))
    ... # doctest: +ELLIPSIS
    'Calls. Month-of-year chart of calls: 2 years (2022 to 2023), a line each, and the mean ...'
    """
    means = result.by_month.set_index("month")["mean"].dropna()
    show = number_format(means)
    years = result.by_year.index
    return (
        f"{result.title}. Month-of-year chart of {result.ylab}: {len(years)} years "
        f"({years.min()} to {years.max()}), a line each, and the mean of each month. Highest "
        f"mean {means.idxmax()} ({show(means.max())}), lowest {means.idxmin()} "
        f"({show(means.min())}). {result.verdict}"
    )


def plot_seasonality(
    result: SeasonalityResult, ax: Axes | None = None, *, figsize: tuple[float, float] | None = None
) -> Axes:
    """Draw one line per year across January to December (each year its own colour and
    marker, labelled at its last point) and the monthly mean as a thick black line; the
    verdict of the check sits under the title.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"month": pd.date_range("2022-01-01", periods=24, freq="MS"),
    ...                       "calls": list(range(1, 13)) * 2})
    >>> ax = seasonality(frame, x="month", y="calls").plot()
    >>> sorted(str(line.get_gid()) for line in ax.lines)
    ['mean', 'year 2022', 'year 2023']
    """
    ax, created = new_axes(ax, figsize)
    style_axes(ax)
    positions = np.arange(1, 13)
    handles = []
    for number, (year, row) in enumerate(result.by_year.iterrows()):
        colour, marker = YEAR_STYLES[number % len(YEAR_STYLES)]
        values = row.to_numpy(dtype=float)
        ax.plot(positions, values, color=colour, marker=marker, ms=5, lw=1.2, zorder=2,
                gid=f"year {year}")  # fmt: skip
        last = np.flatnonzero(np.isfinite(values))[-1]
        ax.annotate(str(year), xy=(positions[last], values[last]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=FONT["annotation"],
                    color="#333333")  # fmt: skip
        handles.append(Line2D([], [], color=colour, marker=marker, label=str(year)))
    ax.plot(positions, result.by_month["mean"], color=COLOURS["centre"], lw=3, zorder=3,
            gid="mean")  # fmt: skip
    handles.append(Line2D([], [], color=COLOURS["centre"], lw=3, label="Mean of each month"))
    ax.set_xticks(positions, MONTH_NAMES)
    ax.set_xlim(0.6, 12.8)
    ax.set_title(result.title, loc="left", fontsize=FONT["title"], fontweight="bold", pad=20)
    ax.text(0.0, 1.01, result.verdict, transform=ax.transAxes, ha="left", va="bottom",
            fontsize=FONT["annotation"], color=COLOURS["note"], wrap=True)  # fmt: skip
    ax.set_ylabel(result.ylab, fontsize=FONT["label"])
    ax.set_xlabel("Month of the year", fontsize=FONT["label"])
    add_legend(ax, handles, created)
    set_description(ax, describe_seasonality(result))
    show_descriptions()
    return ax
