"""Put PDSA cycles on a run chart: as (date, label) notes or as marks on an existing chart.

>>> from icp_helpers.pdsa.cycle import PdsaCycle
>>> log = [PdsaCycle(change_idea="Huddle", cycle_id="PDSA 2", act="adapt", start="2024-04-08"),
...        PdsaCycle(change_idea="Huddle", cycle_id="PDSA 1", act="adapt", start="2024-03-04")]
>>> for when, label in pdsa_notes(log):
...     print(when.date(), label)
2024-03-04 PDSA 1 (adapt)
2024-04-08 PDSA 2 (adapt)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes

from icp_helpers.fields import FieldError
from icp_helpers.pdsa.cycle import PdsaCycle

__all__ = ["pdsa_notes", "notes_for_periods", "draw_pdsa_cycles"]

#: Dark grey from the colour-blind-safe palette: the text labels, not the colour, carry meaning.
MARK_COLOUR = "#4d4d4d"
_DATE_FORMATTERS = (mdates.DateFormatter, mdates.AutoDateFormatter, mdates.ConciseDateFormatter)


def _note(cycle: PdsaCycle) -> str:
    return f"{cycle.label} ({cycle.act})" if cycle.act else cycle.label


def pdsa_notes(cycles: Iterable[PdsaCycle]) -> list[tuple[pd.Timestamp, str]]:
    """Return ``(start date, label)`` for each cycle, earliest first.

    The label is the cycle id (or its change idea, shortened) with the act decision. A cycle
    without a start date cannot be placed, so it raises an error naming the cycle.
    """
    marks = []
    for number, cycle in enumerate(cycles, start=1):
        if not isinstance(cycle, PdsaCycle):
            raise FieldError(f"item {number} is a {type(cycle).__name__}, not a PdsaCycle")
        if cycle.start is None:
            raise FieldError(
                f"cycle {number} ({cycle.label!r}) has no start date; add start='YYYY-MM-DD' "
                "so it can be placed on the chart"
            )
        marks.append((pd.Timestamp(cycle.start), _note(cycle)))
    return sorted(marks, key=lambda mark: mark[0])


def notes_for_periods(
    cycles: Iterable[PdsaCycle], periods: Sequence[object] | pd.Series
) -> list[str | None]:
    """Notes lined up with a chart's periods, ready for ``qic(..., notes=...)``.

    Each cycle goes against the last period that starts on or before its start date; two
    cycles in one period share it, joined by ``"; "``. Cycles before the first period are
    left out.

    >>> from icp_helpers.pdsa.cycle import PdsaCycle
    >>> months = pd.date_range("2024-01-01", periods=4, freq="MS")
    >>> notes_for_periods([PdsaCycle(change_idea="Huddle", cycle_id="P1",
    ...                              start="2024-02-12")], months)
    [None, 'P1', None, None]
    """
    starts = _period_starts(periods)
    notes: list[str | None] = [None] * len(starts)
    for when, label in pdsa_notes(cycles):
        position = int(starts.searchsorted(when, side="right")) - 1
        if position < 0:
            continue
        notes[position] = label if notes[position] is None else f"{notes[position]}; {label}"
    return notes


def _period_starts(periods: Sequence[object] | pd.Series) -> pd.Series:
    series = pd.Series(list(periods))
    if isinstance(series.dtype, pd.PeriodDtype):
        series = series.dt.to_timestamp()
    try:
        starts = pd.to_datetime(series, format="ISO8601")
    except (ValueError, TypeError):
        starts = None
    if starts is None or starts.isna().any() or not starts.is_monotonic_increasing:
        raise FieldError(
            "periods must be dates in time order (e.g. the first day of each month, "
            "written YYYY-MM-DD), with no blanks"
        )
    return starts


def draw_pdsa_cycles(ax: Axes, cycles: Iterable[PdsaCycle], *, shade: bool = True) -> Axes:
    """Mark each cycle on a run chart with dates on the x axis; return the Axes.

    A dashed vertical line marks the start, a rotated label names the cycle and its act
    decision, and (with ``shade=True``) a light band covers start to end. The x limits of the
    chart are kept, so cycles outside the chart's period simply do not show.

    >>> import matplotlib.pyplot as plt
    >>> from icp_helpers.pdsa.cycle import PdsaCycle
    >>> fig, ax = plt.subplots()
    >>> months = pd.date_range("2024-01-01", periods=6, freq="MS")
    >>> _ = ax.plot(months, [14, 12, 15, 11, 9, 8], marker="o")
    >>> _ = draw_pdsa_cycles(ax, [PdsaCycle(change_idea="Huddle", cycle_id="PDSA 1",
    ...                                     start="2024-03-04", end="2024-03-10")])
    >>> [text.get_text() for text in ax.texts]
    ['PDSA 1']
    >>> plt.close(fig)
    """
    if not isinstance(ax, Axes):
        raise FieldError(
            f"draw_pdsa_cycles needs a matplotlib Axes (e.g. from result.plot()), "
            f"not {type(ax).__name__}"
        )
    if not isinstance(ax.xaxis.get_major_formatter(), _DATE_FORMATTERS):
        raise FieldError(
            "the chart's x axis does not show dates, so cycles cannot be placed at their "
            "dates; draw the run chart with a date column on the x axis"
        )
    items = list(cycles)
    marks = pdsa_notes(items)
    by_start = [
        cycle
        for _, cycle in sorted(
            ((cycle.start, number), cycle)
            for number, cycle in enumerate(items)
            if cycle.start is not None
        )
    ]
    xlim = ax.get_xlim()
    transform = ax.get_xaxis_transform()
    for (when, label), cycle in zip(marks, by_start, strict=True):
        x = mdates.date2num(when)
        ax.axvline(x, color=MARK_COLOUR, linestyle="--", linewidth=1, zorder=1)
        if shade and cycle.end is not None and cycle.start and cycle.end > cycle.start:
            ax.axvspan(
                x,
                mdates.date2num(pd.Timestamp(cycle.end)),
                color=MARK_COLOUR,
                alpha=0.08,
                linewidth=0,
                zorder=0,
            )
        ax.text(
            x,
            0.98,
            label,
            transform=transform,
            rotation=90,
            ha="right",
            va="top",
            fontsize=8,
            color=MARK_COLOUR,
            clip_on=True,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
    ax.set_xlim(xlim)
    return ax
