"""Stratification: each stratum's numbers by hand, limits as a p or u chart across strata,
small strata flagged, the picture, and clear errors."""

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from PIL import Image

from icp_helpers.charts import chart_description, save_figure, stratify
from icp_helpers.charts.measure_input import NOT_RECORDED, MeasureInputError
from icp_helpers.datasets import load


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def visits() -> pd.DataFrame:
    # Early 4 of 40 missed, Late 12 of 40, Night 2 of 10: overall 18 of 90 = 20%
    return pd.DataFrame(
        {
            "shift": ["Early"] * 40 + ["Late"] * 40 + ["Night"] * 10,
            "missed": [1] * 4 + [0] * 36 + [1] * 12 + [0] * 28 + [1] * 2 + [0] * 8,
        }
    )


def test_each_stratum_has_its_own_numbers_and_p_chart_limits_by_hand():
    res = stratify(visits(), by="shift", y="missed", multiply=100)
    table = res.table.set_index("stratum")
    assert table["events"].tolist() == [4, 12, 2]
    assert table["n"].tolist() == [40, 40, 10]
    assert table["rate"].tolist() == pytest.approx([10, 30, 20])
    assert table["share_of_n"].tolist() == pytest.approx([40 / 90, 40 / 90, 10 / 90])
    assert (res.overall_events, res.overall_n, res.overall_rate) == (18, 90, pytest.approx(20))
    sigma = math.sqrt(0.2 * 0.8 / 40) * 100  # 6.32 points: limits 1.03 to 38.97
    assert table.loc["Early", "lcl"] == pytest.approx(20 - 3 * sigma)
    assert table.loc["Early", "ucl"] == pytest.approx(20 + 3 * sigma)
    assert res.chart == "p" and res.method.startswith("p chart across strata")
    assert res.too_few == ["Night"] and res.differing == []


def test_a_stratum_outside_its_limits_differs_but_a_too_few_one_never_does():
    frame = pd.DataFrame(
        {"ward": ["A", "B", "C"], "falls": [5, 40, 3], "bed_days": [1000, 1000, 20]}
    )
    res = stratify(frame, "ward", "falls", "bed_days", chart="u", multiply=1000, min_n=100)
    # overall 48 / 2,020; A's limits: u ± 3 × sqrt(u / 1000)
    u = 48 / 2020
    a = res.table.set_index("stratum").loc["A"]
    assert a["lcl"] == pytest.approx((u - 3 * math.sqrt(u / 1000)) * 1000)
    assert res.differing == ["A", "B"]
    c = res.table.set_index("stratum").loc["C"]
    assert c["rate"] == 150 and c["too_few"] and not c["differs"]  # 150 per 1,000, but 20 days


def test_measured_values_compare_means_on_an_xbar_chart():
    frame = pd.DataFrame({"day": ["Mon"] * 3 + ["Tue"] * 3, "wait": [10, 12, 14, 20, 22, 24]})
    res = stratify(frame, "day", "wait", min_n=2)
    assert res.chart == "xbar"
    assert res.table["rate"].tolist() == [12, 22]
    assert res.overall_rate == 17


def test_missing_categories_are_a_stratum_of_their_own_and_categorical_order_is_kept():
    frame = pd.DataFrame(
        {
            "band": pd.Categorical(["old", None, "young", "old"], categories=["young", "old"]),
            "dna": [1, 0, 0, 1],
        }  # fmt: skip
    )
    res = stratify(frame, "band", "dna")
    assert res.table["stratum"].tolist() == ["young", "old", NOT_RECORDED]
    text = pd.DataFrame({"band": ["b", None, "a"], "dna": [1, 0, 0]})
    assert stratify(text, "band", "dna").table["stratum"].tolist() == ["a", "b", NOT_RECORDED]


def test_the_dna_appointments_by_age_band_tell_the_documented_story():
    res = stratify(load("dna_appointments"), by="age_band", y="dna", multiply=100)
    assert res.overall_n == 18621 and res.overall_events == load("did_not_attend")["dnas"].sum()
    rates = res.table.set_index("stratum")["rate"]
    assert rates.iloc[:4].is_monotonic_decreasing  # younger adults miss more
    assert rates["65 and over"] > rates["50-64"]  # the reminders did little for the oldest
    assert "18-24" in res.differing and "35-49" not in res.differing
    ethnic = stratify(load("dna_appointments"), by="ethnic_group", y="dna", multiply=100)
    assert ethnic.differing == []  # one underlying rate: differences are chance


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stratify([1, 2], by="a", y="b"), "needs a pandas DataFrame"),
        (lambda: stratify(visits(), by="ward", y="missed"), "Column 'ward' \\(given as by=\\)"),
        (lambda: stratify(visits(), by="shift", y="missed", min_n=0), "min_n must be"),
        (lambda: stratify(visits().assign(n=1), "shift", "missed", "n"), "chart='p' for people"),
        (
            lambda: stratify(visits().assign(n=0), "shift", "missed", "n", chart="p"),
            "greater than 0 in every row",
        ),  # fmt: skip
        (
            lambda: stratify(visits().assign(n=1, missed=5), "shift", "missed", "n", chart="p"),
            "cannot be greater than n; for events over an exposure use chart='u'",
        ),  # fmt: skip
        (lambda: stratify(visits(), by="shift", y="missed", chart="u"), "give n= the column"),
        (
            lambda: stratify(pd.DataFrame({"s": ["a", "b"], "w": [3.5, 4.5]}), "s", "w"),
            "only one value",
        ),  # fmt: skip
    ],
)
def test_bad_input_is_one_plain_error_naming_the_fix(call, message):
    with pytest.raises(MeasureInputError, match=message):
        call()


def test_the_picture_shows_every_stratum_its_numbers_and_the_overall(tmp_path):
    res = stratify(visits(), by="shift", y="missed", multiply=100, title="Missed visits")
    ax = res.plot()
    ticks = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True))
    assert ticks[max(ticks)] == "Early"  # first stratum at the top
    (overall,) = [line for line in ax.lines if line.get_gid() == "overall"]
    assert overall.get_xdata()[0] == pytest.approx(20)
    (hollow,) = [line for line in ax.lines if line.get_gid() == "too_few"]
    assert hollow.get_markerfacecolor() == "white" and list(hollow.get_xdata()) == [20]
    notes = [text.get_text() for text in ax.texts]
    assert notes == ["10.0 (4 of 40)", "30.0 (12 of 40)", "20.0 (2 of 10), too few to say"]
    fig = ax.get_figure()
    fig.canvas.draw()
    for text in ax.texts:  # the numbers stay on the page
        assert text.get_window_extent().x1 <= fig.bbox.x1
    description = chart_description(ax)
    assert description.startswith("Missed visits. missed by shift: 3 strata, overall 20.0")
    assert "Night 20.0 (2 of 10), too few to say anything (under 20)" in description
    save_figure(ax, tmp_path / "s.png", dpi=60)
    assert Image.open(tmp_path / "s.png").text["Description"] == description
