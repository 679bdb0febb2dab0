"""Draw run and Shewhart charts from a :class:`QicResult` (calculation lives elsewhere).

:func:`plot_qic` is what ``QicResult.plot()`` calls. It reads only ``result.points`` and a
few labels, so the picture always shows exactly the numbers the calculation produced:

- the data line, one line per part (phase), with a dashed vertical line between parts;
- the end of a frozen baseline as a dotted vertical line, named in the legend;
- the centre line (solid; dashed and vermillion in a part whose runs analysis signals
  non-random variation) and the control limits, each labelled with its value at the right;
- points outside the limits as vermillion diamonds (shape *and* colour); points left out of
  the calculations as hollow circles;
- a target line, notes (e.g. PDSA cycles) as labelled arrows at their points, and the
  warning "Trial limits (fewer than 12 points)" when the limits rest on too few points;
- a legend, off the data, of only the lines and points that are drawn;
- for a quantity that cannot be negative (counts, rates, proportions; see
  :func:`~icp_helpers.charts.drawing.cannot_be_negative`) a lower limit below zero is drawn,
  and labelled, at 0; ``result.points`` keeps the values the formulas give;
- a description of the chart for screen readers (alt text): ``chart_description(ax)``.

>>> from icp_helpers.charts import qic
>>> ax = qic([3, 5, 4, 6, 5, 4, 7, 5, 6, 4, 5, 6, 5], chart="i").plot()
>>> sorted(t.get_text().split()[0] for t in ax.texts)
['CL', 'LCL', 'UCL']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from icp_helpers.charts.description import describe_qic, set_description
from icp_helpers.charts.drawing import (
    add_legend,
    add_titles,
    annotate_notes,
    cannot_be_negative,
    draw_target,
    drawn_line_ids,
    label_part_end,
    label_right_edge,
    limits_at_zero,
    new_axes,
    number_format,
    set_x_axis,
    x_coordinates,
)
from icp_helpers.charts.mdc_plot import plot_mdc
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.qic import CHART_TITLES
from icp_helpers.charts.rule_names import describe
from icp_helpers.charts.style import COLOURS, LINESTYLES, MARKERS, marker_size, style_axes

__all__ = ["plot_qic", "plot_mdc"]


def _column(points: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in points.columns:
        return points[name]
    return pd.Series(default, index=points.index)


def _is_percent(result: Any, points: pd.DataFrame) -> bool:
    """P charts on the 0-1 scale (not multiplied by 100) get a percentage axis."""
    if result.chart not in ("p", "pp"):
        return False
    values = points[["y", "ucl"]].to_numpy(dtype=float)
    return bool(np.nanmax(np.abs(values), initial=0.0) <= 1.0)


def _draw_part(
    ax: Axes, xs: np.ndarray, pts: pd.DataFrame, runs: bool, has_limits: bool, show_95: bool
) -> None:
    """Data line, centre line (dashed when ``runs``) and limits for one part."""
    y = pts["y"].to_numpy(dtype=float)
    ax.plot(xs, y, color=COLOURS["data"], lw=1.2, ls=LINESTYLES["data"], zorder=3, gid="data")
    role = "centre_signal" if runs else "centre"
    ax.plot(
        xs,
        pts["cl"].to_numpy(dtype=float),
        color=COLOURS[role],
        ls=LINESTYLES[role],
        lw=1.6,
        drawstyle="steps-mid",
        zorder=2,
        gid=role,
    )
    if has_limits:
        for col in ("ucl", "lcl"):
            ax.plot(
                xs,
                pts[col].to_numpy(dtype=float),
                color=COLOURS["limit"],
                ls=LINESTYLES["limit"],
                lw=1.2,
                drawstyle="steps-mid",
                zorder=2,
                gid=col,
            )
        if show_95:
            for col in ("ucl_95", "lcl_95"):
                ax.plot(
                    xs,
                    _column(pts, col, np.nan).to_numpy(dtype=float),
                    color=COLOURS["limit_95"],
                    ls=LINESTYLES["limit_95"],
                    lw=1.0,
                    drawstyle="steps-mid",
                    zorder=2,
                    gid=col,
                )


#: Marker styles for each kind of point; the legend is drawn from the same table.
POINT_STYLES: dict[str, dict[str, Any]] = {
    "points": {"marker": MARKERS["point"], "color": COLOURS["point"], "label": "Data"},
    "excluded": {
        "marker": MARKERS["excluded"],
        "mfc": "white",
        "mec": COLOURS["excluded"],
        "mew": 1.3,
        "label": "Left out of calculations",
    },
    "signal": {
        "marker": MARKERS["signal"],
        "color": COLOURS["signal"],
        "mec": "black",
        "mew": 0.6,
        "label": "Outside the limits",
    },
    "rule_signal": {
        "marker": MARKERS["rule_signal"],
        "color": COLOURS["rule_signal"],
        "mec": "black",
        "mew": 0.6,
        "label": "Flagged by a rule",
    },
}


def _rule_rows(result: Any, part_level: bool) -> pd.DataFrame:
    """Rows of ``result.signals`` for part rules (``part_level``) or point rules."""
    signals = getattr(result, "signals", None)
    if signals is None or not {"rule", "position"} <= set(signals.columns):
        return pd.DataFrame(columns=["rule", "part", "position"])
    signals = signals[signals["rule"] != "outside_limits"]
    runs_rules = signals["rule"].map(lambda rule: describe(rule).runs).astype(bool)
    return signals[runs_rules == part_level]


def _point_masks(result: Any, points: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which rows are drawn as which kind of point (each row in exactly one kind)."""
    include = _column(points, "include", True).fillna(True).to_numpy(dtype=bool)
    sigma = _column(points, "sigma_signal", False).fillna(False).to_numpy(dtype=bool)
    flagged = _rule_rows(result, part_level=False)["position"].to_numpy(dtype=int)
    rule = np.isin(np.arange(len(points)), flagged) & ~sigma
    excluded = ~include & ~sigma & ~rule
    return {
        "points": ~(sigma | rule | excluded),
        "excluded": excluded,
        "signal": sigma,
        "rule_signal": rule,
    }


