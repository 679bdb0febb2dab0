"""Drawing helpers shared by the run/control chart and Making Data Count pictures.

They turn x values into coordinates (dates get concise month/year labels), format values
for labels (one format for every label on a chart), write labels at the right edge without
overlaps, add titles, legends (always off the data) and notes (in a band kept free of data).

>>> number_format([12.345, 0.5])(0.5)
'0.5'
"""

from __future__ import annotations

import functools
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.textpath import text_to_path
from matplotlib.transforms import ScaledTranslation, Transform

from icp_helpers.charts.description import description_metadata
from icp_helpers.charts.style import COLOURS, FIGSIZE, FONT, LINESTYLES
from icp_helpers.files import atomic_write

TRIAL_LABEL = "Trial limits (fewer than 12 points)"


def x_coordinates(x: Sequence[Any] | pd.Series) -> tuple[np.ndarray, str, list[str]]:
    """Turn x values into plotting coordinates.

    Returns ``(coords, kind, labels)`` where kind is ``"date"`` (coords are matplotlib
    date numbers), ``"number"``, or ``"category"`` (coords are 0, 1, 2, ... and ``labels``
    holds the tick labels).

    >>> x_coordinates(pd.to_datetime(["2024-01-01", "2024-02-01"]))[1]
    'date'
    >>> x_coordinates(["Mon", "Tue"])
    (array([0., 1.]), 'category', ['Mon', 'Tue'])
    """
    s = pd.Series(x)
    if isinstance(s.dtype, pd.PeriodDtype):
        s = s.dt.to_timestamp()
    if pd.api.types.is_datetime64_any_dtype(s):
        return mdates.date2num(s.dt.tz_localize(None) if s.dt.tz else s), "date", []
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=float), "number", []
    non_null = s.dropna()
    if len(non_null) and all(isinstance(v, pd.Timestamp | np.datetime64) for v in non_null):
        return x_coordinates(pd.to_datetime(s))
    if len(non_null) and all(hasattr(v, "isoformat") and hasattr(v, "year") for v in non_null):
        return x_coordinates(pd.to_datetime(s))
    return np.arange(len(s), dtype=float), "category", [str(v) for v in s]


def number_format(values: Iterable[float], percent: bool = False) -> Callable[[float], str]:
    """One number format for all the labels of a chart, chosen from the largest of ``values``.

    Every label then shows the same number of decimal places (enough for the largest value
    to show three significant figures), so "CL 10.4" never sits beside "LCL 0.707".

    >>> show = number_format([10.38, 0.707, 20.1])
    >>> show(10.38), show(0.707), show(0)
    ('10.4', '0.7', '0.0')
    >>> number_format([0.0123])(0.0123), number_format([1234.5])(1234.5)
    ('0.0123', '1,234')
    >>> number_format([0.1234], percent=True)(0.1234)
    '12.3%'
    """
    if percent:
        return lambda value: f"{value * 100:.1f}%"
    sizes = [abs(float(v)) for v in values if np.isfinite(v)]
    size = max(sizes, default=0.0)
    if size >= 100:
        decimals = 0
    elif size >= 10:
        decimals = 1
    elif size >= 1 or size == 0:
        decimals = 2
    else:
        decimals = 2 - math.floor(math.log10(size))
    return lambda value: f"{value:,.{decimals}f}"


#: Charts whose plotted quantity can never be below zero: counts, rates, proportions, times
#: between events, moving ranges and standard deviations.
NEVER_NEGATIVE = frozenset({"c", "u", "up", "p", "pp", "g", "t", "mr", "s"})


def cannot_be_negative(chart: str, y: np.ndarray, given: bool | None = None) -> bool:
    """Is the charted quantity one that cannot be negative (so no limit is drawn below 0)?

    ``given`` (True or False) decides. Otherwise counts, rates and proportions cannot, by
    chart type; for charts of measured values (i, xbar, ip, Making Data Count) a measure whose
    values are all 0 or more is taken to be one that cannot be negative (a count, a rate, a
    wait); pass ``nonnegative=False`` to ``.plot()`` for one that can (a change, a balance).

    >>> cannot_be_negative("c", np.array([3.0, 4.0]))
    True
    >>> cannot_be_negative("i", np.array([3.0, -1.0])), cannot_be_negative("i", np.array([3.0]))
    (False, True)
    """
    if given is not None:
        return bool(given)
    if chart in NEVER_NEGATIVE:
        return True
    finite = y[np.isfinite(y)]
    return bool(len(finite)) and bool((finite >= 0).all())


