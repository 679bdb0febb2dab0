"""The drawn charts inspected as matplotlib objects: nothing overlaps the title or the baseline
label, legends sit off the data and list only what is drawn, limit labels share one number
format, limits of a quantity that cannot be negative are not drawn below zero, and every chart
carries its description (alt text)."""

import base64
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from icp_helpers import charts
from icp_helpers.charts import mdc, qic, save_figure
from icp_helpers.pdsa import PdsaCycle, draw_pdsa_cycles

VALUES = [21, 22, 21, 16, 23, 21, 33, 22, 21, 21, 20, 22, 18, 19,
          13, 15, 14, 13, 12, 13, 14, 13, 16, 16]  # fmt: skip
MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")
#: Small monthly counts: the I chart's lower limit by the formula is below zero.
COUNTS = [2, 0, 1, 3, 0, 1, 4, 2, 0, 1, 2, 1, 0, 3, 1, 2, 0, 1, 2, 1]
#: A run chart whose only part shows non-random runs (its median is drawn dashed).
SHIFTED = [3, 4, 3, 5, 4, 3, 4, 3, 4, 5, 9, 10, 9, 11, 10, 9, 10, 11, 10, 9]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _box(text, renderer):
    """The area a text covers on the canvas, its box (if any) included."""
    box = text.get_window_extent(renderer)
    patch = text.get_bbox_patch()
    if patch is not None:
        box = box.union([box, patch.get_window_extent(renderer)])
    return box


def _titles(ax):
    return [ax.title, ax._left_title, ax._right_title]


# --- notes, the title and the baseline label ------------------------------------------------


def test_notes_never_overlap_the_title():
    notes = [None] * 24
    notes[5], notes[6], notes[7] = "Falls bundle agreed", "PDSA 1: new checklist", "PDSA 2"
    ax = qic(
        VALUES,
        x=MONTHS,
        chart="i",
        notes=notes,
        title="Falls with harm per month on the older people's wards, 2023 to 2024",
    ).plot()
    renderer = _renderer(ax.figure)
    drawn = [t for t in ax.texts if t.get_text() in set(notes)]
    assert len(drawn) == 3
    top = ax.get_window_extent(renderer).y1
    for note in drawn:
        box = _box(note, renderer)
        for title in _titles(ax):
            if title.get_text():
                assert not box.overlaps(title.get_window_extent(renderer)), note.get_text()
        assert box.y1 <= top + 0.5, f"{note.get_text()!r} reaches above the plotting area"


def test_pdsa_labels_never_overlap_the_baseline_label():
    ax = qic(VALUES, x=MONTHS, chart="i", freeze=12).plot()
    starts = ["2023-12-10", "2023-12-20", "2024-01-02"]  # around the end of the baseline
    cycles = [
        PdsaCycle(change_idea="Falls huddle", cycle_id=f"PDSA {k}", act="adapt", start=start)
        for k, start in enumerate(starts, start=1)
    ]
    draw_pdsa_cycles(ax, cycles)
    renderer = _renderer(ax.figure)
    pdsa = [t for t in ax.texts if t.get_text().startswith("PDSA")]
    assert len(pdsa) == 3
    # the baseline is named wherever its label is: on the chart or in the legend
    (legend,) = _legends(ax)
    labels = [t for t in [*ax.texts, *legend.get_texts()] if "baseline" in t.get_text()]
    assert labels
    for label in pdsa:
        for baseline in labels:
            assert not _box(label, renderer).overlaps(_box(baseline, renderer)), label.get_text()


# --- legends ----------------------------------------------------------------------------------


def _legends(ax):
    legend = ax.get_legend()
    return [legend] if legend is not None else list(ax.figure.legends)


def _plotted(result, own_figure: bool, figsize: tuple[float, float]):
    """``result`` drawn on its own figure, or on a learner's own axes of ``figsize``."""
    if own_figure:
        return result.plot()
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    result.plot(ax=ax)
    return ax