def _rule_names(result: Any, positions: np.ndarray) -> str:
    """Readable names of the point rules that flagged the given positions."""
    rows = _rule_rows(result, part_level=False)
    rules = rows.loc[rows["position"].isin(positions), "rule"].astype(str).unique()
    return ", ".join(describe(rule).legend for rule in rules)


def _runs_parts(result: Any, points: pd.DataFrame) -> np.ndarray:
    """Per row: does its part show non-random runs by a part rule of the chart's own rule set?

    Only the chosen rule set counts (Anhøj's longest run and crossings, or the IHI runs
    count), so a chart drawn with the IHI rules never shows an Anhøj signal.
    """
    parts = _column(points, "part", 1).to_numpy()
    flagged_parts = _rule_rows(result, part_level=True).get("part", pd.Series(dtype=int))
    return np.isin(parts, flagged_parts.to_numpy())


def _draw_points(ax: Axes, xs: np.ndarray, result: Any, size: float) -> list[Line2D]:
    """Draw each kind of point; return legend handles for the kinds that appear."""
    points = result.points.reset_index(drop=True)
    y = points["y"].to_numpy(dtype=float)
    handles = []
    for kind, mask in _point_masks(result, points).items():
        if not mask.any() and kind != "points":
            continue
        style = dict(POINT_STYLES[kind])
        if kind == "rule_signal" and (names := _rule_names(result, np.flatnonzero(mask))):
            style["label"] = f"Flagged by a rule ({names})"
        big = 0 if kind == "points" else 2.5
        z = 5 if "signal" in kind else 4
        ax.plot(
            xs[mask],
            y[mask],
            ls="none",
            ms=size + big,
            zorder=z,
            gid=kind,
            **{k: v for k, v in style.items() if k != "label"},
        )
        if kind == "points":
            style["color"] = COLOURS["data"]
            style["mfc"] = COLOURS["point"]
            if not mask.any():  # every point is marked otherwise: the entry is the line only
                style["marker"] = "none"
        handles.append(Line2D([], [], ls="-" if kind == "points" else "none", ms=7, **style))
    return handles