def limits_at_zero(
    points: pd.DataFrame, columns: Sequence[str], clip: bool
) -> tuple[pd.DataFrame, bool]:
    """A copy of ``points`` as drawn: with ``clip``, the lower limits in ``columns`` that are
    below 0 raised to 0. Also says whether any limit was raised.

    >>> points = pd.DataFrame({"lcl": [-1.5, 2.0]})
    >>> drawn, raised = limits_at_zero(points, ["lcl"], clip=True)
    >>> drawn["lcl"].tolist(), raised, points["lcl"].tolist()
    ([0.0, 2.0], True, [-1.5, 2.0])
    """
    drawn = points.copy()
    raised = False
    if clip:
        for column in (c for c in columns if c in drawn.columns):
            values = drawn[column].to_numpy(dtype=float)
            below = np.isfinite(values) & (values < 0)
            raised = raised or bool(below.any())
            drawn[column] = np.where(below, 0.0, values)
    return drawn, raised


def drawn_line_ids(ax: Axes) -> set[str]:
    """The ids (``gid``) of the lines on ``ax`` that show at least one point, so that a legend
    lists only what is drawn."""
    return {
        str(line.get_gid())
        for line in ax.lines
        if np.isfinite(np.asarray(line.get_ydata(), dtype=float)).any()
    }


def label_right_edge(ax: Axes, labels: list[tuple[str, float, str]], min_gap: float = 0.05) -> None:
    """Write ``(text, y, colour)`` labels just right of the axes, nudged apart so none overlap.

    ``min_gap`` is the smallest vertical distance between labels as a fraction of the axes.
    """
    labels = [lab for lab in labels if np.isfinite(lab[1])]
    if not labels:
        return
    ax.autoscale_view()
    low, high = ax.get_ylim()
    gap = min_gap * (high - low)
    placed: list[float] = []
    for text, y, colour in sorted(labels, key=lambda lab: lab[1]):
        y_text = y if not placed else max(y, placed[-1] + gap)
        placed.append(y_text)
        ax.annotate(
            text,
            xy=(1.0, y),
            xytext=(1.01, y_text),
            xycoords=ax.get_yaxis_transform(),
            textcoords=ax.get_yaxis_transform(),
            va="center",
            ha="left",
            fontsize=FONT["annotation"],
            color=colour,
            annotation_clip=False,
        )


def label_part_end(ax: Axes, x: float, y: float, text: str, colour: str) -> None:
    """A small label just above a line at the end of an earlier part (phase)."""
    if not (np.isfinite(x) and np.isfinite(y)):
        return
    ax.annotate(
        text,
        xy=(x, y),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=FONT["annotation"] - 1,
        color=colour,
        zorder=6,
        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
    )


def set_x_axis(ax: Axes, kind: str, coords: np.ndarray, labels: list[str]) -> None:
    """Format the x axis for dates (concise month/year labels) or categories."""
    if kind == "date":
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    elif kind == "category":
        step = max(1, int(np.ceil(len(labels) / 15)))
        ax.set_xticks(coords[::step], labels[::step], rotation=45 if step > 1 else 0)
        if step > 1:
            for tick in ax.get_xticklabels():
                tick.set_horizontalalignment("right")


def new_axes(ax: Axes | None, figsize: tuple[float, float] | None) -> tuple[Axes, bool]:
    """Return ``(ax, created)``: the given axes, or a new figure's axes in constrained layout."""
    if ax is not None:
        return ax, False
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    return ax, True


