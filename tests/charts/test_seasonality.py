"""Seasonality: the month-of-year table, the Kruskal–Wallis check worked by hand, the
picture, and clear errors."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from icp_helpers.charts import chart_description, save_figure, seasonality
from icp_helpers.charts.measure_input import MeasureInputError
from icp_helpers.charts.seasonality import kruskal_wallis
from icp_helpers.charts.special import chi_square_survival
from icp_helpers.datasets import load

MONTHS = pd.date_range("2022-01-01", periods=24, freq="MS")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def series(values, months=MONTHS) -> pd.DataFrame:
    return pd.DataFrame({"month": months, "value": values})


def test_kruskal_wallis_by_hand_without_ties():
    # Year 1 holds m in month m, year 2 m + 0.5: month m has ranks 2m - 1 and 2m, sum 4m - 1.
    # H = 12 / (24 × 25) × Σ (4m - 1)² / 2 - 3 × 25 = 0.02 × 9788 / 2 - 75 = 22.88
    res = seasonality(series([m for m in range(1, 13)] + [m + 0.5 for m in range(1, 13)]),
                      x="month", y="value")  # fmt: skip
    assert res.statistic == pytest.approx(22.88)
    assert res.df == 11
    assert res.p_value == pytest.approx(0.018376575766932, rel=1e-9)  # chi2.sf(22.88, 11)
    assert res.months_differ
    assert res.verdict.startswith("The months differ more than chance would usually give")
    assert "H = 22.88, 11 degrees of freedom, p = 0.018" in res.verdict


def test_kruskal_wallis_by_hand_with_ties_and_with_a_trend_only():
    # Same values both years: ties corrected by 1 - 12 × (2³ - 2) / (24³ - 24)
    tied = seasonality(series(list(range(1, 13)) * 2), x="month", y="value")
    assert tied.statistic == pytest.approx(22.88 / (1 - 72 / 13800))
    # A steady rise 1..24: month m has ranks m and m + 12; H = 0.02 × 8072 / 2 - 75 = 5.72
    trend = seasonality(series(list(range(1, 25))), x="month", y="value")
    assert trend.statistic == pytest.approx(5.72)
    assert not trend.months_differ
    assert "No evidence that the months differ" in trend.verdict
    assert "With 2 years of data a modest seasonal pattern could still be missed" in trend.verdict
    # 24 months from July touch three calendar years but are still two years of data
    july = pd.date_range("2022-07-01", periods=24, freq="MS")
    spanning = seasonality(series(range(1, 25), july), x="month", y="value")
    assert "With 2 years of data" in spanning.verdict


# Small whole numbers, so that ties are common; at least two values in at least two groups.
GROUPS = st.lists(
    st.lists(st.integers(0, 6), min_size=2, max_size=6), min_size=2, max_size=12
).filter(lambda groups: len({v for group in groups for v in group}) > 1)


@given(GROUPS)
def test_kruskal_wallis_and_its_p_value_agree_with_scipy(groups):
    from scipy.stats import kruskal  # the reference; the charts do not import scipy.stats

    arrays = [np.array(group, dtype=float) for group in groups]
    reference, statistic = kruskal(*arrays), kruskal_wallis(arrays)
    assert statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert chi_square_survival(statistic, len(arrays) - 1) == pytest.approx(
        reference.pvalue, rel=1e-9, abs=1e-300
    )


@pytest.mark.parametrize("df", [1, 2, 3, 11, 30])
@pytest.mark.parametrize("x", [0.01, 0.5, 3.84, 22.88, 80.0, 700.0])
def test_chi_square_survival_agrees_with_scipy(x, df):
    from scipy.stats import chi2

    assert chi_square_survival(x, df) == pytest.approx(chi2.sf(x, df), rel=1e-9, abs=1e-300)


def test_month_of_year_tables_and_rates():
    dna = load("did_not_attend")  # April 2022 to March 2025
    res = seasonality(dna, x="month", y="dnas", n="appointments", multiply=100)
    assert res.by_year.index.tolist() == [2022, 2023, 2024, 2025]
    assert res.by_year.columns.tolist()[:3] == ["Jan", "Feb", "Mar"]
    assert np.isnan(res.by_year.loc[2022, "Jan"]) and np.isnan(res.by_year.loc[2025, "Apr"])
    first = dna.iloc[0]
    assert res.by_year.loc[2022, "Apr"] == pytest.approx(
        first["dnas"] / first["appointments"] * 100
    )
    april = dna[dna["month"].dt.month == 4]
    expected = (april["dnas"] / april["appointments"] * 100).mean()
    row = res.by_month.set_index("month").loc["Apr"]
    assert row["values"] == 3 and row["mean"] == pytest.approx(expected)
    assert res.by_month["values"].sum() == 36


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: seasonality(series(range(24)), x="when", y="value"), "Column 'when'"),
        (
            lambda: seasonality(series(range(11), MONTHS[:11]), x="month", y="value"),
            "at least two values of at least two calendar months",
        ),  # fmt: skip
        (lambda: seasonality(series([1] * 24), x="month", y="value"), "there is no pattern"),
        (
            lambda: seasonality(series(range(24), list(MONTHS[:12]) * 2), x="month", y="value"),
            "one row per month.*2022-01.*groupby",
        ),  # fmt: skip
        (
            lambda: seasonality(series(range(24)).assign(n=0), x="month", y="value", n="n"),
            "greater than 0 in every month",
        ),  # fmt: skip
        (
            lambda: seasonality(series(range(24)).assign(month="later"), x="month", y="value"),
            "must hold dates",
        ),  # fmt: skip
    ],
)
def test_bad_input_is_one_plain_error_naming_the_fix(call, message):
    with pytest.raises(MeasureInputError, match=message):
        call()


def test_the_picture_has_a_line_per_year_the_mean_and_the_verdict(tmp_path):
    res = seasonality(load("did_not_attend"), x="month", y="appointments", title="Booked")
    ax = res.plot()
    years = [line for line in ax.lines if str(line.get_gid()).startswith("year")]
    assert [line.get_gid() for line in years] == [
        "year 2022",
        "year 2023",
        "year 2024",
        "year 2025",
    ]
    assert len({line.get_marker() for line in years}) == 4  # told apart without colour
    (mean,) = [line for line in ax.lines if line.get_gid() == "mean"]
    np.testing.assert_allclose(mean.get_ydata(), res.by_month["mean"])
    assert res.verdict in [text.get_text() for text in ax.texts]
    description = chart_description(ax)
    assert description.startswith("Booked. Month-of-year chart of appointments: 4 years")
    assert "lowest Aug" in description and description.endswith(res.verdict)
    save_figure(ax, tmp_path / "season.png", dpi=60)
    assert Image.open(tmp_path / "season.png").text["Description"] == description