def _line_handles(ax: Axes, chart: str) -> list[Line2D]:
    """Legend entries for the reference lines drawn on ``ax`` (and only those)."""
    drawn = drawn_line_ids(ax)
    centre = "Median" if chart == "run" else "Centre line"
    entries = [
        ("centre", centre, {"centre"}),
        ("centre_signal", f"{centre}: non-random runs (shift or too few crossings)",
         {"centre_signal"}),
        ("limit", "Control limits (3σ)", {"ucl", "lcl"}),
        ("limit_95", "Warning limits (2σ)", {"ucl_95", "lcl_95"}),
        ("target", "Target", {"target"}),
        ("baseline", "End of the baseline period", {"baseline"}),
    ]  # fmt: skip
    return [
        Line2D([], [], color=COLOURS[role], ls=LINESTYLES[role], lw=1.6, label=label)
        for role, label, gids in entries
        if gids & drawn
    ]


def plot_qic(
    result: Any,
    ax: Axes | None = None,
    *,
    show_95: bool = False,
    legend: bool = True,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
    ylab: str | None = None,
    xlab: str | None = None,
    nonnegative: bool | None = None,
) -> Axes:
    """Draw a run or control chart from a ``QicResult``; returns the Axes.

    ``show_95`` adds the 2-sigma warning limits. ``title``, ``ylab`` and ``xlab`` override the
    result's own. ``nonnegative`` says whether the measure can be negative: by default counts,
    rates and proportions cannot, nor can a measure whose values are all 0 or more; a lower
    limit below 0 is then drawn at 0 (the numbers in ``result.points`` are not changed). The
    figure is ``ax.figure``; save it with :func:`~icp_helpers.charts.save_figure`, which also
    stores the chart's description (``chart_description(ax)``) as the image's alt text.

    >>> from icp_helpers.charts import qic
    >>> res = qic([12, 14, 11, 15, 13, 30, 12, 14, 13, 12, 15, 14], chart="i", title="Falls")
    >>> ax = plot_qic(res)
    >>> ax.get_title(loc="left")
    'Falls'
    >>> [ln.get_marker() for ln in ax.lines if ln.get_gid() == "signal"]
    ['D']
    """
    ax, entries, created = draw_qic(
        result,
        ax,
        show_95=show_95,
        figsize=figsize,
        title=title,
        ylab=ylab,
        xlab=xlab,
        nonnegative=nonnegative,
    )
    if legend:
        add_legend(ax, entries, created)
    show_descriptions()  # in a notebook, the description becomes the image's alt text
    return ax


def draw_qic(
    result: Any,
    ax: Axes | None = None,
    *,
    show_95: bool = False,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
    ylab: str | None = None,
    xlab: str | None = None,
    nonnegative: bool | None = None,
) -> tuple[Axes, list[Line2D], bool]:
    """Draw the chart as :func:`plot_qic` does, without its legend; return the Axes, the
    legend entries the chart has, and whether the Axes were made here. For figures whose
    charts share one legend (``small_multiples``): laying out a legend to remove it costs
    more than drawing the chart.

    >>> from icp_helpers.charts import qic
    >>> ax, entries, created = draw_qic(qic([3, 5, 4, 6, 5, 4], chart="run"))
    >>> ax.get_legend() is None, [entry.get_label() for entry in entries], created
    (True, ['Data', 'Median'], True)
    """
    points = result.points.reset_index(drop=True)
    chart = result.chart
    clip = cannot_be_negative(chart, points["y"].to_numpy(dtype=float), nonnegative)
    drawn, clipped = limits_at_zero(points, ("lcl", "lcl_95"), clip)
    ax, created = new_axes(ax, figsize)
    style_axes(ax)
    xs, kind, tick_labels = x_coordinates(points["x"])
    has_limits = chart != "run" and bool(np.isfinite(points["ucl"].to_numpy(dtype=float)).any())
    runs = _runs_parts(result, points)
    bounds = _part_bounds(points)
    for lo, hi in bounds:
        _draw_part(ax, xs[lo:hi], drawn.iloc[lo:hi], runs[lo], has_limits, show_95)
    for lo, _ in bounds[1:]:
        ax.axvline(
            (xs[lo - 1] + xs[lo]) / 2,
            color=COLOURS["part"],
            ls=LINESTYLES["part"],
            lw=1.0,
            zorder=1,
            gid="part",
        )
    _mark_baseline(ax, xs, points, len(bounds))
    point_handles = _draw_points(ax, xs, result, marker_size(len(points)))
    draw_target(ax, xs, _column(points, "target", np.nan).to_numpy(dtype=float))
    annotate_notes(ax, xs, points["y"].to_numpy(dtype=float), _column(points, "notes", None))
    percent = _is_percent(result, points)
    if percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:.0f}%"))
    set_x_axis(ax, kind, xs, tick_labels)
    show = number_format(_labelled_values(drawn, bounds, has_limits), percent)
    _label_lines(ax, drawn.iloc[bounds[-1][0] :], chart, has_limits, show)
    for lo, hi in bounds[:-1]:
        cl = _last_finite(drawn["cl"].iloc[lo:hi])
        name = "Median" if chart == "run" else "CL"
        colour = COLOURS["centre_signal" if runs[lo] else "centre"]
        label_part_end(ax, xs[hi - 1], cl, f"{name} {show(cl)}", colour)
    labels = (
        title or getattr(result, "title", None) or CHART_TITLES.get(chart, f"{chart} chart"),
        ylab or getattr(result, "ylab", None) or "Value",
        xlab or getattr(result, "xlab", None) or ("Date" if kind == "date" else "Subgroup"),
    )
    add_titles(ax, *labels, bool(getattr(result, "trial_limits", False)) and has_limits)
    set_description(ax, describe_qic(result, drawn, show, labels, clipped and has_limits))
    return ax, point_handles[:1] + _line_handles(ax, chart) + point_handles[1:], created