def add_legend(ax: Axes, handles: Sequence[Artist], created: bool) -> None:
    """The legend, always off the data: below the x axis label.

    For figures made here it is a figure legend at the bottom; on the caller's axes it sits
    just under that axes' tick labels and axis label (constrained layout and notebooks, which
    save with a tight box, make room for it).
    """
    if not handles:
        return
    fig = ax.get_figure(root=True)
    if created and fig is not None:
        fig.legend(
            handles=list(handles),
            loc="outside lower center",
            ncol=legend_columns(handles, fig.bbox.width * 72 / fig.dpi),
            frameon=False,
            fontsize=FONT["legend"],
        )
    else:
        width = ax.bbox.width * 72 / fig.dpi if fig is not None else 400.0
        ax.legend(
            handles=list(handles),
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=_below_x_axis(ax),
            ncol=legend_columns(handles, width),
            frameon=False,
            fontsize=FONT["legend"],
        )


def legend_columns(handles: Sequence[Artist], width: float, most: int = 4) -> int:
    """The most columns (up to ``most``) in which the legend entries fit ``width`` points.

    Entries fill the columns first, as matplotlib lays them out; each is as wide as its
    handle and text (measured from the font's advance widths, as matplotlib sets the text),
    and columns are two font sizes apart.

    >>> from matplotlib.lines import Line2D
    >>> entries = [Line2D([], [], label=text) for text in ("Data", "Centre line", "Target")]
    >>> legend_columns(entries, 720), legend_columns(entries, 150)
    (3, 1)
    """
    size = FONT["legend"]
    typeface = findfont(FontProperties(size=size))
    widths = [_text_width(str(h.get_label()), typeface, size) + 2.8 * size for h in handles]
    for ncol in range(min(most, len(widths)), 1, -1):
        columns = [c for c in np.array_split(np.array(widths), ncol) if len(c)]
        if sum(c.max() for c in columns) + 2.0 * size * (len(columns) - 1) <= 0.95 * width:
            return ncol
    return 1


@functools.lru_cache(maxsize=512)
def _text_width(text: str, typeface: str, size: float) -> float:
    """How wide ``text`` is set in the font file ``typeface`` at ``size`` points, as
    matplotlib measures it (legend labels recur in chart after chart)."""
    font = FontProperties(fname=typeface, size=size)
    return float(text_to_path.get_text_width_height_descent(text, font, ismath=False)[0])


def _below_x_axis(ax: Axes) -> Transform:
    """Axes coordinates moved down past the x tick labels and axis label (a fixed distance in
    points, so it stays right when the layout later resizes the axes)."""
    fig = ax.get_figure(root=True)
    if fig is None:
        return ax.transAxes
    labels = ax.xaxis.get_tightbbox()  # measured with the figure's own renderer
    depth = ax.get_window_extent().y0 - labels.y0 if labels is not None else 0.0
    inches = max(float(depth), 0.0) / fig.dpi + 4 / 72
    return ax.transAxes + ScaledTranslation(0, -inches, fig.dpi_scale_trans)


def add_titles(
    ax: Axes,
    title: str,
    ylab: str,
    xlab: str,
    trial: bool,
    trial_inside: bool = False,
) -> None:
    """Title on the left, axis labels, and the trial-limits warning when ``trial``.

    The warning goes opposite the title, or (``trial_inside``, used where icons sit above the
    chart on the right) on its own line between the title and the plot.
    """
    pad = 22 if trial and trial_inside else 6
    ax.set_title(title, loc="left", fontsize=FONT["title"], fontweight="bold", pad=pad)
    if trial and trial_inside:
        ax.text(
            0.0,
            1.015,
            TRIAL_LABEL,
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=FONT["label"],
            color=COLOURS["trial"],
        )
    elif trial:
        ax.set_title(TRIAL_LABEL, loc="right", fontsize=FONT["label"], color=COLOURS["trial"])
    ax.set_ylabel(ylab, fontsize=FONT["label"])
    ax.set_xlabel(xlab, fontsize=FONT["label"])


#: Share of the plotting area's height kept free of data at the top for notes.
NOTE_BAND = 0.3


