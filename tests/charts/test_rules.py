"""Rule sets: which points break which rule, with hand-worked series for every rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts import qic
from icp_helpers.charts.rules import (
    InnerThird,
    RunsCount,
    Shift,
    Trend,
    TwoOfThree,
    rule_set,
    runs_distribution,
)


def flagged(result, rule: str) -> list[int]:
    signals = result.signals
    return sorted(signals.loc[signals["rule"] == rule, "position"].tolist())


def test_anhoej_long_run_flags_the_run_and_crossings_flag_the_part() -> None:
    y = [1, 9] * 5 + [1] * 9 + [9] * 9  # median 5; runs of 9 with at most 8 allowed
    result = qic(y, chart="run")
    summary = result.summary.iloc[0]
    assert (summary.cl, summary.longest_run, summary.longest_run_max) == (5, 9, 8)
    assert flagged(result, "longest_run") == list(range(10, 28))
    assert flagged(result, "crossings") == []
    shifted = qic([1] * 10 + [9] * 10, chart="run")
    assert flagged(shifted, "crossings") == list(range(20))
    assert shifted.points["runs_signal"].all() and shifted.points["signal"].all()


def test_outside_limits_matches_sigma_signal() -> None:
    y = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 30, 6, 5]
    result = qic(y, chart="i")
    assert flagged(result, "outside_limits") == [11]
    assert result.points["sigma_signal"].tolist() == [i == 11 for i in range(len(y))]


def test_signals_give_x_of_each_point() -> None:
    months = pd.date_range("2024-01-01", periods=14, freq="MS")
    y = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 30, 6, 5]
    signals = qic(y, x=months, chart="i").signals
    outside = signals[signals["rule"] == "outside_limits"]
    assert outside["x"].tolist() == [months[11]]
    assert outside["part"].tolist() == [1]


def test_ihi_shift_of_six_skips_points_on_the_median() -> None:
    # median 5; positions 6..12 are above, with position 9 on the median
    y = [1, 9, 2, 8, 3, 7, 6, 7, 8, 5, 6, 7, 9, 5, 4, 3, 2, 1, 5, 5, 4]
    result = qic(y, chart="run", rules="ihi")
    assert result.summary.loc[0, "cl"] == 5
    assert flagged(result, "shift") == [5, 6, 7, 8, 10, 11, 12]


def test_ihi_trend_counts_equal_neighbours_once() -> None:
    y = [5, 3, 4, 4, 5, 6, 7, 2, 6, 3, 5]  # 3, 4, 4, 5, 6, 7: five distinct rising values
    result = qic(y, chart="run", rules="ihi")
    assert flagged(result, "trend") == [1, 2, 3, 4, 5, 6]
    assert flagged(qic(y, chart="run", rules=rule_set("ihi", trend=6)), "trend") == []


def test_mdc_trend_is_broken_by_a_tie() -> None:
    y = [8, 9, 10, 10, 11, 12, 13, 14, 9, 10, 9, 10]
    result = qic(y, chart="i", rules="mdc")
    assert flagged(result, "trend") == []


def test_shift_on_the_centre_line_skipped_or_breaking() -> None:
    y = [6, 6, 6, 5, 6, 6, 6, 6] + [4] * 8 + [5]  # median 5
    skip = qic(y, chart="run", rules=[Shift(7)])
    assert flagged(skip, "shift") == [0, 1, 2, 4, 5, 6, 7] + list(range(8, 16))
    broken = qic(y, chart="run", rules=[Shift(7, on_line="break")])
    assert flagged(broken, "shift") == list(range(8, 16))


BASE = [10, 11, 9] * 4  # mean 10, average moving range 15/11: UCL 13.63, 2/3 of the way 12.42


def test_hcdg_two_of_three_in_outer_third() -> None:
    y = BASE + [10, 12.5, 10, 13.0, 10]
    result = qic(y, chart="i", rules="hcdg", freeze=12)
    cl, ucl = result.points.loc[0, ["cl", "ucl"]]
    assert all(cl + 2 / 3 * (ucl - cl) < y[i] <= ucl for i in (13, 15))
    assert flagged(result, "two_of_three") == [13, 15]


def test_two_of_three_beyond_limit_counts_only_when_asked() -> None:
    y = BASE + [10, 12.5, 20, 10]
    hcdg = qic(y, chart="i", rules=[TwoOfThree(beyond_limit=True)], freeze=12)
    mdc_style = TwoOfThree(beyond_limit=False, all_same_side=True)
    assert flagged(hcdg, "two_of_three") == [13, 14]
    assert flagged(qic(y, chart="i", rules=[mdc_style], freeze=12), "two_of_three") == []


def test_inner_third_run_of_fifteen() -> None:
    wide = [6, -6, 5, -5]
    y = wide + [0.1, -0.1] * 8 + wide  # mean 0
    result = qic(y, chart="i", rules="hcdg")
    assert flagged(result, "inner_third") == list(range(4, 20))
    assert flagged(qic(y, chart="i", rules=[InnerThird(17)]), "inner_third") == []


def test_runs_count_too_few_and_too_many() -> None:
    too_many = [1, 3] * 10
    assert flagged(qic(too_many, chart="run", rules=[RunsCount()]), "too_many_runs") == list(
        range(20)
    )
    too_few = [1] * 10 + [3] * 10
    assert flagged(qic(too_few, chart="run", rules=[RunsCount()]), "too_few_runs") == list(
        range(20)
    )
    ordinary = [1, 3, 3, 1, 1, 1, 3, 1, 3, 3, 1, 3, 1, 1, 3, 3, 1, 3, 1, 3]
    assert qic(ordinary, chart="run", rules=[RunsCount()]).signals.empty


@pytest.mark.parametrize(("above", "low", "high"), [(5, 2, 10), (10, 6, 16)])
def test_runs_test_critical_values(above: int, low: int, high: int) -> None:
    """Swed & Eisenhart (1943) critical numbers of runs at 2.5% in each tail, equal groups."""
    p = runs_distribution(above, above)
    cumulative, tail = np.cumsum(p), np.cumsum(p[::-1])[::-1]
    assert cumulative[low] <= 0.025 < cumulative[low + 1]
    assert tail[high] <= 0.025 < tail[high - 1]


def test_runs_distribution_sums_to_one() -> None:
    for above, below in [(1, 1), (3, 7), (12, 12), (40, 25)]:
        assert runs_distribution(above, below).sum() == pytest.approx(1.0)


def test_thresholds_are_adjustable() -> None:
    assert rule_set("hcdg", shift=9, trend=7, inner_third=20)[1:3] == (Shift(9), Trend(7))
    assert rule_set("ihi", alpha=0.01)[2] == RunsCount(0.01)
    with pytest.raises(ValueError, match="Unknown threshold 'colour'"):
        rule_set("ihi", colour=3)
    with pytest.raises(ValueError, match="has no inner_third rule"):
        rule_set("ihi", inner_third=3)


def test_rules_apply_per_part() -> None:
    y = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7]
    result = qic(y, chart="i", rules=[Trend(7)], part=[7])
    trend = result.signals[result.signals["rule"] == "trend"]
    assert trend.groupby("part")["position"].apply(list).to_dict() == {
        1: list(range(7)),
        2: list(range(7, 14)),
    }


def test_excluded_points_break_no_rule_but_still_plot() -> None:
    y = [1, 2, 3, 4, 5, 6, 7, 8]
    result = qic(y, chart="i", rules=[Trend(8)], exclude=[3])
    assert flagged(result, "trend") == []
    assert flagged(qic(y, chart="i", rules=[Trend(7)], exclude=[3]), "trend") == [
        0, 1, 2, 4, 5, 6, 7,
    ]  # fmt: skip
