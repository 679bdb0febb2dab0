"""Small multiples: one chart per group with exactly qic's numbers, shared axes, one legend,
record-level data grouped into months, and clear errors."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from icp_helpers.charts import chart_description, qic, save_figure, small_multiples
from icp_helpers.charts.measure_input import MeasureInputError
from icp_helpers.datasets import describe, load

MONTHS = list(pd.date_range("2024-01-01", periods=12, freq="MS"))
CEDAR = [5, 7, 6, 8, 5, 6, 7, 6, 5, 7, 6, 6]
WILLOW = [2, 3, 2, 4, 3, 2, 3, 3, 2, 4, 3, 2]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def wards() -> pd.DataFrame:
    return pd.DataFrame(
        {"ward": ["Willow"] * 12 + ["Cedar"] * 12, "month": MONTHS * 2, "falls": WILLOW + CEDAR}
    )


def test_each_group_gets_the_chart_qic_computes_for_it_alone():
    res = small_multiples(wards(), by="ward", x="month", y="falls", chart="i")
    assert list(res.results) == ["Cedar", "Willow"]  # sorted
    alone = qic(CEDAR, x=MONTHS, chart="i")
    pd.testing.assert_frame_equal(
        res.results["Cedar"].points[["x", "y", "cl", "lcl", "ucl"]],
        alone.points[["x", "y", "cl", "lcl", "ucl"]],
    )
    assert res.summary["centre"].tolist() == [pytest.approx(np.mean(CEDAR)), np.mean(WILLOW)]
    assert res.summary["points"].tolist() == [12, 12]
    assert res.results["Willow"].xlab == "month" and res.title == "falls by ward"


def test_record_level_rows_are_grouped_into_months_and_each_row_counts_as_one():
    rows = load("dna_appointments")
    res = small_multiples(rows, by="sex", x="appointment_date", y="dna", chart="p",
                          period="month", multiply=100)  # fmt: skip
    female = rows[rows["sex"] == "Female"]
    month = female["appointment_date"].dt.to_period("M").dt.start_time
    expected = female.groupby(month)["dna"].mean() * 100
    points = res.results["Female"].points
    np.testing.assert_allclose(points["y"], expected.to_numpy())
    assert points["n"].tolist() == female.groupby(month).size().tolist()
    assert res.results["Female"].xlab == "Month"


def test_stratified_p_charts_show_the_reminders_helped_every_age_band_but_the_oldest():
    entry = describe("dna_appointments")
    res = small_multiples(load("dna_appointments"), by="age_band", x="appointment_date",
                          y="dna", chart="p", period="month", multiply=100,
                          freeze=entry.baseline_points)  # fmt: skip
    signals = dict(zip(res.summary["group"], res.summary["runs_signal"], strict=True))
    assert signals == {"18-24": True, "25-34": True, "35-49": True, "50-64": True,
                       "65 and over": False}  # fmt: skip


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: small_multiples(wards(), by="wards", x="month", y="falls"), "Column 'wards'"),
        (
            lambda: small_multiples(wards(), "ward", "month", "falls", period="day"),
            "period must be one of 'week', 'month', 'quarter'",
        ),  # fmt: skip
        (
            lambda: small_multiples(wards(), "ward", "month", "falls", chart="u"),
            "ward = Cedar: A u chart needs the denominators",
        ),  # fmt: skip
        (
            lambda: small_multiples(
                wards().assign(month="soon"), "ward", "month", "falls", period="month"
            ),
            "must hold dates",
        ),  # fmt: skip
        (lambda: small_multiples(wards(), "ward", "month", "falls").plot(ncols=0), "ncols"),
    ],
)
def test_bad_input_is_one_plain_error_naming_the_fix(call, message):
    with pytest.raises(MeasureInputError, match=message):
        call()


def test_the_grid_shares_axes_has_one_legend_and_joins_the_descriptions(tmp_path):
    frame = pd.concat([wards(), wards().assign(ward="Ash", falls=(WILLOW + CEDAR)[::-1])])
    res = small_multiples(frame, by="ward", x="month", y="falls", chart="i")
    fig = res.plot(ncols=2)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in shown] == ["Ash", "Cedar", "Willow"]
    assert len({ax.get_ylim() for ax in shown}) == 1 and len({ax.get_xlim() for ax in shown}) == 1
    assert not [ax for ax in fig.axes if ax.get_legend() is not None]
    (legend,) = fig.legends
    labels = [text.get_text() for text in legend.get_texts()]
    assert len(labels) == len(set(labels)) and "Control limits (3σ)" in labels
    # the top right panel has no panel below it, so it keeps its dates
    assert all(label.get_visible() for label in shown[1].get_xticklabels())
    description = chart_description(fig)
    assert description.startswith("Ash. I chart (individuals) of falls")
    assert "Willow. I chart" in description
    save_figure(fig, tmp_path / "grid.png", dpi=50)
    assert Image.open(tmp_path / "grid.png").text["Description"] == description
