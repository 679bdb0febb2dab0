"""Bad input to qic gives a clear ValueError naming the problem; missing values never crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts import qic


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (dict(y=[1, 2, 3], n=[10, 10], chart="p"), "y and n must have the same length"),
        (dict(y=[1, 2, 3], x=[1, 2], chart="i"), "y and x must have the same length"),
        (dict(y=[1, 2, 3], notes=["a"], chart="i"), "y and notes must have the same length"),
        (dict(y=[1, 2, 3], n=[10, 0, 10], chart="u"), "n must be greater than 0"),
        (dict(y=[1, 2, 3], n=[10, -5, 10], chart="p"), "n must be greater than 0"),
        (dict(y=[1, 12, 3], n=[10, 10, 10], chart="p"), "y cannot be greater than n"),
        (dict(y=[1, 12, 3], n=[10, 10, 10], chart="pp"), "y cannot be greater than n"),
        (dict(y=[1, -2, 3], chart="c"), "y cannot be negative"),
        (dict(y=[1, -2, 3], n=[5, 5, 5], chart="u"), "y cannot be negative"),
        (dict(y=[1, "two", 3], chart="i"), "y must hold numbers only"),
        (dict(y=[1, 2, 3], n=[5, "x", 5], chart="u"), "n must hold numbers only"),
        (dict(y=[True, False, True], chart="i"), "y must hold numbers"),
        (dict(y=[1.0, np.inf, 3.0], chart="i"), "finite numbers"),
        (dict(y=[3, 0, 5], chart="t"), "greater than 0"),
        (dict(y=[3, -1, 5], chart="t"), "greater than 0"),
        (dict(y=[1, 2, 3, 4], chart="xbar"), "subgroups of two or more"),
        (dict(y=[1, 2, 3, 4], x=[1, 2, 3, 4], chart="s"), "subgroups of two or more"),
        (dict(y=[1, 2, 3], chart="pie"), "Unknown chart type 'pie'; choose one of: run, i, mr"),
        (dict(y=[1, 2, 3], chart="p"), "needs the denominators n"),
        (dict(y=[1, 2, 3, 4], chart="i", part=[4]), "part value 4 is out of range"),
        (dict(y=[1, 2, 3, 4], chart="i", part=[0]), "part values count subgroups"),
        (dict(y=[1, 2, 3, 4], chart="i", part=[-1]), "part value -1 is out of range"),
        (dict(y=[1, 2, 3, 4], chart="i", freeze=5), "freeze = 5 is out of range"),
        (dict(y=[1, 2, 3, 4], chart="i", freeze=0), "freeze = 0 is out of range"),
        (dict(y=[1, 2, 3, 4], chart="i", freeze=2.5), "freeze must be a whole number"),
        (dict(y=[1, 2, 3, 4], chart="i", exclude=[4]), "exclude value 4 is out of range"),
        (dict(y=[1, 2, 3, 4], chart="i", exclude=[1.5]), "exclude must hold whole numbers"),
        (dict(y=[1, 2, 3], chart="i", multiply=0), "multiply must be a number greater than 0"),
        (dict(y=[1, 2, 3], chart="i", rules="western"), "Unknown rule set 'western'"),
        (dict(y=[1, 2, 3], chart="i", rules=[]), "rules must be a rule set name"),
        (dict(y=5, chart="i"), "y must be a sequence of numbers"),
        (dict(y=[], chart="i"), "nothing to chart"),
    ],
)
def test_bad_input_names_the_problem(arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        qic(**arguments)


def test_unknown_chart_lists_every_valid_chart() -> None:
    with pytest.raises(ValueError) as error:
        qic([1, 2], chart="x")
    for chart in ("run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g"):
        assert f" {chart}," in str(error.value) or f" {chart}." in str(error.value)


@pytest.mark.parametrize("chart", ["run", "i", "mr", "c", "g", "t"])
def test_missing_values_are_skipped(chart: str) -> None:
    y = [3, np.nan, 4, None, 6, 2, 5, 4, 3, pd.NA, 5, 6, 4, 3]
    result = qic(pd.Series(y, dtype=object), chart=chart)
    assert len(result.points) == len(y)
    assert np.isfinite(result.summary["cl"]).all()
    observed = qic([v for v in y if v is not None and v is not pd.NA and v == v], chart=chart)
    if chart in ("run", "c", "g"):  # no moving ranges, so gaps do not change the lines
        assert result.summary["cl"][0] == pytest.approx(observed.summary["cl"][0])
    assert result.summary["n_useful"][0] <= observed.summary["n_obs"][0]


@pytest.mark.parametrize("chart", ["p", "pp", "u", "up"])
def test_missing_counts_or_denominators_are_skipped(chart: str) -> None:
    y = [3, 4, np.nan, 5, 2, 4, 3, 5, 4, 2]
    n = [20, 25, 20, np.nan, 22, 24, 20, 21, 23, 20]
    points = qic(y, n=n, chart=chart).points
    assert points["y"].isna().tolist() == [False, False, True, True] + [False] * 6
    assert points.loc[[2, 3], "ucl"].isna().all()  # no data, no limits
    assert points.loc[[0, 1, 4], "ucl"].notna().all()


def test_rows_with_missing_x_are_dropped_and_empty_subgroups_kept() -> None:
    result = qic([1, 2, 3, 4, 5], x=[1, 1, None, 2, 3], chart="run")
    assert result.points["x"].tolist() == [1, 2, 3]
    assert result.points["y"].tolist() == [1.5, 4, 5]


def test_all_missing_does_not_crash() -> None:
    result = qic([np.nan, np.nan, np.nan], chart="i")
    assert result.points["cl"].isna().all()
    assert result.summary.loc[0, "n_useful"] == 0
    assert not result.summary.loc[0, "runs_signal"]
