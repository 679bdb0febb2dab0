"""House style for QI charts: colour-blind-safe colours, marker shapes and line styles.

Colours come from the Okabe-Ito palette, which stays distinguishable under the common
forms of colour blindness. Meaning is never carried by colour alone: every highlighted
point also has its own marker shape, and every reference line its own line style.

>>> MARKERS["signal"] != MARKERS["point"]
True
>>> COLOURS["signal"]
'#D55E00'
"""

from __future__ import annotations

from matplotlib.axes import Axes

#: Okabe-Ito colours by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colour for each role an artist plays on a chart.
COLOURS: dict[str, str] = {
    "data": "#555555",
    "point": "#333333",
    "signal": OKABE_ITO["vermillion"],
    "rule_signal": OKABE_ITO["orange"],
    "excluded": "#999999",
    "centre": "#222222",
    "centre_signal": OKABE_ITO["vermillion"],
    "limit": OKABE_ITO["blue"],
    "limit_95": OKABE_ITO["sky_blue"],
    "target": OKABE_ITO["bluish_green"],
    "part": "#777777",
    "baseline": "#777777",
    "note": "#222222",
    "trial": OKABE_ITO["vermillion"],
    # Making Data Count roles
    "common_cause": "#7F7F7F",
    "special_cause_improvement": OKABE_ITO["blue"],
    "special_cause_concern": OKABE_ITO["orange"],
    "special_cause_neutral_high": OKABE_ITO["reddish_purple"],
    "special_cause_neutral_low": OKABE_ITO["reddish_purple"],
    # Pareto roles
    "bar": OKABE_ITO["blue"],
    "bar_trivial": OKABE_ITO["sky_blue"],
    "cumulative": OKABE_ITO["vermillion"],
}

#: Marker shape for each kind of point (matplotlib marker codes).
MARKERS: dict[str, str] = {
    "point": "o",
    "signal": "D",
    "rule_signal": "s",
    "excluded": "o",
    "common_cause": "o",
    "special_cause_improvement": "^",
    "special_cause_concern": "s",
    "special_cause_neutral_high": "P",
    "special_cause_neutral_low": "X",
}

#: Line style for each kind of reference line.
LINESTYLES: dict[str, str | tuple[int, tuple[float, float]]] = {
    "data": "-",
    "centre": "-",
    "centre_signal": "--",
    "limit": "-",
    "limit_95": ":",
    "target": (0, (1, 1.5)),
    "part": (0, (4, 3)),
    "baseline": ":",
    "mdc_limit": "--",
}

#: Plain-English names of the Making Data Count point types, used in legends and icons.
MDC_LABELS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neither (high)",
    "special_cause_neutral_low": "Special cause: neither (low)",
}

#: Default figure size in inches (wide enough for a report page at 300 dpi).
FIGSIZE: tuple[float, float] = (10.0, 5.5)

#: Font sizes in points.
FONT = {"title": 14, "label": 11, "tick": 10, "annotation": 9, "legend": 9}


def marker_size(n_points: int) -> float:
    """Marker size in points: smaller as the chart gets busier.

    >>> marker_size(24), marker_size(150), marker_size(1000)
    (6.0, 4.0, 2.5)
    """
    if n_points <= 60:
        return 6.0
    return 4.0 if n_points <= 200 else 2.5


def style_axes(ax: Axes) -> Axes:
    """Apply the house style to ``ax``: light grid, no top or right frame, readable ticks.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> style_axes(ax).spines["top"].get_visible()
    False
    >>> plt.close(fig)
    """
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#444444")
    ax.grid(True, axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=FONT["tick"], colors="#333333")
    return ax
