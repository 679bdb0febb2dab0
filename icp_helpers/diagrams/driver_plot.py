"""Drawing a driver diagram: columns aim | primary | secondary | change ideas.

Boxes hold wrapped text and are joined by elbow connectors from the right edge of
each box to the left edge of the boxes it links to. Each change idea gets its own
row; a driver sits level with the middle of the boxes beneath it, so lines rarely
cross. The figure grows taller with the number of rows, so 30 or more boxes stay
readable. Column headings name each kind of box, so colour is not the only cue.

>>> from icp_helpers.diagrams import DriverDiagram
>>> d = DriverDiagram.from_dict({"aim": "Reduce falls on Bancroft ward", "primary": {
...     "Safe mobility": {"Footwear and walking aids": ["Slipper socks", "Walking aid check"]}}})
>>> ax = draw_driver_diagram(d)
>>> len(ax.patches)  # aim + 1 primary + 1 secondary + 2 change ideas
5
>>> ax.get_title()
'Driver diagram'
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from icp_helpers.diagrams.driver import CHANGE_IDEA, PRIMARY, SECONDARY, DriverDiagram
from icp_helpers.diagrams.style import EDGE, FILLS, LINE, wrap

__all__ = ["draw_driver_diagram", "driver_layout"]

COLUMN_TITLES = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
_BOX_WIDTH = 0.8  # in column units; columns are 1 apart
_LINE_HEIGHT = 0.19  # inches of figure height per line of text
_WRAP = 30  # characters per line inside a box


def driver_layout(diagram: DriverDiagram) -> dict[str, tuple[int, float]]:
    """Column and row of every box: ``{name: (column, row)}``, row 0 at the top.

    Change ideas take one row each, in the order of the drivers they hang off; each
    driver sits at the mean row of the boxes it owns (the first time it is linked);
    boxes not connected to anything go in rows of their own at the bottom.

    >>> from icp_helpers.diagrams import DriverDiagram
    >>> d = DriverDiagram.from_dict({"aim": "Aim", "primary": {"P": {"S": ["C1", "C2"]}}})
    >>> driver_layout(d)
    {'P': (1, 0.5), 'S': (2, 0.5), 'C1': (3, 0.0), 'C2': (3, 1.0), 'Aim': (0, 0.5)}
    """
    column = {PRIMARY: 1, SECONDARY: 2, CHANGE_IDEA: 3}
    placed: dict[str, tuple[int, float]] = {}
    next_row = 0.0

    def place(name: str) -> float:
        nonlocal next_row
        if name in placed:
            return placed[name][1]
        placed[name] = (column[diagram.kind(name)], -1.0)  # mark as being placed
        rows = [
            place(child)
            for child in diagram.children(name)
            if column[diagram.kind(child)] > column[diagram.kind(name)] and child not in placed
        ]
        if rows:
            row = sum(rows) / len(rows)
        else:
            row, next_row = next_row, next_row + 1
        placed[name] = (column[diagram.kind(name)], row)
        return row

    tops = [place(p) for p in diagram.primary_drivers]
    for name in diagram.secondary_drivers + diagram.change_ideas:
        place(name)
    placed[diagram.aim] = (0, sum(tops) / len(tops) if tops else 0.0)
    return placed


def _row_height(diagram: DriverDiagram) -> int:
    """Most lines of text in any box below the aim (at least 2)."""
    texts = [_label(diagram, n) for n in diagram.primary_drivers]
    texts += [_label(diagram, n) for n in diagram.secondary_drivers + diagram.change_ideas]
    return max([2] + [t.count("\n") + 1 for t in texts])


def _label(diagram: DriverDiagram, name: str) -> str:
    text = wrap(name, _WRAP)
    if diagram.kind(name) == CHANGE_IDEA and diagram.measure_for(name):
        text += "\n" + wrap(f"Measure: {diagram.measure_for(name)}", _WRAP)
    return text


def draw_driver_diagram(
    diagram: DriverDiagram, ax: Axes | None = None, title: str = "Driver diagram"
) -> Axes:
    """Draw ``diagram`` on ``ax`` (a new, suitably sized figure if None) and return the axes.

    Every box is a patch on the axes (the aim's first) and every box's text is a
    text artist, so tests and exercises can count them. A link that breaks the
    rules (skipping a column or running backwards) is drawn dashed, from centre to
    centre; boxes not connected to the aim have no line at all.
    """
    import matplotlib.pyplot as plt

    layout = driver_layout(diagram)
    n_rows = max([row for _, row in layout.values()] + [0]) + 1
    lines = _row_height(diagram)
    row_inches = lines * _LINE_HEIGHT + 0.25
    if ax is None:
        height = max(4.0, n_rows * row_inches + 1.2)
        _, ax = plt.subplots(figsize=(14, height), layout="constrained")
    box_height = (row_inches - 0.15) / row_inches  # in row units, leaving a gap
    aim_lines = wrap(diagram.aim, 24).count("\n") + 1
    aim_height = max(box_height, aim_lines * _LINE_HEIGHT / row_inches + 0.3)

    for name, (col, row) in layout.items():
        is_aim = name == diagram.aim
        h = aim_height if is_aim else box_height
        ax.add_patch(
            FancyBboxPatch(
                (col - _BOX_WIDTH / 2, row - h / 2),
                _BOX_WIDTH,
                h,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=FILLS[col],
                edgecolor=EDGE,
                linewidth=1.6 if is_aim else 0.9,
                zorder=2,
            )
        )
        text = wrap(name, 24) if is_aim else _label(diagram, name)
        ax.text(
            col,
            row,
            text,
            ha="center",
            va="center",
            fontsize=8.5,
            color=EDGE,
            zorder=3,
            fontweight="bold" if is_aim else "normal",
        )
    links = [(diagram.aim, p) for p in diagram.primary_drivers] + diagram.links
    for parent, child in links:
        (c0, r0), (c1, r1) = layout[parent], layout[child]
        x0, x1 = c0 + _BOX_WIDTH / 2, c1 - _BOX_WIDTH / 2
        if c1 - c0 == 1:
            xm = (x0 + x1) / 2
            ax.plot([x0, xm, xm, x1], [r0, r0, r1, r1], color=LINE, linewidth=1, zorder=1)
        else:  # a link that skips a column or runs backwards breaks the rules: dashed
            ax.plot([c0, c1], [r0, r1], color=LINE, linestyle="--", linewidth=1.2, zorder=1)
    for col, heading in enumerate(COLUMN_TITLES):
        ax.text(
            col,
            -0.5 * box_height - 0.2,
            heading,
            ha="center",
            va="bottom",
            fontsize=10,
            fontweight="bold",
            color=EDGE,
        )
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(n_rows - 0.4, -0.5 * box_height - 0.55)
    ax.set_title(title, fontsize=13)
    ax.set_axis_off()
    return ax
