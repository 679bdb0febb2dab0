"""The Making Data Count picture: lines, point types by shape and colour, and the icons."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Circle

from icp_helpers.charts.drawing import TRIAL_LABEL
from icp_helpers.charts.mdc import mdc
from icp_helpers.charts.mdc_plot import draw_assurance_icon, draw_variation_icon
from icp_helpers.charts.plotting import plot_mdc

# Stable for 14 months, then clearly higher: the last points are special cause (high).
RISING = [50, 52, 49, 51, 50, 48, 51, 50, 52, 49, 50, 51, 49, 50,
          58, 59, 60, 58, 61, 59, 60]  # fmt: skip
MONTHS = pd.date_range("2022-04-01", periods=len(RISING), freq="MS")
# Common cause throughout, then one point far above the upper process limit.
SPIKE = [50, 52, 49, 51, 50, 48, 51, 50, 52, 49, 50, 51, 49, 50, 51, 49, 52, 50, 48, 51, 62]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lines(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def icon(ax, gid):
    (found,) = [child for child in ax.child_axes if child.get_gid() == gid]
    return found


def test_mean_and_process_limits_are_the_computed_ones():
    res = mdc(RISING, x=MONTHS, improvement="increase")
    ax = res.plot()
    for col in ("mean", "upl", "lpl"):
        (line,) = lines(ax, col)
        np.testing.assert_allclose(line.get_ydata(), res.points[col])
    labels = [t.get_text() for t in ax.texts]
    mean = res.points["mean"].iloc[-1]
    assert f"Mean {mean:.1f}" in labels
    assert any(t.startswith("UPL ") for t in labels) and any(t.startswith("LPL ") for t in labels)


def test_each_point_type_has_its_own_shape_and_colour():
    res = mdc(SPIKE, improvement="increase")
    ax = res.plot()
    types = res.points["point_type"]
    assert set(types) == {"common_cause", "special_cause_improvement"}
    seen = {}
    for name in set(types):
        (line,) = lines(ax, name)
        expected = np.flatnonzero(types.to_numpy() == name)
        assert len(line.get_xdata()) == len(expected)
        seen[name] = (line.get_marker(), to_hex(line.get_color()))
    markers = [m for m, _ in seen.values()]
    colours = [c for _, c in seen.values()]
    assert len(set(markers)) == len(markers) and len(set(colours)) == len(colours)


def test_lower_is_better_turns_the_same_points_into_concern():
    ax = mdc(SPIKE, improvement="decrease").plot()
    (concern,) = lines(ax, "special_cause_concern")
    assert list(concern.get_xdata()) == [len(SPIKE)]
    assert not lines(ax, "special_cause_improvement")


def test_variation_and_assurance_icons_are_drawn_with_words():
    res = mdc(RISING, x=MONTHS, improvement="increase", target=45)
    assert res.variation_icon == "special_cause_improvement"
    assert res.assurance_icon == "consistent_pass"
    ax = res.plot()
    variation = icon(ax, "variation_icon")
    assert [t.get_text() for t in variation.texts] == ["H", "Improvement\n(high)"]
    assurance = icon(ax, "assurance_icon")
    assert [t.get_text() for t in assurance.texts] == ["P", "Consistently\npasses target"]
    ring = [p for p in assurance.patches if isinstance(p, Circle)]
    assert to_hex(ring[0].get_edgecolor()) == "#0072b2"
    # variation icon sits to the left of the assurance icon
    ax.figure.canvas.draw()
    assert variation.get_position().x0 < assurance.get_position().x0


def test_no_assurance_icon_without_a_target():
    ax = mdc(RISING, improvement="increase").plot()
    assert [child.get_gid() for child in ax.child_axes] == ["variation_icon"]
    assert not mdc(RISING).plot(icons=False).child_axes


@pytest.mark.parametrize(
    "assurance, letter",
    [("consistent_pass", "P"), ("consistent_fail", "F"), ("inconsistent", "?")],
)
def test_assurance_icon_letters(assurance, letter):
    fig, ax = plt.subplots()
    caption = draw_assurance_icon(ax, assurance)
    assert [t.get_text() for t in ax.texts] == [letter, caption]


@pytest.mark.parametrize(
    "variation, high, letter",
    [
        ("special_cause_concern", False, "L"),
        ("special_cause_neutral_high", True, "H"),
        ("special_cause_neutral_low", False, "L"),
    ],
)
def test_variation_icon_high_and_low(variation, high, letter):
    fig, ax = plt.subplots()
    draw_variation_icon(ax, variation, high=high)
    assert ax.texts[0].get_text() == letter
    (dots,) = [ln for ln in ax.lines if ln.get_gid() == "icon_dots"]
    assert dots.get_marker() != "o"


def test_common_cause_icon_has_no_letter():
    fig, ax = plt.subplots()
    assert draw_variation_icon(ax, "common_cause") == "Common cause\nvariation"
    assert [t.get_text() for t in ax.texts] == ["Common cause\nvariation"]


def test_unknown_icon_names_are_refused():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="Unknown variation 'improving'"):
        draw_variation_icon(ax, "improving")
    with pytest.raises(ValueError, match="Unknown assurance 'pass'"):
        draw_assurance_icon(ax, "pass")


def test_target_line_and_label():
    ax = mdc(RISING, improvement="increase", target=55).plot()
    (target,) = lines(ax, "target")
    assert set(target.get_ydata()) == {55.0}
    assert "Target 55.0" in [t.get_text() for t in ax.texts]


def test_rebase_draws_separate_periods():
    res = mdc(RISING, x=MONTHS, improvement="increase", rebase=[MONTHS[14]])
    ax = res.plot()
    means = lines(ax, "mean")
    assert [len(m.get_xdata()) for m in means] == [14, 7]
    assert means[0].get_ydata()[0] != means[1].get_ydata()[0]
    assert len(lines(ax, "part")) == 1
    first, last = res.points["mean"].iloc[0], res.points["mean"].iloc[-1]
    labels = [t.get_text() for t in ax.texts]
    assert f"Mean {first:.1f}" in labels and f"Mean {last:.1f}" in labels


def test_trial_limits_are_labelled():
    short = mdc(RISING[:8])
    assert short.trial_limits
    labels = [t.get_text() for t in short.plot().texts]
    assert TRIAL_LABEL in labels
    assert TRIAL_LABEL not in [t.get_text() for t in mdc(RISING).plot().texts]


def test_plot_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_mdc(mdc(RISING), ax=ax) is ax
    assert ax.get_legend() is not None


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_exports(tmp_path, suffix, magic):
    ax = mdc(RISING, x=MONTHS, improvement="increase", target=55).plot()
    path = tmp_path / f"mdc{suffix}"
    ax.figure.savefig(path)
    assert path.read_bytes().startswith(magic)
    assert path.stat().st_size > 10_000
