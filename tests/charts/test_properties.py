"""Property tests (hypothesis): invariants of qic, the runs analysis, the rules and mdc."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_helpers.charts import mdc, qic
from icp_helpers.charts import mdc_rules as rules
from icp_helpers.charts.control_limits import D2
from icp_helpers.charts.mdc import LIMIT, POINT_TYPES
from icp_helpers.charts.rules import Shift, Trend

# small integers make ties and points on the centre line common
values = st.lists(st.integers(0, 6).map(float), min_size=2, max_size=60)
measures = st.lists(
    st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 3)), min_size=3, max_size=60
)
CHARTS = ["run", "i", "mr", "c", "g"]


def same(a, b) -> bool:
    """Equal to 1e-9, or both missing (no useful points give no run counts)."""
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-9))


@given(values, st.sampled_from(CHARTS))
def test_run_counts_are_bounded(y: list[float], chart: str) -> None:
    s = qic(y, chart=chart).summary.iloc[0]
    assert s.n_useful <= s.n_obs <= len(y)
    if s.n_useful:
        assert 1 <= s.longest_run <= s.n_useful
        assert 0 <= s.n_crossings <= s.n_useful - 1
        assert bool(s.runs_signal) == (
            chart != "mr"
            and (s.longest_run > s.longest_run_max or s.n_crossings < s.n_crossings_min)
        )


@given(values)
def test_points_on_the_centre_line_never_count(y: list[float]) -> None:
    result = qic(y, chart="run")
    cl = result.summary.loc[0, "cl"]
    assert result.summary.loc[0, "n_useful"] == sum(v != cl for v in y)
    # adding points on the centre line after a frozen baseline changes nothing
    baseline = qic(y + [cl] * 3, chart="run", freeze=len(y)).summary.iloc[0]
    for key in ("cl", "n_useful", "longest_run", "n_crossings"):
        assert same(baseline[key], result.summary.loc[0, key])
    assert baseline.n_obs == len(y) + 3


@given(measures, st.floats(0.01, 1e3), st.floats(-1e3, 1e3))
def test_scaling_y_scales_an_i_chart(y: list[float], scale: float, shift: float) -> None:
    base = qic(y, chart="i").points
    moved = qic([scale * v + shift for v in y], chart="i").points
    for key in ("cl", "lcl", "ucl", "lcl_95", "ucl_95"):
        np.testing.assert_allclose(moved[key], scale * base[key] + shift, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(moved["sigma_signal"], base["sigma_signal"])


@given(measures)
def test_reversing_time_keeps_i_chart_limits_and_runs(y: list[float]) -> None:
    forward = qic(y, chart="i").summary.iloc[0]
    backward = qic(y[::-1], chart="i").summary.iloc[0]
    for key in ("cl", "lcl", "ucl", "n_useful", "longest_run", "n_crossings", "sigma_signal"):
        assert same(forward[key], backward[key])


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 40)), min_size=2, max_size=40),
    st.sampled_from(["p", "pp"]),
)
def test_proportion_limits_stay_between_0_and_1(pairs: list, chart: str) -> None:
    y = [min(a, b) for a, b in pairs]
    n = [b for _, b in pairs]
    points = qic(y, n=n, chart=chart).points
    for key in ("lcl", "ucl", "lcl_95", "ucl_95"):
        limits = points[key].dropna()
        assert ((limits >= 0) & (limits <= 1)).all()


@given(values, st.sampled_from(["i", "c", "g", "t"]))
def test_sigma_signal_is_exactly_outside_the_limits(y: list[float], chart: str) -> None:
    y = [v + 1 for v in y] if chart == "t" else y
    points = qic(y, chart=chart).points
    outside = (points["y"] > points["ucl"]) | (points["y"] < points["lcl"])
    np.testing.assert_array_equal(points["sigma_signal"], outside)
    both = points[["lcl", "ucl"]].dropna()
    assert (both["lcl"] <= both["ucl"]).all()


@given(values, st.integers(2, 8))
def test_shift_flags_are_runs_of_at_least_length(y: list[float], length: int) -> None:
    result = qic(y, chart="run", rules=[Shift(length)])
    flagged = set(result.signals["position"])
    cl = result.summary.loc[0, "cl"]
    useful = [(i, np.sign(v - cl)) for i, v in enumerate(y) if v != cl]
    expected: set[int] = set()
    start = 0
    for k in range(1, len(useful) + 1):
        if k == len(useful) or useful[k][1] != useful[start][1]:
            if k - start >= length:
                expected |= {i for i, _ in useful[start:k]}
            start = k
    assert flagged == expected


@given(values, st.integers(3, 8))
def test_trend_flags_cover_long_enough_monotone_stretches(y: list[float], length: int) -> None:
    flagged = set(qic(y, chart="run", rules=[Trend(length, ties="break")]).signals["position"])
    expected: set[int] = set()
    for start in range(len(y)):
        for direction in (1, -1):
            end = start
            while end + 1 < len(y) and np.sign(y[end + 1] - y[end]) == direction:
                end += 1
            if end - start + 1 >= length:
                expected |= set(range(start, end + 1))
    assert flagged == expected


def naive_seven_one_side(side: list[int]) -> list[int]:
    return [
        int(i >= 6 and side[i] != 0 and all(side[j] == side[i] for j in range(i - 6, i)))
        for i in range(len(side))
    ]


def naive_trend(y: list[float]) -> list[int]:
    out = []
    for i in range(len(y)):
        steps = [np.sign(y[j + 1] - y[j]) for j in range(i - 6, i)] if i >= 6 else []
        out.append(int(steps[0]) if steps and steps[0] != 0 and len(set(steps)) == 1 else 0)
    return out


def naive_two_in_three(close: list[int], side: list[int]) -> list[int]:
    out = []
    for i in range(len(close)):
        windows = [range(s, s + 3) for s in (i - 2, i - 1, i)]
        out.append(
            int(
                any(
                    sum(close[j] for j in w if 0 <= j < len(close)) >= 2
                    and abs(sum(side[j] for j in w if 0 <= j < len(close))) == 3
                    for w in windows
                )
            )
        )
    return out


@given(st.lists(st.sampled_from([-1, 0, 1]), max_size=40))
def test_vectorised_seven_on_one_side_matches_a_plain_loop(side: list[int]) -> None:
    assert rules.seven_on_one_side(np.array(side, dtype=int)).tolist() == naive_seven_one_side(side)


@given(st.lists(st.integers(0, 5).map(float), max_size=40))
def test_vectorised_trend_matches_a_plain_loop(y: list[float]) -> None:
    assert rules.seven_point_trend(np.array(y)).tolist() == naive_trend(y)


@given(st.lists(st.tuples(st.sampled_from([0, 1]), st.sampled_from([-1, 1])), max_size=40))
def test_vectorised_two_in_three_matches_a_plain_loop(pairs: list) -> None:
    close, side = [c for c, _ in pairs], [s for _, s in pairs]
    got = rules.two_in_three(np.array(close, dtype=int), np.array(side, dtype=int))
    assert got.tolist() == naive_two_in_three(close, side)


@settings(deadline=None)
@given(measures)
def test_mdc_limits_are_the_unscreened_i_chart_with_2_66(y: list[float]) -> None:
    points = mdc(y).points
    chart = qic(y, chart="i", screen_mr=False).points
    np.testing.assert_allclose(points["mean"], chart["cl"], rtol=1e-9, atol=1e-9)
    width = (chart["ucl"] - chart["cl"]) * LIMIT * D2 / 3
    np.testing.assert_allclose(points["upl"] - points["mean"], width, rtol=1e-9, atol=1e-9)
    assert (points["lpl"] <= points["upl"]).all()
    assert points["point_type"].isin(POINT_TYPES).all()
    assert (points.loc[points["outside_limits"], "special_cause"]).all()


@settings(deadline=None)
@given(measures, st.sampled_from(["increase", "decrease"]))
def test_mdc_mirror_image_swaps_improvement_and_concern(y: list[float], direction: str) -> None:
    other = "decrease" if direction == "increase" else "increase"
    a = mdc(y, improvement=direction).points["point_type"]
    b = mdc([-v for v in y], improvement=other).points["point_type"]
    assert a.tolist() == b.tolist()
