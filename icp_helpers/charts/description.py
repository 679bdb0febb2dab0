"""Alt text for charts: a plain-language description of what a chart shows, for screen readers.

Every chart ``qic`` and ``mdc`` draw gets one. It is kept as a ``description`` attribute on
the Axes (a figure with several charts is described by joining theirs), goes into
the metadata of files written with :func:`~icp_helpers.charts.save_figure` (``Description`` in
PNG and SVG, ``Subject`` in PDF), is the ``alt`` text of the chart in the HTML pages the
course writes (see :func:`icp_helpers.reports.sponsor_update_html`), and, in a notebook, the
``alt`` of the chart's image in the output's metadata (see
:mod:`icp_helpers.charts.notebook_alt`).

>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> set_description(ax, "Falls. Run chart of falls per month.")
>>> chart_description(fig)
'Falls. Run chart of falls per month.'
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

__all__ = [
    "chart_description",
    "describe_mdc",
    "describe_qic",
    "description_metadata",
    "set_description",
]

#: Where each file format keeps a description of the picture.
_METADATA_KEYS = {"png": "Description", "svg": "Description", "pdf": "Subject"}


def set_description(ax: Axes, text: str) -> None:
    """Store ``text`` as the description of the chart on ``ax``."""
    ax.description = text  # type: ignore[attr-defined]


def chart_description(chart: Axes | Figure | SubFigure) -> str:
    """The description (alt text) of a chart drawn by ``qic(...).plot()`` or ``mdc(...).plot()``.

    Give the Axes ``.plot()`` returned, or its Figure (whose description joins those of its
    charts); an empty string when there is none.
    """
    if isinstance(chart, Figure | SubFigure):
        parts = [chart_description(ax) for ax in chart.axes]
        return " ".join(part for part in parts if part)
    return str(getattr(chart, "description", ""))


def description_metadata(fig: Figure, fmt: str) -> dict[str, str] | None:
    """``savefig`` metadata carrying the figure's description, for formats that keep one.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> set_description(ax, "A chart.")
    >>> description_metadata(fig, "pdf"), description_metadata(fig, "jpg")
    ({'Subject': 'A chart.'}, None)
    >>> plt.close(fig)
    """
    text = chart_description(fig)
    key = _METADATA_KEYS.get(fmt)
    return {key: text} if text and key else None


def _x_text(value: Any) -> str:
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%b %Y") if stamp.day == 1 else stamp.strftime("%d %b %Y")
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _span(x: pd.Series) -> str:
    present = x.dropna()
    count = len(x)
    points = f"{count} point{'s' if count != 1 else ''}"
    if not len(present):
        return points
    return f"{points} from {_x_text(present.iloc[0])} to {_x_text(present.iloc[-1])}"


def _count(number: int, what: str) -> str:
    return f"{number} point{'s' if number != 1 else ''} {what}"


def describe_qic(
    result: Any,
    drawn: pd.DataFrame,
    show: Callable[[float], str],
    labels: tuple[str, str, str],
    clipped: bool,
) -> str:
    """Describe a run or control chart: what it plots, its lines per part and its signals.

    ``drawn`` holds the points as drawn (a lower limit below 0 already raised to 0 when
    ``clipped``), ``show`` formats numbers as the labels do, ``labels`` is (title, y, x).

    >>> from icp_helpers.charts import qic
    >>> res = qic([4, 6, 5, 7, 5, 6, 4, 8, 5, 6, 5, 7], chart="i", title="Falls")
    >>> describe_qic(res, res.points, "{:.1f}".format, ("Falls", "Falls", "Month"), False)
    ... # doctest: +NORMALIZE_WHITESPACE
    'Falls. I chart (individuals) of Falls by Month: 12 points from 1 to 12. Centre line 5.7,
    control limits 0.6 to 10.7. No points outside the control limits. No non-random runs.'
    """
    from icp_helpers.charts.qic import CHART_TITLES

    title, ylab, xlab = labels
    chart = result.chart
    sentences = [f"{title}.", f"{CHART_TITLES.get(chart, chart)} of {ylab} by {xlab}: "
                 f"{_span(drawn['x'])}."]  # fmt: skip
    parts = drawn["part"].to_numpy() if "part" in drawn.columns else np.ones(len(drawn))
    centre = "Median" if chart == "run" else "Centre line"
    for number, label in enumerate(pd.unique(parts), start=1):
        rows = drawn[parts == label]
        prefix = f"Part {number}: " if len(pd.unique(parts)) > 1 else ""
        line = f"{prefix}{centre} {show(_last(rows['cl']))}"
        if chart != "run" and np.isfinite(_last(rows["ucl"])):
            low = _last(rows["lcl"])
            limits = f"{show(low)} to " if np.isfinite(low) else "up to "
            line += f", control limits {limits}{show(_last(rows['ucl']))}"
        sentences.append(line + ".")
    if clipped:
        sentences.append("The lower limit is drawn at 0: the measure cannot be negative.")
    if chart != "run":
        outside = int(np.count_nonzero(drawn["sigma_signal"].fillna(False)))
        sentences.append(
            f"{_count(outside, 'outside the control limits')}."
            if outside
            else "No points outside the control limits."
        )
    runs_parts = sorted(set(result.signals["part"]) & set(_runs_parts(result)))
    if runs_parts:
        where = ", ".join(str(p) for p in runs_parts)
        place = f" in part {where}" if len(pd.unique(parts)) > 1 else ""
        sentences.append(f"Non-random runs (a shift or too few crossings){place}.")
    else:
        sentences.append("No non-random runs.")
    target = _last(drawn["target"]) if "target" in drawn.columns else np.nan
    if np.isfinite(target):
        sentences.append(f"Target {show(target)}.")
    notes = [
        f"{note} ({_x_text(x)})"
        for x, note in zip(drawn["x"], drawn.get("notes", [None] * len(drawn)), strict=True)
        if isinstance(note, str) and note.strip()
    ]
    if notes:
        sentences.append("Notes: " + "; ".join(notes) + ".")
    if getattr(result, "trial_limits", False) and chart != "run":
        sentences.append("Trial limits: fewer than 12 points.")
    return " ".join(sentences)


def _runs_parts(result: Any) -> list[int]:
    from icp_helpers.charts.rule_names import describe

    signals = result.signals
    runs = signals["rule"].map(lambda rule: describe(rule).runs).astype(bool)
    return [int(part) for part in signals.loc[runs, "part"]]


def _last(values: pd.Series) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr[-1]) if len(arr) else float("nan")


def describe_mdc(
    result: Any,
    drawn: pd.DataFrame,
    show: Callable[[float], str],
    labels: tuple[str, str, str],
    clipped: bool,
) -> str:
    """Describe a Making Data Count chart: what it plots, its latest limits and its icons.

    >>> from icp_helpers.charts import mdc
    >>> res = mdc([5, 6, 5, 7, 6, 5, 6, 7, 9, 9, 10, 9, 10, 11], improvement="increase")
    >>> describe_mdc(res, res.points, "{:.1f}".format, ("Calls", "Calls", "Week"), False)
    ... # doctest: +ELLIPSIS
    'Calls. Making Data Count chart (XmR) of Calls by Week: 14 points from 1 to 14. Mean ...'
    """
    from icp_helpers.charts.mdc_plot import ASSURANCE_ICONS
    from icp_helpers.charts.style import MDC_LABELS

    title, ylab, xlab = labels
    sentences = [f"{title}.", f"Making Data Count chart (XmR) of {ylab} by {xlab}: "
                 f"{_span(drawn['x'])}."]  # fmt: skip
    sentences.append(
        f"Mean {show(_last(drawn['mean']))}, process limits {show(_last(drawn['lpl']))} to "
        f"{show(_last(drawn['upl']))} (latest period)."
    )
    if clipped:
        sentences.append("The lower process limit is drawn at 0: the measure cannot be negative.")
    special = int(np.count_nonzero(drawn["special_cause"].fillna(False)))
    sentences.append(f"{_count(special, 'show special cause variation')}.")
    if result.variation_icon:
        sentences.append(f"Latest point: {MDC_LABELS[result.variation_icon].lower()}.")
    if result.target is not None:
        sentences.append(f"Target {show(float(result.target))}.")
    if result.assurance_icon:
        caption = ASSURANCE_ICONS[result.assurance_icon][2].replace("\n", " ")
        sentences.append(f"Assurance: {caption.lower()}.")
    if getattr(result, "trial_limits", False):
        sentences.append("Trial limits: fewer than 12 points.")
    return " ".join(sentences)