@pytest.mark.parametrize("own_figure", [True, False])
@pytest.mark.parametrize("kind", ["qic", "mdc"])
def test_legend_sits_outside_the_plotting_area_and_axis_labels(kind, own_figure):
    if kind == "qic":
        result = qic(VALUES, x=MONTHS, chart="i", target=15)
    else:
        result = mdc(VALUES, x=MONTHS, improvement="decrease", target=15)
    ax = _plotted(result, own_figure, figsize=(8, 4.5))
    renderer = _renderer(ax.figure)
    (legend,) = _legends(ax)
    box = legend.get_window_extent(renderer)
    assert not box.overlaps(ax.get_window_extent(renderer))
    assert not box.overlaps(ax.xaxis.get_tightbbox(renderer))


def _has_ink(line):
    return np.isfinite(np.asarray(line.get_ydata(), dtype=float)).any()


def _no_style(value):
    return value in (None, "", "None", "none", " ")


def _drawn_like(handle, lines):
    """Is the legend entry's line and marker drawn somewhere on the chart?"""
    drawn = [line for line in lines if _has_ink(line)]
    if not _no_style(handle.get_linestyle()):
        if not any(
            to_hex(line.get_color()) == to_hex(handle.get_color())
            and line.get_linestyle() == handle.get_linestyle()
            for line in drawn
        ):
            return False
    if not _no_style(handle.get_marker()):
        return any(
            line.get_marker() == handle.get_marker()
            and to_hex(line.get_markerfacecolor()) == to_hex(handle.get_markerfacecolor())
            for line in drawn
        )
    return True


@pytest.mark.parametrize(
    "draw",
    [
        lambda: qic(SHIFTED, chart="run"),
        lambda: qic(SHIFTED, chart="i"),
        lambda: qic(VALUES, x=MONTHS, chart="i", target=15, exclude=[3]),
        lambda: qic(VALUES[:2], chart="i"),
        lambda: mdc(VALUES, x=MONTHS, improvement="decrease", target=15),
    ],
    ids=["run-all-signal", "i-all-signal", "i-target", "i-two-points", "mdc"],
)
def test_legend_lists_only_lines_that_are_drawn(draw):
    ax = draw().plot()
    (legend,) = _legends(ax)
    for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
        assert _drawn_like(handle, ax.lines), f"legend entry {text.get_text()!r} is not drawn"


# --- titles and labels ---------------------------------------------------------------------------


def test_laney_charts_are_titled_with_a_prime():
    y, n = [230, 250, 241, 262, 238, 255], [300, 320, 310, 330, 305, 325]
    assert qic(y, n=n, chart="pp").plot().get_title(loc="left").startswith("P′ chart")
    assert qic(y, n=n, chart="up").plot().get_title(loc="left").startswith("U′ chart")
    assert qic(y, n=n, chart="p").plot().get_title(loc="left").startswith("P chart")


LABEL = re.compile(r"^(?:CL|UCL|LCL|Median|Target|Mean|UPL|LPL) -?[\d,]+(?:\.(\d+))?%?$")


def _decimals(ax):
    found = [LABEL.match(t.get_text()) for t in ax.texts]
    return [len(m.group(1) or "") for m in found if m]


@pytest.mark.parametrize(
    "draw",
    [
        lambda: qic([4, 6, 3, 5, 9, 4, 2, 6, 5, 3, 4, 7], chart="c"),
        lambda: qic(VALUES, chart="i", part=[14]),
        lambda: qic(VALUES, chart="i", target=9.5),
        lambda: mdc(COUNTS, improvement="decrease", target=3),
    ],
    ids=["c", "i-parts", "i-target", "mdc"],
)
def test_limit_labels_use_one_number_format(draw):
    decimals = _decimals(draw().plot())
    assert len(decimals) >= 3
    assert len(set(decimals)) == 1, decimals


# --- nothing below zero for a quantity that cannot be negative ---------------------------------


def _lowest(ax, *gids):
    values = [np.asarray(ln.get_ydata(), float) for ln in ax.lines if ln.get_gid() in gids]
    return float(np.nanmin(np.concatenate(values)))


