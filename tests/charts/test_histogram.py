"""Histogram: counts per bin by hand, the bin rules, mean and median marked, clear errors."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from icp_helpers.charts import chart_description, histogram, save_figure
from icp_helpers.charts.measure_input import MeasureInputError
from icp_helpers.datasets import load
from icp_helpers.errors import IcpError


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_whole_numbers_get_one_bar_each_counted_by_hand():
    res = histogram([1, 2, 2, 3, 3, 3, 4, 4, 5, 10, None])
    assert res.bin_rule == "one bar per whole number"
    assert res.table["left"].tolist() == [v - 0.5 for v in range(1, 11)]
    assert res.table["count"].tolist() == [1, 2, 3, 2, 1, 0, 0, 0, 0, 1]
    assert (res.n, res.n_missing) == (10, 1)
    assert res.mean == pytest.approx(3.7)  # 37 / 10
    assert res.median == 3.0


def test_spread_out_values_use_the_freedman_diaconis_width():
    values = [0.5, 1.5, 2.0, 3.0, 4.5, 5.0, 7.5, 9.0, 12.0, 40.0, 55.5, 70.25]
    res = histogram(values)
    # numpy's linear percentiles: Q1 = 2.75, Q3 = 22.0, so the width is
    # 2 × 19.25 / 12^(1/3) = 16.818...; 69.75 / 16.818 rounds up to 5 bins of 13.95
    assert res.bin_rule.startswith("Freedman–Diaconis")
    np.testing.assert_allclose(res.table["left"], [0.5, 14.45, 28.4, 42.35, 56.3])
    assert res.table["count"].tolist() == [9, 0, 1, 1, 1]
    assert res.table["count"].sum() == len(values)


def test_values_with_no_spread_in_the_middle_fall_back_to_sturges():
    res = histogram([5.5] * 9 + [1.25, 20.75])  # IQR 0; log2(11) + 1 = 4.46 -> 5 bins
    assert res.bin_rule.startswith("Sturges")
    assert len(res.table) == 5 and res.table["count"].sum() == 11


def test_bins_given_as_a_number_or_as_edges():
    assert len(histogram([1.5, 2.5, 8.25], bins=3).table) == 3
    waits = histogram(load("referral_to_assessment"), "wait_days", bins=[0, 28, 56, 400])
    assert waits.bin_rule == "bin edges as given"
    within = int((load("referral_to_assessment")["wait_days"] < 28).sum())
    assert waits.table["count"].iloc[0] == within
    assert waits.table["count"].sum() == 3225


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: histogram(pd.DataFrame({"a": [1, 2]})), "say which column"),
        (lambda: histogram(pd.DataFrame({"a": [1, 2]}), "b"), "Column 'b'.*available columns: a"),
        (lambda: histogram([None, None]), "every value is missing"),
        (lambda: histogram(["3", "many"]), "numbers only.*'many'"),
        (lambda: histogram([1, 2], bins=0), "bins must be 1 or more"),
        (lambda: histogram([1, 2], bins=2.5), "whole number of bins or a list of edges"),
        (lambda: histogram([1, 2], bins=[3, 1]), "increasing order"),
        (lambda: histogram([1, 2, 9], bins=[0, 5]), "1 values lie outside.*widen the edges"),
    ],
)
def test_bad_input_is_one_plain_error_naming_the_fix(call, message):
    with pytest.raises(MeasureInputError, match=message) as caught:
        call()
    assert isinstance(caught.value, IcpError)


def test_the_picture_shows_the_counted_bars_mean_median_and_n(tmp_path):
    res = histogram(load("referral_to_assessment"), "wait_days", title="Waits")
    ax = res.plot()
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == res.table["count"].tolist()
    (mean,) = [line for line in ax.lines if line.get_gid() == "mean"]
    (median,) = [line for line in ax.lines if line.get_gid() == "median"]
    assert mean.get_xdata()[0] == pytest.approx(res.mean)
    assert median.get_xdata()[0] == res.median == 35.0
    assert mean.get_linestyle() != median.get_linestyle()  # not by colour alone
    assert ax.get_title(loc="right") == "n = 3,225"
    labels = [text.get_text() for text in ax.get_figure().legends[0].get_texts()]
    assert labels == ["Values in bin", f"Mean {res.mean:.1f}", "Median 35.0"]
    text = chart_description(ax)
    assert text.startswith("Waits. Histogram of wait_days: 3,225 values")
    assert "Freedman–Diaconis" in text and "median 35.0" in text
    save_figure(ax, tmp_path / "waits.png", dpi=60)
    assert Image.open(tmp_path / "waits.png").text["Description"] == text
