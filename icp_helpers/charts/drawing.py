"""Drawing helpers shared by the run/control chart and Making Data Count pictures.

They turn x values into coordinates (dates get concise month/year labels), format values
for labels, write labels at the right edge without overlaps, add titles, legends and notes.

>>> format_value(12.345)
'12.3'
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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


def format_value(value: float, percent: bool = False) -> str:
    """Format a limit or centre-line value for a label: enough digits, no clutter.

    >>> format_value(1234.5), format_value(12.345), format_value(0.01234)
    ('1,234', '12.3', '0.0123')
    >>> format_value(0.1234, percent=True)
    '12.3%'
    """
    if percent:
        return f"{value * 100:.1f}%"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


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


def add_legend(ax: Axes, handles: list[Line2D], created: bool) -> None:
    """Legend below the plot for figures we made; inside the axes for the caller's axes."""
    if not handles:
        return
    if created:
        ax.figure.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(len(handles), 4),
            frameon=False,
            fontsize=FONT["legend"],
        )
    else:
        ax.legend(handles=handles, loc="best", fontsize=FONT["legend"], framealpha=0.9)


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


def annotate_notes(ax: Axes, xs: np.ndarray, ys: np.ndarray, notes: pd.Series) -> None:
    """Draw each non-empty note as a boxed label with an arrow to its point."""
    heights = (32, 52, 72)
    k = 0
    for xv, yv, note in zip(xs, ys, notes, strict=True):
        if note is None or (isinstance(note, float) and np.isnan(note)) or str(note) == "":
            continue
        y_at = yv if np.isfinite(yv) else np.nanmean(ys)
        ax.annotate(
            str(note),
            xy=(xv, y_at),
            xytext=(0, heights[k % len(heights)]),
            textcoords="offset points",
            ha="center",
            fontsize=FONT["annotation"],
            color=COLOURS["note"],
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#888888", "lw": 0.6},
            arrowprops={"arrowstyle": "-|>", "color": "#666666", "lw": 0.8},
            annotation_clip=False,
        )
        k += 1


def save_figure(
    chart: Axes | Figure, path: str | os.PathLike[str], dpi: int = 200, close: bool = True
) -> None:
    """Save a chart (its Axes or Figure) to PNG, SVG or PDF, chosen by the file name.

    The picture is written to a temporary file in the same folder and then moved into
    place, so a failed save never leaves a half-written file. ``close`` frees the figure.

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
        fig.savefig(buffer, format=fmt, dpi=dpi)
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
