"""Bad input to mdc gives a clear ValueError; missing values are skipped; icons behave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts import mdc

MONTHS = pd.date_range("2024-01-01", periods=4, freq="MS")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (dict(y=[1, 2, 3], x=MONTHS), "y and x must have the same length"),
        (dict(y=[1, 2, 3], improvement="up"), "Unknown improvement direction 'up'"),
        (dict(y=[1, "b", 3]), "y must hold numbers only"),
        (dict(y=[1, 2, 3, 4], x=[MONTHS[0], MONTHS[0], MONTHS[1], MONTHS[2]]), "repeated values"),
        (dict(y=[1, 2, 3, 4], x=[MONTHS[0], None, MONTHS[1], MONTHS[2]]), "x has missing values"),
        (dict(y=[1, 2, 3, 4], x=MONTHS, rebase=["2025-01-01"]), "is not one of the x values"),
        (dict(y=[1, 2, 3, 4], fix_after=5), "fix_after = 5 is out of range"),
        (dict(y=[1, 2, 3, 4], fix_after=0), "fix_after = 0 is out of range"),
        (dict(y=[1, 2, 3, 4], target="high"), "target must hold numbers"),
        (dict(y=[]), "nothing to chart"),
    ],
)
def test_bad_input_names_the_problem(arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mdc(**arguments)


def test_missing_values_are_skipped_and_kept_as_rows() -> None:
    y = [5, 6, np.nan, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 7]
    result = mdc(y, improvement="increase")
    points = result.points
    assert len(points) == len(y)
    assert pd.isna(points.loc[2, "point_type"])
    assert not points.loc[2, "special_cause"]
    assert points["point_type"].drop(index=2).isin(["common_cause"]).all()
    assert points["mean"].iloc[0] == pytest.approx(np.nanmean(y))
    assert result.variation_icon == "common_cause"


def test_points_are_put_in_date_order() -> None:
    result = mdc([3, 1, 2, 4], x=[MONTHS[2], MONTHS[0], MONTHS[1], MONTHS[3]])
    assert result.points["y"].tolist() == [1, 2, 3, 4]
    assert result.points["x"].tolist() == list(MONTHS)


def test_assurance_needs_a_target_and_a_direction() -> None:
    y = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9]
    assert mdc(y, improvement="increase").assurance_icon is None
    assert mdc(y, target=5).assurance_icon is None
    assert mdc(y, improvement="increase", target=5).assurance_icon == "consistent_pass"
    assert mdc(y, improvement="decrease", target=5).assurance_icon == "consistent_fail"
    assert mdc(y, improvement="increase", target=10).assurance_icon == "inconsistent"


def test_neutral_special_causes_are_high_or_low() -> None:
    y = [10, 11, 9, 10, 11, 10, 9, 11, 10, 10, 11, 9, 30]
    result = mdc(y)
    assert result.points["point_type"].iloc[-1] == "special_cause_neutral_high"
    assert mdc([-v for v in y]).variation_icon == "special_cause_neutral_low"


def test_trial_limits_under_twelve_points() -> None:
    assert mdc(list(range(11))).trial_limits
    assert not mdc(list(range(12))).trial_limits
    assert mdc(list(range(20)), fix_after=6).trial_limits


def test_rebase_gives_each_period_its_own_limits() -> None:
    y = [10, 11, 9, 10, 11, 10, 20, 21, 19, 20, 21, 20]
    result = mdc(y, x=list(range(1, 13)), rebase=[7])
    assert result.points["period"].tolist() == [0] * 6 + [1] * 6
    assert result.points["mean"].iloc[0] == pytest.approx(10.1666666667)
    assert result.points["mean"].iloc[-1] == pytest.approx(20.1666666667)
    assert len(result.summary) == 2
