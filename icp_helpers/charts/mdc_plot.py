"""Draw a Making Data Count (NHS England "plot the dots") XmR chart with its two icons.

:func:`plot_mdc` is what ``MdcResult.plot()`` calls. Each point type has its own colour
*and* marker shape (improvement ▲, concern ■, neither-high ✚, neither-low ✖, common cause ●),
the mean is solid, the process limits dashed, and each line is labelled with its value.
Above the chart on the right sit the variation icon (what the latest point says) and the
assurance icon (can the process be relied on to meet its target?), each drawn here with
matplotlib shapes and captioned in words so that colour never carries the meaning alone.
As on run and control charts, a lower process limit below 0 is drawn at 0 for a measure that
cannot be negative, the legend lists only what is drawn, and the chart carries a description
(alt text) for screen readers.

>>> import matplotlib.pyplot as plt
>>> fig, icon = plt.subplots()
>>> draw_assurance_icon(icon, "consistent_fail")
'Consistently\\nfails target'
>>> [t.get_text() for t in icon.texts]
['F', 'Consistently\\nfails target']
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.transforms import Affine2D, Affine2DBase, ScaledTranslation, Transform

from icp_helpers.charts.description import describe_mdc, set_description
from icp_helpers.charts.drawing import (
    add_legend,
    add_titles,
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
from icp_helpers.charts.notebook_alt import show_descriptions
from icp_helpers.charts.style import (
    COLOURS,
    FONT,
    LINESTYLES,
    MARKERS,
    MDC_LABELS,
    marker_size,
    style_axes,
)

#: Assurance icon: (letter, colour, caption) for each assurance verdict.
ASSURANCE_ICONS: dict[str, tuple[str, str, str]] = {
    "consistent_pass": ("P", COLOURS["special_cause_improvement"], "Consistently\npasses target"),
    "consistent_fail": ("F", COLOURS["special_cause_concern"], "Consistently\nfails target"),
    "inconsistent": ("?", COLOURS["common_cause"], "Hit and miss\ntarget"),
}

#: Variation icon captions for each latest-point type (high/low is added for special causes).
VARIATION_CAPTIONS: dict[str, str] = {
    "common_cause": "Common cause\nvariation",
    "special_cause_improvement": "Improvement",
    "special_cause_concern": "Concern",
    "special_cause_neutral_high": "Neither",
    "special_cause_neutral_low": "Neither",
}


def _icon_frame(icon: Axes, colour: str) -> None:
    icon.set_xlim(-1.15, 1.15)
    icon.set_ylim(-1.15, 1.15)
    icon.set_aspect("equal")
    icon.axis("off")
    icon.add_patch(Circle((0, 0), 1.0, facecolor="white", edgecolor=colour, linewidth=3))


def draw_variation_icon(icon: Axes, variation: str, high: bool | None = None) -> str:
    """Draw the variation icon for ``variation`` (a point type) on ``icon``; return its caption.

    Common cause shows a level run of grey dots. A special cause shows dots that step up
    (``high=True``) or down, in the type's colour, with the letter H or L; the caption below
    names the type in words.

    >>> import matplotlib.pyplot as plt
    >>> fig, icon = plt.subplots()
    >>> draw_variation_icon(icon, "special_cause_improvement", high=False)
    'Improvement\\n(low)'
    >>> plt.close(fig)
    """
    if variation not in VARIATION_CAPTIONS:
        raise ValueError(
            f"Unknown variation {variation!r}; expected one of {sorted(VARIATION_CAPTIONS)}."
        )
    colour = COLOURS[variation]
    _icon_frame(icon, colour)
    xs = np.linspace(-0.6, 0.6, 7)
    wiggle = np.array([0.05, -0.08, 0.07, -0.04, 0.08, -0.06, 0.03])
    caption = VARIATION_CAPTIONS[variation]
    if variation == "common_cause":
        icon.plot(xs, wiggle - 0.1, color=colour, marker="o", ms=3.5, lw=1, gid="icon_dots")
    else:
        if high is None:
            high = variation != "special_cause_neutral_low"
        sign = 1 if high else -1
        ys = np.where(np.arange(7) < 3, wiggle[:7] - 0.1 * sign, 0.35 * sign + wiggle / 2) - 0.1
        base = np.arange(7) < 3
        icon.plot(xs, ys, color="#9A9A9A", lw=1, zorder=1)
        icon.plot(xs[base], ys[base], ls="none", marker="o", ms=3.5, color="#9A9A9A")
        icon.plot(
            xs[~base],
            ys[~base],
            ls="none",
            marker=MARKERS[variation],
            ms=3.8,
            color=colour,
            gid="icon_dots",
        )
        icon.text(
            0,
            -0.6 * sign,
            "H" if high else "L",
            ha="center",
            va="center",
            fontsize=FONT["label"],
            fontweight="bold",
            color=colour,
        )
        caption = f"{caption}\n({'high' if high else 'low'})"
    icon.text(
        0,
        -1.3,
        caption,
        ha="center",
        va="top",
        fontsize=FONT["annotation"] - 1,
        color="#222222",
    )
    return caption


def draw_assurance_icon(icon: Axes, assurance: str) -> str:
    """Draw the assurance icon (P, F or ?) on ``icon``; return its caption.

    >>> import matplotlib.pyplot as plt
    >>> fig, icon = plt.subplots()
    >>> draw_assurance_icon(icon, "consistent_pass")
    'Consistently\\npasses target'
    >>> plt.close(fig)
    """
    if assurance not in ASSURANCE_ICONS:
        raise ValueError(
            f"Unknown assurance {assurance!r}; expected one of {sorted(ASSURANCE_ICONS)}."
        )
    letter, colour, caption = ASSURANCE_ICONS[assurance]
    _icon_frame(icon, colour)
    icon.plot([-0.65, 0.65], [-0.35, -0.35], color=colour, lw=1.2, ls=(0, (2, 1.5)))
    icon.text(
        0,
        0.15,
        letter,
        ha="center",
        va="center",
        fontsize=FONT["title"],
        fontweight="bold",
        color=colour,
    )
    icon.text(
        0, -1.3, caption, ha="center", va="top", fontsize=FONT["annotation"] - 1, color="#222222"
    )
    return caption


def _segments(points: pd.DataFrame) -> list[tuple[int, int]]:
    """Runs of rows sharing one mean and limits (a rebase starts a new ``period``)."""
    if "period" in points.columns:
        key = points["period"].to_numpy()
        change = key[1:] != key[:-1]
    else:
        mean = points["mean"].to_numpy(dtype=float)
        change = ~np.isclose(mean[1:], mean[:-1], equal_nan=True)
    starts = [0] + [int(i) + 1 for i in np.flatnonzero(change)]
    return list(zip(starts, starts[1:] + [len(points)], strict=True))


def _target_values(result: Any, points: pd.DataFrame) -> np.ndarray:
    if "target" in points.columns:
        return points["target"].to_numpy(dtype=float)
    target = getattr(result, "target", None)
    value = np.nan if target is None else float(target)
    return np.full(len(points), value)


def _from_top_right(ax: Axes) -> Transform:
    """Transform from points measured from the top-right corner of ``ax`` to the display."""
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("The chart's axes are not on a figure; draw them with plt.subplots().")
    axes_box = cast(Affine2DBase, ax.transAxes)  # a BboxTransformTo, typed as any Transform
    return Affine2D().scale(1 / 72) + fig.dpi_scale_trans + ScaledTranslation(1, 1, axes_box)


def _draw_icons(ax: Axes, result: Any, points: pd.DataFrame) -> None:
    """Variation and assurance icons above the top-right corner, a fixed size in points."""
    variation = getattr(result, "variation_icon", None)
    assurance = getattr(result, "assurance_icon", None)
    last = points.dropna(subset=["y", "mean"]).iloc[-1:]
    high = bool(len(last) and last["y"].iloc[0] > last["mean"].iloc[0])
    wanted: list[tuple[str, Callable[[Axes], str]]] = []
    if variation:
        wanted.append(
            ("variation_icon", lambda icon: draw_variation_icon(icon, variation, high=high))
        )
    if assurance:
        wanted.append(("assurance_icon", lambda icon: draw_assurance_icon(icon, assurance)))
    size, lift = 40.0, 24.0
    to_display = _from_top_right(ax)
    for slot, (gid, draw) in enumerate(reversed(wanted)):  # variation left, assurance right
        icon = ax.inset_axes((-size - slot * 1.6 * size, lift, size, size), transform=to_display)
        icon.set_zorder(6)
        icon.set_gid(gid)
        draw(icon)


def plot_mdc(
    result: Any,
    ax: Axes | None = None,
    *,
    icons: bool = True,
    legend: bool = True,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
    ylab: str | None = None,
    xlab: str | None = None,
    nonnegative: bool | None = None,
) -> Axes:
    """Draw a Making Data Count chart from an ``MdcResult``; returns the Axes.

    ``nonnegative`` as for :func:`~icp_helpers.charts.plotting.plot_qic`: for a measure that
    cannot be negative a lower process limit below 0 is drawn at 0 (``result.points`` keeps
    the computed value).

    >>> from icp_helpers.charts.mdc import mdc
    >>> res = mdc([5, 6, 5, 7, 6, 5, 6, 7, 9, 9, 10, 9, 10, 11], improvement="increase", target=4)
    >>> ax = plot_mdc(res)
    >>> sorted(a.get_gid() for a in ax.child_axes)
    ['assurance_icon', 'variation_icon']
    """
    points = result.points.reset_index(drop=True)
    clip = cannot_be_negative("mdc", points["y"].to_numpy(dtype=float), nonnegative)
    drawn, clipped = limits_at_zero(points, ("lpl",), clip)
    ax, created = new_axes(ax, figsize)
    style_axes(ax)
    xs, kind, tick_labels = x_coordinates(points["x"])
    bounds = _segments(points)
    target = _target_values(result, points)
    last = drawn.iloc[bounds[-1][0] :].assign(target=target[bounds[-1][0] :])
    earlier = [float(drawn["mean"].iloc[hi - 1]) for _, hi in bounds[:-1]]
    show = number_format([v for _, v, _ in _edge_labels(last, str)] + earlier)
    _draw_periods(ax, xs, drawn, bounds, show)
    handles = _draw_point_types(ax, xs, points)
    draw_target(ax, xs, target)
    handles = _line_handles(ax) + handles
    set_x_axis(ax, kind, xs, tick_labels)
    label_right_edge(ax, _edge_labels(last, show))
    labels = (
        title or getattr(result, "title", None) or "Making Data Count chart (XmR)",
        ylab or getattr(result, "ylab", None) or "Value",
        xlab or getattr(result, "xlab", None) or ("Date" if kind == "date" else "Subgroup"),
    )
    add_titles(ax, *labels, bool(getattr(result, "trial_limits", False)), trial_inside=True)
    if icons:
        _draw_icons(ax, result, points)
    if legend:
        add_legend(ax, handles, created)
    set_description(ax, describe_mdc(result, drawn, show, labels, clipped))
    show_descriptions()  # in a notebook, the description becomes the image's alt text
    return ax


def _line_handles(ax: Axes) -> list[Line2D]:
    """Legend entries for the mean, process limits and target, where they are drawn."""
    drawn = drawn_line_ids(ax)
    entries = [
        ({"mean"}, Line2D([], [], color=COLOURS["centre"], lw=1.6, label="Mean")),
        (
            {"upl", "lpl"},
            Line2D(
                [], [], color=COLOURS["limit"], ls=LINESTYLES["mdc_limit"], label="Process limits"
            ),
        ),
        (
            {"target"},
            Line2D([], [], color=COLOURS["target"], ls=LINESTYLES["target"], label="Target"),
        ),
    ]
    return [handle for gids, handle in entries if gids & drawn]


def _draw_periods(
    ax: Axes,
    xs: np.ndarray,
    points: pd.DataFrame,
    bounds: list[tuple[int, int]],
    show: Callable[[float], str],
) -> None:
    """Data line, mean and process limits for each period, with a line between periods."""
    y = points["y"].to_numpy(dtype=float)
    for lo, hi in bounds:
        ax.plot(xs[lo:hi], y[lo:hi], color=COLOURS["data"], lw=1.2, zorder=3, gid="data")
        ax.plot(
            xs[lo:hi],
            points["mean"].to_numpy(dtype=float)[lo:hi],
            color=COLOURS["centre"],
            lw=1.6,
            zorder=2,
            gid="mean",
        )
        for col in ("upl", "lpl"):
            ax.plot(
                xs[lo:hi],
                points[col].to_numpy(dtype=float)[lo:hi],
                color=COLOURS["limit"],
                ls=LINESTYLES["mdc_limit"],
                lw=1.2,
                zorder=2,
                gid=col,
            )
    for _, hi in bounds[:-1]:
        mean = float(points["mean"].iloc[hi - 1])
        label_part_end(ax, xs[hi - 1], mean, f"Mean {show(mean)}", COLOURS["centre"])
    for lo, _ in bounds[1:]:
        ax.axvline(
            (xs[lo - 1] + xs[lo]) / 2,
            color=COLOURS["part"],
            ls=LINESTYLES["part"],
            lw=1.0,
            zorder=1,
            gid="part",
        )


def _draw_point_types(ax: Axes, xs: np.ndarray, points: pd.DataFrame) -> list[Line2D]:
    """Each point type in its own colour and shape; legend handles for the types present."""
    y = points["y"].to_numpy(dtype=float)
    types = points["point_type"].fillna("common_cause").astype(str).to_numpy()
    size = marker_size(len(points))
    handles = []
    for name, label in MDC_LABELS.items():
        mask = types == name
        if not mask.any():
            continue
        common = name == "common_cause"
        style: dict[str, Any] = {"marker": MARKERS[name], "color": COLOURS[name], "ls": "none"}
        ax.plot(
            xs[mask],
            y[mask],
            ms=size if common else size + 2.5,
            zorder=5,
            gid=name,
            mec="none" if common else "black",
            mew=0.5,
            **style,
        )
        handles.append(Line2D([], [], ms=size + 1, label=label, **style))
    return handles


def _edge_labels(last: pd.DataFrame, show: Callable[[float], str]) -> list[tuple[str, float, str]]:
    """(text, value, colour) labels for the last period's mean, limits and target."""
    labels = []
    for name, col, role in (
        ("Mean", "mean", "centre"),
        ("UPL", "upl", "limit"),
        ("LPL", "lpl", "limit"),
        ("Target", "target", "target"),
    ):
        values = last[col].dropna()
        if len(values):
            value = float(values.iloc[-1])
            labels.append((f"{name} {show(value)}", value, COLOURS[role]))
    return labels