def annotate_notes(ax: Axes, xs: np.ndarray, ys: np.ndarray, notes: pd.Series) -> None:
    """Draw each non-empty note as a boxed label in a band along the top of the plotting
    area, with an arrow down to its point.

    The y axis is raised so that no data reach the band; notes therefore stay inside the
    axes and never cover the title, the trial-limits warning or the data. Up to three notes
    in a row are staggered in height so that neighbours do not overlap.
    """
    found = [
        (xv, yv, str(note))
        for xv, yv, note in zip(xs, ys, notes, strict=True)
        if not (note is None or (isinstance(note, float) and np.isnan(note)) or str(note) == "")
    ]
    if not found:
        return
    ax.autoscale_view()
    low, high = ax.get_ylim()
    ax.set_ylim(low, low + (high - low) / (1 - NOTE_BAND))
    left, right = ax.get_xlim()
    heights = (0.98, 0.89, 0.80)
    for k, (xv, yv, note) in enumerate(found):
        y_at = yv if np.isfinite(yv) else np.nanmean(ys)
        where = (xv - left) / (right - left) if right != left else 0.5
        ax.annotate(
            note,
            xy=(xv, y_at),
            xytext=(xv, heights[k % len(heights)]),
            textcoords=ax.get_xaxis_transform(),
            ha="left" if where < 0.15 else "right" if where > 0.85 else "center",
            va="top",
            fontsize=FONT["annotation"],
            color=COLOURS["note"],
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#888888", "lw": 0.6},
            arrowprops={"arrowstyle": "-|>", "color": "#666666", "lw": 0.8},
            zorder=6,
        )


class SavableChart:
    """Gives a chart result whose ``plot()`` draws it a ``save(path)``: draw, then save with
    :func:`save_figure` (PNG, SVG or PDF from the file name, never half-written).

    >>> import tempfile, pathlib
    >>> from icp_helpers.charts import pareto
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pareto(["Waiting", "Waiting", "Noise"]).save(folder / "pareto.png")
    >>> (folder / "pareto.png").stat().st_size > 0
    True
    """

    def plot(self) -> Axes | Figure:
        raise NotImplementedError

    def save(self, path: str | os.PathLike[str], dpi: int = 200) -> None:
        """Draw and save the chart (PNG, SVG or PDF from the file name), never half-written."""
        save_figure(self.plot(), path, dpi=dpi)


def save_figure(
    chart: Axes | Figure, path: str | os.PathLike[str], dpi: int = 200, close: bool = True
) -> None:
    """Save a chart (its Axes or Figure) to PNG, SVG or PDF, chosen by the file name.

    The picture is written to a temporary file in the same folder and then moved into
    place, so a failed save never leaves a half-written file. ``close`` frees the figure.
    The chart's description (its alt text, see :func:`chart_description`) goes into the
    file's metadata: ``Description`` in PNG and SVG, ``Subject`` in PDF.

    >>> import pathlib, tempfile
    >>> fig, ax = plt.subplots()
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_figure(ax, folder / "empty.svg")
    >>> (folder / "empty.svg").read_text()[:5]
    '<?xml'
    """
    fig = chart if isinstance(chart, Figure) else chart.get_figure(root=True)
    if fig is None:
        raise ValueError("Cannot save a chart that is not on a figure; draw it first.")
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in fig.canvas.get_supported_filetypes():
        raise ValueError(
            f"Cannot save {str(target)!r}: end the file name in .png, .svg or .pdf "
            "so the picture's format is clear."
        )
    if not target.parent.is_dir():
        raise ValueError(
            f"Cannot save {str(target)!r}: the folder {str(target.parent)!r} does not exist."
        )
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=description_metadata(fig, fmt))
        atomic_write(target, buffer.getvalue())
    finally:
        if close:
            plt.close(fig)


def draw_target(ax: Axes, xs: np.ndarray, target: np.ndarray) -> bool:
    """Draw the target as a dotted line where it is given; return whether anything was drawn."""
    if not np.isfinite(target).any():
        return False
    ax.plot(
        xs, target, color=COLOURS["target"], ls=LINESTYLES["target"], lw=1.6, zorder=2, gid="target"
    )
    return True