def test_no_lower_limit_below_zero_is_drawn_for_counts():
    result = qic(COUNTS, chart="i")
    assert result.points["lcl"].min() < 0  # the numbers stay as the formula gives them
    ax = result.plot(show_95=True)
    assert _lowest(ax, "lcl", "lcl_95") == 0.0
    assert "LCL 0.00" in [t.get_text() for t in ax.texts]
    made = mdc(COUNTS)
    assert made.points["lpl"].min() < 0
    assert _lowest(made.plot(), "lpl") == 0.0


def test_a_measure_that_can_be_negative_keeps_its_lower_limit():
    changes = [v - 17 for v in VALUES]  # change from a reference value: negative is real
    result = qic(changes, chart="i")
    assert _lowest(result.plot(), "lcl") == pytest.approx(result.points["lcl"].min())
    counts = qic(COUNTS, chart="i")
    assert _lowest(counts.plot(nonnegative=False), "lcl") == pytest.approx(
        counts.points["lcl"].min()
    )


# --- description (alt text) ---------------------------------------------------------------------


def test_every_chart_carries_its_description(tmp_path):
    ax = qic(VALUES, x=MONTHS, chart="i", title="Falls on Cedar ward", ylab="Falls").plot()
    text = charts.chart_description(ax)
    assert text.startswith("Falls on Cedar ward. I chart (individuals) of Falls")
    assert "24 points from Jan 2023 to Dec 2024" in text
    assert "2 points outside the control limits" in text
    assert charts.chart_description(ax.figure) == text
    png, svg = tmp_path / "falls.png", tmp_path / "falls.svg"
    save_figure(ax, png, dpi=60, close=False)
    save_figure(ax, svg)
    assert Image.open(png).text["Description"] == text
    assert "<dc:description>Falls on Cedar ward." in svg.read_text(encoding="utf-8")
    run = qic(SHIFTED, chart="run", title="Waits").plot()
    assert "Non-random runs" in charts.chart_description(run)
    made = mdc(COUNTS, improvement="decrease", target=3, title="Incidents").plot()
    description = charts.chart_description(made)
    assert description.startswith("Incidents. Making Data Count chart")
    assert "lower process limit is drawn at 0" in description


def test_a_chart_shown_in_a_notebook_has_its_description_as_alt_text():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    from icp_helpers.charts.notebook_alt import show_descriptions

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"}, bbox_inches="tight")  # as the inline backend does
        ax = qic(VALUES, x=MONTHS, chart="i", title="Falls").plot()  # .plot() sets it up
        data, metadata = shell.display_formatter.format(ax.figure)
        assert base64.b64decode(data["image/png"])[:4] == b"\x89PNG"
        assert metadata["image/png"]["alt"] == charts.chart_description(ax)
        plain = plt.figure()
        plain.add_subplot().plot([1, 2])
        _, plain_metadata = shell.display_formatter.format(plain)
        assert "image/png" not in plain_metadata  # figures without a description: as before
        assert show_descriptions(shell)  # a second call changes nothing
        assert shell.display_formatter.format(ax.figure)[1] == metadata
    finally:
        InteractiveShell.clear_instance()


@pytest.mark.parametrize("own_figure", [True, False])
def test_a_long_legend_stays_within_the_figure(own_figure):
    # every kind of entry: points, signals, a dashed centre line, limits, target, baseline
    result = qic(VALUES, x=MONTHS, chart="i", freeze=12, target=30, exclude=[2])
    ax = _plotted(result, own_figure, figsize=(7, 4))
    renderer = _renderer(ax.figure)
    (legend,) = _legends(ax)
    assert len(legend.get_texts()) >= 6
    box, page = legend.get_window_extent(renderer), ax.figure.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1, (box, page)


@pytest.mark.parametrize("own_figure", [True, False])
def test_pareto_legend_sits_off_the_bars_and_the_chart_has_a_description(own_figure):
    from icp_helpers.charts import pareto

    # equal counts: the bars on the right are as tall as the rest
    result = pareto({"Omitted dose": 20, "Wrong dose": 20, "Wrong time": 20, "Other": 20})
    ax = _plotted(result, own_figure, figsize=(7, 4))
    renderer = _renderer(ax.figure)
    (legend,) = _legends(ax)
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    text = charts.chart_description(ax)
    assert text.startswith("Pareto chart. Pareto chart of Count by Category: 4 categories")
    assert "vital few" in text
