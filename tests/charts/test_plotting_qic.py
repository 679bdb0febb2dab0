"""The run/control chart pictures show exactly the numbers qic computed, and mark signals
by shape as well as colour."""

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from icp_helpers.charts import qic
from icp_helpers.charts.drawing import TRIAL_LABEL
from icp_helpers.charts.plotting import plot_qic

# 24 monthly values with a clear step down after month 14 and one high point (month 7).
VALUES = [21, 22, 21, 16, 23, 21, 33, 22, 21, 21, 20, 22, 18, 19,
          13, 15, 14, 13, 12, 13, 14, 13, 16, 16]  # fmt: skip
MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lines(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_centre_line_and_limits_are_the_computed_ones():
    res = qic(VALUES, x=MONTHS, chart="i")
    ax = res.plot()
    (cl,) = lines(ax, "centre") + lines(ax, "centre_signal")
    (ucl,) = lines(ax, "ucl")
    (lcl,) = lines(ax, "lcl")
    np.testing.assert_allclose(cl.get_ydata(), res.points["cl"])
    np.testing.assert_allclose(ucl.get_ydata(), res.points["ucl"])
    np.testing.assert_allclose(lcl.get_ydata(), res.points["lcl"])
    (data,) = lines(ax, "data")
    np.testing.assert_allclose(data.get_ydata(), VALUES)


def test_lines_are_labelled_with_their_values_at_the_right_edge():
    res = qic(VALUES, chart="i")
    ax = res.plot()
    summary = res.summary.iloc[0]
    labels = texts(ax)
    assert f"CL {summary['cl']:.1f}" in labels
    assert f"UCL {summary['ucl']:.1f}" in labels
    assert f"LCL {summary['lcl']:.1f}" in labels
    for t in ax.texts:  # all to the right of the plotting area
        assert t.get_position()[0] > 1.0


def test_signal_points_differ_in_shape_and_colour():
    res = qic(VALUES, chart="i")
    ax = res.plot()
    (signal,) = lines(ax, "signal")
    (ordinary,) = lines(ax, "points")
    assert signal.get_marker() != ordinary.get_marker()
    assert to_hex(signal.get_color()) != to_hex(ordinary.get_color())
    expected = np.flatnonzero(res.points["sigma_signal"].to_numpy()) + 1
    np.testing.assert_array_equal(signal.get_xdata(), expected)
    assert "Outside the limits" in [t.get_text() for t in ax.figure.legends[0].get_texts()]


def test_runs_signal_part_has_a_dashed_centre_line_in_another_colour():
    res = qic(VALUES, chart="run")
    assert bool(res.summary.loc[0, "runs_signal"])
    ax = res.plot()
    (cl,) = lines(ax, "centre_signal")
    assert cl.get_linestyle() == "--"
    calm_res = qic([3, 5, 4, 6, 5, 4, 6, 5, 4, 5, 6, 4], chart="run")
    calm = calm_res.plot()
    (plain,) = lines(calm, "centre")
    assert plain.get_linestyle() == "-"
    assert to_hex(plain.get_color()) != to_hex(cl.get_color())
    assert calm_res.summary.loc[0, "cl"] == 5
    assert "Median 5.00" in texts(calm)
    assert not lines(calm, "ucl") and not lines(calm, "lcl")


def test_centre_line_follows_the_chosen_rule_set_not_always_anhoej():
    # Anhøj finds non-random runs here (a run of 9 below the median); the IHI runs count does not.
    y = [-0.67, 0.1, -1.9, -1.94, -1.41, -0.8, -0.73, -0.46, -0.19, -0.87, 0.0, 0.59,
         0.27, 0.88, 1.83, -0.63, 1.6, -1.06, -0.06, 1.01, 1.37, 0.69, 0.71, 1.33]  # fmt: skip
    anhoej = qic(y, chart="run")
    ihi = qic(y, chart="run", rules="ihi")
    assert bool(anhoej.summary.loc[0, "runs_signal"])
    assert not {"too_few_runs", "too_many_runs"} & set(ihi.signals["rule"])
    assert lines(anhoej.plot(), "centre_signal")
    ihi_ax = ihi.plot()
    assert not lines(ihi_ax, "centre_signal")
    (plain,) = lines(ihi_ax, "centre")
    assert plain.get_linestyle() == "-"


def test_parts_get_their_own_lines_and_a_separator():
    res = qic(VALUES, x=MONTHS, chart="i", part=[14])
    ax = res.plot()
    data = lines(ax, "data")
    assert [len(ln.get_xdata()) for ln in data] == [14, 10]
    (sep,) = lines(ax, "part")
    xs = mdates.date2num(MONTHS)
    assert sep.get_xdata()[0] == pytest.approx((xs[13] + xs[14]) / 2)
    first_cl = res.summary.loc[0, "cl"]
    assert f"CL {first_cl:.1f}" in texts(ax)  # earlier part labelled at its end
    centre = lines(ax, "centre") + lines(ax, "centre_signal")
    assert sorted(round(float(ln.get_ydata()[0]), 6) for ln in centre) == sorted(
        round(float(v), 6) for v in res.summary["cl"]
    )


def test_target_line_and_label():
    ax = qic(VALUES, chart="i", target=15).plot()
    (target,) = lines(ax, "target")
    assert set(target.get_ydata()) == {15.0}
    assert "Target 15.0" in texts(ax)


def test_notes_are_annotations_at_their_points():
    notes = [None] * 24
    notes[14] = "PDSA 1: new checklist"
    notes[18] = "PDSA 2"
    ax = qic(VALUES, x=MONTHS, chart="i", notes=notes).plot()
    found = {t.get_text(): t.xy for t in ax.texts if t.get_text().startswith("PDSA")}
    assert set(found) == {"PDSA 1: new checklist", "PDSA 2"}
    assert found["PDSA 2"][0] == pytest.approx(mdates.date2num(MONTHS[18]))
    assert found["PDSA 2"][1] == pytest.approx(VALUES[18])


def test_trial_limits_are_labelled_only_with_fewer_than_12_points():
    short = qic(VALUES[:10], chart="i")
    assert short.trial_limits
    assert (
        short.plot().get_title(loc="right") == TRIAL_LABEL == "Trial limits (fewer than 12 points)"
    )
    assert qic(VALUES, chart="i").plot().get_title(loc="right") == ""


def test_dates_get_a_concise_date_axis():
    ax = qic(VALUES, x=MONTHS, chart="i").plot()
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "2024" in ticks and "Apr" in ticks


def test_title_and_axis_labels():
    ax = qic(VALUES, x=MONTHS, chart="i", title="Falls", ylab="Falls per 1,000 bed days").plot()
    assert ax.get_title(loc="left") == "Falls"
    assert ax.get_ylabel() == "Falls per 1,000 bed days"
    assert ax.get_xlabel() == "Subgroup"
    res = qic(VALUES, chart="c")
    default = res.plot(title=None, xlab="Month")
    assert default.get_title(loc="left") == res.title != ""
    assert default.get_xlabel() == "Month"


def test_excluded_points_are_hollow():
    ax = qic(VALUES, chart="i", exclude=[3]).plot()
    (excluded,) = lines(ax, "excluded")
    assert list(excluded.get_xdata()) == [4]
    assert to_hex(excluded.get_markerfacecolor()) == "#ffffff"


def test_rule_flagged_points_have_their_own_marker_and_named_rule():
    res = qic(VALUES, chart="i", rules="hcdg")
    flagged = set(res.signals.loc[res.signals["rule"] == "shift", "position"])
    assert flagged
    ax = res.plot()
    (rule,) = lines(ax, "rule_signal")
    assert rule.get_marker() not in {"o", "D"}
    sigma = set(np.flatnonzero(res.points["sigma_signal"]))
    assert set(rule.get_xdata().astype(int) - 1) == flagged - sigma
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert any(text.startswith("Flagged by a rule") and "shift" in text for text in legend)


def test_frozen_baseline_is_marked():
    ax = qic(VALUES, chart="i", freeze=12).plot()
    (line,) = lines(ax, "baseline")
    assert line.get_xdata()[0] == pytest.approx(12.5)


def test_p_chart_has_a_percentage_axis():
    res = qic([12, 15, 9, 14, 11, 13, 10, 12], n=[100] * 8, chart="p")
    ax = res.plot()
    labels = texts(ax)
    assert any(t.startswith("CL ") and t.endswith("%") for t in labels)
    assert ax.yaxis.get_major_formatter()(0.1, 0) == "10%"


def test_draws_on_a_given_axes_and_keeps_its_legend_there():
    fig, (left, right) = plt.subplots(1, 2)
    returned = plot_qic(qic(VALUES, chart="i"), ax=right)
    assert returned is right
    assert right.get_legend() is not None
    assert not left.lines and not fig.legends


def test_missing_values_are_skipped_not_fatal():
    values = list(map(float, VALUES))
    values[5] = np.nan
    ax = qic(values, chart="i").plot()
    assert np.isnan(lines(ax, "data")[0].get_ydata()).sum() <= 1


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_exports_to_png_and_svg(tmp_path, suffix, magic):
    ax = qic(VALUES, x=MONTHS, chart="i", title="Falls on Ward 7").plot()
    path = tmp_path / f"chart{suffix}"
    ax.figure.savefig(path)
    content = path.read_bytes()
    assert content.startswith(magic)
    assert len(content) > 10_000
    if suffix == ".svg":
        assert b"<svg" in content
