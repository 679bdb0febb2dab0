"""run_chart and control_chart: column names in, the same numbers as qic out."""

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts import qic
from icp_helpers.charts.wrappers import control_chart, run_chart

INFECTIONS = [4, 6, 3, 5, 4, 6, 9, 2, 5, 4, 3, 5, 6, 4]
BED_DAYS = [900, 1100, 800, 1000, 950, 1050, 1000, 900, 1000, 980, 870, 1020, 990, 1010]


@pytest.fixture
def ward():
    return pd.DataFrame(
        {
            "month": pd.date_range("2023-01-01", periods=14, freq="MS"),
            "infections": INFECTIONS,
            "bed_days": BED_DAYS,
            "pdsa": [None] * 9 + ["PDSA 1: hand hygiene audit"] + [None] * 4,
        }
    )


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_run_chart_matches_qic_and_labels_axes_with_column_names(ward):
    res = run_chart(ward, x="month", y="infections")
    direct = qic(INFECTIONS, x=ward["month"].to_numpy(), chart="run")
    pd.testing.assert_frame_equal(res.summary, direct.summary)
    assert res.chart == "run"
    assert (res.ylab, res.xlab) == ("infections", "month")


def test_control_chart_u_with_denominator(ward):
    res = control_chart(ward, x="month", y="infections", n="bed_days", chart="u", multiply=1000)
    direct = qic(INFECTIONS, n=BED_DAYS, chart="u", multiply=1000)
    np.testing.assert_allclose(res.points["ucl"], direct.points["ucl"])
    assert res.summary.loc[0, "cl"] == pytest.approx(sum(INFECTIONS) / sum(BED_DAYS) * 1000)


def test_labels_and_other_arguments_pass_through(ward):
    res = control_chart(
        ward, x="month", y="infections", chart="c", ylab="Infections", title="C. difficile",
        target=3, part=[7],
    )  # fmt: skip
    assert (res.ylab, res.title) == ("Infections", "C. difficile")
    assert res.summary["part"].tolist() == [1, 2]
    assert set(res.points["target"]) == {3.0}


def test_notes_can_name_a_column(ward):
    res = control_chart(ward, x="month", y="infections", chart="c", notes="pdsa")
    assert res.points.loc[9, "notes"] == "PDSA 1: hand hygiene audit"
    ax = res.plot()
    assert "PDSA 1: hand hygiene audit" in [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    "months",
    [
        pd.period_range("2023-01", periods=14, freq="M"),
        [dt.date(2023, m, 1) for m in range(1, 13)] + [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
        pd.date_range("2023-01-01", periods=14, freq="MS"),
    ],
    ids=["period", "python-date", "datetime"],
)
def test_dates_of_any_kind_become_a_date_axis(months):
    df = pd.DataFrame({"month": months, "infections": INFECTIONS})
    res = run_chart(df, x="month", y="infections")
    assert pd.api.types.is_datetime64_any_dtype(res.points["x"])
    assert res.points["x"].iloc[0] == pd.Timestamp("2023-01-01")
    ax = res.plot()
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


def test_text_x_values_stay_categories():
    df = pd.DataFrame({"ward": ["A", "B", "C", "D"], "falls": [3, 5, 4, 6]})
    res = run_chart(df, x="ward", y="falls")
    ax = res.plot()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x": "month", "y": "infection"}, r"'infection'.*available columns: month, infections"),
        ({"x": "date", "y": "infections"}, r"'date' \(given as x=\)"),
        ({"x": "month", "y": "infections", "n": "beds"}, r"'beds' \(given as n=\)"),
        ({"x": "month"}, "Say which column holds the values"),
    ],
)
def test_missing_columns_are_named_with_the_available_ones(kwargs, message):
    df = pd.DataFrame({"month": range(3), "infections": [1, 2, 3]})
    with pytest.raises(ValueError, match=message):
        control_chart(df, **kwargs)


def test_data_must_be_a_dataframe():
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        run_chart([1, 2, 3], y="falls")


def test_run_chart_refuses_another_chart_type(ward):
    with pytest.raises(ValueError, match="use control_chart"):
        run_chart(ward, x="month", y="infections", chart="i")
