"""Drawing a process map as a swimlane flow: one lane per owner, steps left to right.

Each kind of step has its own shape as well as its own fill, so colour is never the
only cue: rectangle = step, diamond = decision, parallelogram = hand-off, rounded
pill = wait. Value-added and waiting time are written under each box, and the
x-axis label carries the map's summary (steps, hand-offs, decision points, lead
time and percent value-added).

>>> from icp_helpers.diagrams.process_map import ProcessMap
>>> pm = ProcessMap.from_dict({"title": "Falls response, Bancroft ward", "steps": [
...     {"name": "Fall found", "owner": "Nurse", "value_added_minutes": 5},
...     {"name": "Injury?", "owner": "Nurse", "kind": "decision", "value_added_minutes": 5},
...     {"name": "Doctor bleeped", "owner": "Nurse", "kind": "handoff"},
...     {"name": "Wait for doctor", "owner": "Doctor", "kind": "wait", "waiting_minutes": 40},
...     {"name": "Medical review", "owner": "Doctor", "value_added_minutes": 20}]})
>>> ax = draw_process_map(pm)
>>> [p.get_gid() for p in ax.patches].count("step"), [t.get_text() for t in ax.get_yticklabels()]
(5, ['Nurse', 'Doctor'])
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Polygon

from icp_helpers.diagrams.process_map import ProcessMap, ProcessStep, format_minutes
from icp_helpers.diagrams.style import EDGE, FILLS, LINE, wrap

__all__ = ["SHAPES", "draw_process_map"]

#: The shape that stands for each kind of step (also named in the drawing's key).
SHAPES = {"step": "rectangle", "decision": "diamond", "handoff": "parallelogram", "wait": "pill"}
_FILL = dict(zip(SHAPES, FILLS, strict=True))
_GAP = 1.9  # x distance between steps
_W, _H = 1.5, 0.78  # box size


def _shape(step: ProcessStep, x: float, y: float) -> Patch:
    style: dict[str, Any] = {
        "facecolor": _FILL[step.kind],
        "edgecolor": EDGE,
        "linewidth": 1,
        "zorder": 2,
    }
    style["gid"] = "step"
    w, h = _W / 2, _H / 2
    if step.kind == "decision":
        return Polygon([(x - w, y), (x, y + h), (x + w, y), (x, y - h)], closed=True, **style)
    if step.kind == "handoff":
        s = 0.15
        corners = [(x - w + s, y + h), (x + w + s, y + h), (x + w - s, y - h), (x - w - s, y - h)]
        return Polygon(corners, closed=True, **style)
    box = "round,pad=0,rounding_size=0.35" if step.kind == "wait" else "square,pad=0"
    return FancyBboxPatch((x - w, y - h), _W, _H, boxstyle=box, **style)


def _times(step: ProcessStep) -> str:
    parts = []
    if step.value_added_minutes:
        parts.append(f"adds value {format_minutes(step.value_added_minutes)}")
    if step.waiting_minutes:
        parts.append(f"waits {format_minutes(step.waiting_minutes)}")
    return "\n".join(parts)


def draw_process_map(process_map: ProcessMap, ax: Axes | None = None) -> Axes:
    """Draw ``process_map`` as a swimlane flow on ``ax`` (a new, sized figure if None).

    Lanes are the owners in order of first appearance (y tick labels); steps are
    numbered along the x-axis in order. Each step is a patch with gid ``"step"`` and
    each arrow between steps a patch with gid ``"arrow"``; an arrow that crosses
    lanes (drawn darker, with an elbow) is a hand-off. Returns the axes.
    """
    import matplotlib.pyplot as plt

    owners = process_map.owners
    lane = {owner: i for i, owner in enumerate(owners)}
    n = process_map.n_steps
    if ax is None:
        size = (max(8.0, _GAP * n + 2.5), max(3.2, 1.35 * len(owners) + 2.0))
        _, ax = plt.subplots(figsize=size, layout="constrained")
    points = [(i * _GAP, lane[s.owner]) for i, s in enumerate(process_map.steps)]
    for step, (x, y) in zip(process_map.steps, points, strict=True):
        ax.add_patch(_shape(step, x, y))
        width = 14 if step.kind == "decision" else 20
        ax.text(
            x,
            y,
            wrap(step.name, width),
            ha="center",
            va="center",
            fontsize=7.5,
            color=EDGE,
            zorder=3,
        )
        if times := _times(step):
            ax.text(
                x,
                y + _H / 2 + 0.05,
                times,
                ha="center",
                va="top",
                fontsize=6.5,
                color=EDGE,
                style="italic",
                zorder=3,
            )
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        crossing = y0 != y1
        # across lanes: out of the right side, then into the top (or bottom) of the next box
        end = (x1, y1 - _H / 2 if y1 > y0 else y1 + _H / 2) if crossing else (x1 - _W / 2, y1)
        arrow = FancyArrowPatch(
            (x0 + _W / 2, y0),
            end,
            arrowstyle="-|>",
            mutation_scale=10,
            color=EDGE if crossing else LINE,
            linewidth=1.6 if crossing else 1,
            connectionstyle="angle,angleA=0,angleB=90,rad=0" if crossing else "arc3",
            shrinkA=0,
            shrinkB=2,
            zorder=1,
            gid="arrow",
        )
        ax.add_artist(arrow)
    for i in range(1, len(owners)):
        ax.axhline(i - 0.5, color=LINE, linewidth=0.6, linestyle=":")
    key = ", ".join(
        f"{shape} = {kind.replace('handoff', 'hand-off')}" for kind, shape in SHAPES.items()
    )
    ax.set_xlabel(f"Steps in order ({key})\n{process_map.summary()}", fontsize=8.5)
    ax.set_ylabel("Who does it (one lane per owner)")
    ax.set_xticks([x for x, _ in points], [str(i + 1) for i in range(n)], fontsize=7)
    ax.set_yticks(range(len(owners)), owners)
    ax.set_xlim(-_GAP / 2 - 0.1, (n - 1) * _GAP + _GAP / 2 + 0.1)
    ax.set_ylim(len(owners) - 0.5, -0.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(f"Process map: {process_map.title}")
    return ax