def _labelled_values(drawn: pd.DataFrame, bounds: list[tuple[int, int]], limits: bool) -> list:
    """Every value a line label shows, so that one number format fits them all."""
    last = drawn.iloc[bounds[-1][0] :]
    columns = ["cl", "target"] + (["ucl", "lcl"] if limits else [])
    values = [_last_finite(_column(last, col, np.nan)) for col in columns]
    return values + [_last_finite(drawn["cl"].iloc[lo:hi]) for lo, hi in bounds[:-1]]


def _part_bounds(points: pd.DataFrame) -> list[tuple[int, int]]:
    """(start, stop) row ranges of consecutive rows in the same part."""
    part = _column(points, "part", 1).fillna(1).to_numpy()
    starts = [0] + [i for i in range(1, len(part)) if part[i] != part[i - 1]]
    return list(zip(starts, starts[1:] + [len(part)], strict=True))


def _label_lines(ax: Axes, last: pd.DataFrame, chart: str, has_limits: bool, show: Any) -> None:
    """Label the last part's centre line, limits and target with their values at the right."""
    names = [("Median" if chart == "run" else "CL", "cl", COLOURS["centre"])]
    if has_limits:
        names += [("UCL", "ucl", COLOURS["limit"]), ("LCL", "lcl", COLOURS["limit"])]
    names.append(("Target", "target", COLOURS["target"]))
    labels = []
    for name, col, colour in names:
        value = _last_finite(_column(last, col, np.nan))
        labels.append((f"{name} {show(value)}", value, colour))
    label_right_edge(ax, labels)


def _last_finite(values: pd.Series) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr[-1]) if len(arr) else float("nan")


def _mark_baseline(ax: Axes, xs: np.ndarray, points: pd.DataFrame, n_parts: int) -> None:
    """With a frozen baseline (one part), a dotted line after the last baseline point.

    The line is named in the legend, not by a label on the chart, where it would collide
    with notes, PDSA cycle labels or data.
    """
    if n_parts != 1 or "baseline" not in points.columns:
        return
    base = points["baseline"].fillna(False).to_numpy(dtype=bool)
    if base.all() or not base.any():
        return
    last = int(np.flatnonzero(base)[-1])
    if last + 1 >= len(xs):
        return
    xv = (xs[last] + xs[last + 1]) / 2
    ax.axvline(
        xv, color=COLOURS["baseline"], ls=LINESTYLES["baseline"], lw=1.0, zorder=1, gid="baseline"
    )
