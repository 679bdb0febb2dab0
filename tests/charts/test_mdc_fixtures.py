"""Acceptance tests: mdc agrees with NHSRplotthedots (published values and generated runs).

Each CSV under tests/fixtures/charts/ptd/generated is repeated with mdc and compared column by
column; published values (rounded as published) and the package's rule-helper unit-test
vectors are checked too. NHSRplotthedots' defaults differ from mdc's: it screens moving ranges
(``screen_outliers = TRUE``) and takes higher as better (``improvement_direction =
"increase"``), so those are passed explicitly where its defaults were used.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts import mdc
from icp_helpers.charts import mdc_rules as rules

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "charts" / "ptd"
RTOL = 1e-12


def read(folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / folder / f"{name}.csv")


def seed(name: str = "seed123_rnorm20") -> tuple[pd.Series, pd.Series]:
    data = read("inputs", name)
    return data["y"], pd.to_datetime(data["x"])


def rqm(name: str) -> tuple[pd.Series, pd.Series]:
    data = read("inputs", name)
    return data["breaches"], pd.to_datetime(data["period"])


def synthetic(scenario: str) -> tuple[pd.Series, pd.Series]:
    data = read("inputs", "synthetic_rule_scenarios")
    data = data[data["scenario"] == scenario]
    return data["value"], pd.to_datetime(data["date"])


def dated(name: str) -> tuple[pd.Series, pd.Series]:
    data = read("inputs", name)
    return data["data"], pd.to_datetime(data["date"])


def own(name: str) -> tuple[pd.Series, pd.Series]:
    data = read("generated", name)
    return data["y"], pd.to_datetime(data["x"])


UP = {"improvement": "increase", "screen_mr": True}
FIX12 = {**UP, "fix_after": 12}
ALL = "ae_attendances_RQM_type1_all"
# scenario -> (y and x, keyword arguments, facet column values or None)
CASES = {
    "seed123_default": (lambda: seed(), UP),
    "seed123_y15_10_screened": (lambda: seed("seed123_rnorm20_y15_eq_10"), UP),
    "seed123_y15_10_unscreened": (
        lambda: seed("seed123_rnorm20_y15_eq_10"), {**UP, "screen_mr": False},
    ),
    "seed123_fix12": (lambda: seed(), {**UP, "fix_after": 12}),
    "seed123_rebase_2020-01-11": (lambda: seed(), {**UP, "rebase": ["2020-01-11"]}),
    "seed123_target0.5": (lambda: seed(), {**UP, "target": 0.5}),
    "deviations_screened": (lambda: dated("deviations_vignette"), UP),
    "deviations_unscreened": (lambda: dated("deviations_vignette"), {**UP, "screen_mr": False}),
    "two_in_three_opposite_sides": (lambda: dated("two_in_three_opposite_sides"), UP),
    "readme_RQM_decrease_target1200": (
        lambda: rqm("ae_attendances_RQM_type1_to_2018-03"),
        {**UP, "improvement": "decrease", "target": 1200},
    ),
    "RQM_all_decrease": (lambda: rqm(ALL), {**UP, "improvement": "decrease"}),
    "RQM_all_increase": (lambda: rqm(ALL), UP),
    "RQM_all_neutral": (lambda: rqm(ALL), {**UP, "improvement": None}),
    "RQM_all_decrease_rebase_2018-04": (
        lambda: rqm(ALL),
        {**UP, "improvement": "decrease", "rebase": [pd.Timestamp("2018-04-01")]},
    ),
    **{
        f"synthetic_{s}_{d}": (lambda s=s: synthetic(s), {**UP, "improvement": d, "target": 50})
        for s in ("single_point_high", "run_of_7_above", "trend_7_increasing",
                  "two_in_three_high", "shift_low_last")
        for d in ("increase", "decrease")
    },
    "synthetic_single_point_high_fix12": (lambda: synthetic("single_point_high"), FIX12),
    "edge_two_in_three_with_point_beyond_3sigma_fix12": (
        lambda: own("edge_two_in_three_with_point_beyond_3sigma_fix12"), FIX12,
    ),
    "edge_trend_with_tie_fix12": (lambda: own("edge_trend_with_tie_fix12"), FIX12),
}  # fmt: skip

COLUMNS = {
    "mean": "mean_col", "lpl": "lpl", "upl": "upl", "outside_limits": "outside_limits",
    "relative_to_mean": "relative_to_mean", "close_to_limits": "close_to_limits",
    "special_cause_type": "special_cause_type", "special_cause": "special_cause_flag",
    "point_type": "point_type", "target": "target",
    "period": "rebase_group",
}  # fmt: skip
SUMMARY = ["mean", "lpl", "upl", "n", "common_cause", "special_cause_improvement",
           "special_cause_concern", "variation_type"]  # fmt: skip


def compare(points: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(points) == len(expected)
    assert (points["x"].dt.strftime("%Y-%m-%d") == expected["x"]).all()
    np.testing.assert_allclose(points["y"], expected["y"], rtol=RTOL)
    for ours, theirs in COLUMNS.items():
        if theirs not in expected:
            continue
        if expected[theirs].dtype.kind in "fi":
            np.testing.assert_allclose(
                points[ours].astype(float), expected[theirs], rtol=RTOL, equal_nan=True,
                err_msg=ours,
            )  # fmt: skip
        else:
            assert points[ours].tolist() == expected[theirs].tolist(), ours
    if "short_group_warning" in expected:
        # The course (qi-charts.md) calls limits from FEWER THAN 12 points trial limits; this
        # NHSRplotthedots snapshot warns for 12 or fewer (its threshold option defaults to 13).
        # So the only allowed difference is a period of exactly 12 points.
        size = points.groupby("period")["y"].transform("size")
        np.testing.assert_array_equal(
            points["trial_limits"], expected["short_group_warning"] & (size != 12)
        )


def compare_summary(result, name: str) -> None:
    summaries = read("generated", "_summaries")
    expected = summaries[summaries["scenario"] == name].reset_index(drop=True)
    ours = result.summary
    assert len(ours) == len(expected)
    expected = expected.rename(columns={"mean_col": "mean"})
    for column in SUMMARY:
        if expected[column].dtype.kind in "fi":
            np.testing.assert_allclose(ours[column], expected[column], rtol=RTOL, err_msg=column)
        else:
            assert ours[column].tolist() == expected[column].tolist(), column
    if expected["assurance_type"].notna().any():
        assert result.assurance_icon == expected["assurance_type"].iloc[-1]
    else:
        assert result.assurance_icon is None


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_scenarios(name: str) -> None:
    data, arguments = CASES[name]
    y, x = data()
    result = mdc(y, x=x, **arguments)
    compare(result.points, read("generated", name))
    if name.startswith("edge_"):
        return  # edge cases have no summary row
    compare_summary(result, name)


def test_facets_run_per_group() -> None:
    y, x = seed()
    expected = read("generated", "seed123_facet")
    facet = np.repeat([0, 1], 10)
    for f in (0, 1):
        result = mdc(y[facet == f], x=x[facet == f], **UP)
        compare(result.points, expected[expected["f"] == f].reset_index(drop=True))
        summaries = read("generated", "_summaries")
        row = summaries[(summaries["scenario"] == "seed123_facet") & (summaries["f"] == f)]
        for column in ("mean_col", "lpl", "upl", "n", "common_cause"):
            ours = result.summary[column.removesuffix("_col")]
            np.testing.assert_allclose(ours, row[column], rtol=RTOL, err_msg=column)


def test_every_generated_scenario_is_covered() -> None:
    files = {p.stem for p in (ROOT / "generated").glob("*.csv")} - {"_summaries"}
    assert files == set(CASES) | {"seed123_facet"}


def read_published() -> pd.DataFrame:
    """published_values.csv; two rows have an unquoted comma in the precision column
    ("round(,2)"), so a row of eight fields has its 6th and 7th fields joined again."""
    with (ROOT / "expected_published" / "published_values.csv").open(newline="") as handle:
        header, *rows = csv.reader(handle)
    fixed = [row[:5] + [",".join(row[5:7])] + row[7:] if len(row) == 8 else row for row in rows]
    assert all(len(row) == len(header) for row in fixed)
    return pd.DataFrame(fixed, columns=header)


PUBLISHED = read_published()


def published(fixture: str, quantity: str) -> str:
    row = PUBLISHED[(PUBLISHED["fixture"] == fixture) & (PUBLISHED["quantity"] == quantity)]
    return row["published_value"].iloc[0]


@pytest.mark.parametrize(
    ("fixture", "input_name", "screen"),
    [
        ("seed123_default", "seed123_rnorm20", True),
        ("seed123_y15_10_screened", "seed123_rnorm20_y15_eq_10", True),
        ("seed123_y15_10_unscreened", "seed123_rnorm20_y15_eq_10", False),
    ],
)
def test_published_snapshot_limits(fixture: str, input_name: str, screen: bool) -> None:
    y, x = seed(input_name)
    points = mdc(y, x=x, screen_mr=screen).points
    for ours, theirs in (("mean", "mean_col"), ("lpl", "lpl"), ("upl", "upl")):
        value = published(fixture, theirs)
        digits = len(value.lstrip("-").replace(".", "").lstrip("0"))
        assert float(f"{points[ours].iloc[0]:.{digits}g}") == float(value)


def test_published_relative_to_mean() -> None:
    y, x = seed()
    signs = mdc(y, x=x).points["relative_to_mean"].iloc[:14].tolist()
    assert signs == [
        int(v) for v in published("seed123_default", "relative_to_mean[1:14]").split(",")
    ]


@pytest.mark.parametrize(
    ("screen", "quantity", "fixture"),
    [(True, "upl/mean_col/lpl", "deviations_screened"),
     (False, "upl/mean_col/lpl", "deviations_unscreened")],
)  # fmt: skip
def test_published_deviations_vignette(screen: bool, quantity: str, fixture: str) -> None:
    y, x = dated("deviations_vignette")
    result = mdc(y, x=x, improvement="increase", screen_mr=screen)
    row = result.points.iloc[0]
    stated = [float(v) for v in published(fixture, quantity).split("/")]
    assert [round(row.upl, 2), round(row["mean"], 2), round(row.lpl, 2)] == stated
    types = result.points["point_type"].tolist()
    assert types[4] == "special_cause_improvement"  # the value 10
    assert types[:4] + types[5:] == ["common_cause"] * 17


def test_published_two_in_three_opposite_sides_is_common_cause() -> None:
    y, x = dated("two_in_three_opposite_sides")
    assert mdc(y, x=x, improvement="increase").points["point_type"].iloc[14:16].tolist() == [
        "common_cause",
        "common_cause",
    ]


def test_published_readme_icons() -> None:
    y, x = rqm("ae_attendances_RQM_type1_to_2018-03")
    result = mdc(y, x=x, improvement="decrease", target=1200, screen_mr=True)
    expected = published("readme_RQM", "variation_type/assurance_type").split("/")
    assert [result.variation_icon, result.assurance_icon] == expected


def test_published_summary_counts() -> None:
    y, x = seed()
    summary = mdc(y, x=x, improvement="increase", screen_mr=True).summary.iloc[0]
    values = published(
        "seed123_summary", "mean_col/lpl/upl/n/common_cause/special_cause_improvement"
    )
    mean, lpl, upl, n, common, improvement = (float(v) for v in values.split("/"))
    assert (f"{summary['mean']:.3g}", f"{summary.lpl:.3g}", f"{summary.upl:.3g}") == (
        f"{mean:.3g}", f"{lpl:.3g}", f"{upl:.3g}",
    )  # fmt: skip
    assert (summary.n, summary.common_cause, summary.special_cause_improvement) == (
        n, common, improvement,
    )  # fmt: skip


HELPERS = json.loads((ROOT / "expected_published" / "rule_helper_unit_tests.json").read_text())


def helper_cases(name: str) -> list[dict]:
    return HELPERS[name]["cases"]


@pytest.mark.parametrize("case", helper_cases("seven_point_one_side_mean"))
def test_rule_helper_seven_on_one_side(case: dict) -> None:
    assert rules.seven_on_one_side(np.array(case["input"])).tolist() == case["expected"]


@pytest.mark.parametrize("case", helper_cases("part_of_seven_trend"))
def test_rule_helper_part_of_seven(case: dict) -> None:
    assert rules.part_of_seven(np.array(case["input"])).tolist() == case["expected"]


@pytest.mark.parametrize("case", helper_cases("seven_point_trend"))
def test_rule_helper_seven_point_trend(case: dict) -> None:
    assert rules.seven_point_trend(np.array(case["input"])).tolist() == case["expected"]


@pytest.mark.parametrize("case", helper_cases("two_in_three"))
def test_rule_helper_two_in_three(case: dict) -> None:
    got = rules.two_in_three(np.array(case["close_to_limits"]), np.array(case["relative_to_mean"]))
    assert got.tolist() == case["expected"]


@pytest.mark.parametrize("case", helper_cases("part_of_two_in_three"))
def test_rule_helper_part_of_two_in_three(case: dict) -> None:
    close = np.array(case["close_to_limits"])
    flags = rules.two_in_three(close, np.array(case["relative_to_mean"]))
    assert rules.part_of_two_in_three(flags, close).tolist() == case["expected"]


@pytest.mark.parametrize("case", helper_cases("assurance_type"))
def test_rule_helper_assurance_type(case: dict) -> None:
    direction = (
        None if case["improvement_direction"] == "neutral" else case["improvement_direction"]
    )
    for lpl, upl, expected in zip(case["lpl"], case["upl"], case["expected"], strict=True):
        # a flat series has lpl = upl = mean; build one whose limits are exactly lpl and upl
        mean, half = (lpl + upl) / 2, (upl - lpl) / 2
        step = half / 2.66
        y = [mean - step / 2, mean + step / 2] * 6
        result = mdc(y, improvement=direction, target=case["target"])
        np.testing.assert_allclose([result.points.lpl[0], result.points.upl[0]], [lpl, upl])
        assert result.assurance_icon == expected


def test_special_cause_precedence() -> None:
    """Outside limits > trend > 2 in 3 > 7 on one side (ptd_special_cause_type's order)."""
    y = [10, 10.5, 9.5, 10, 10.4, 9.6, 10, 10.2, 9.8, 10, 11, 12, 13, 14, 15, 16, 30]
    types = mdc(y, improvement="increase").points["special_cause_type"].tolist()
    assert types[-1] == "Above UCL"
    assert types[-2] == "7 Point Trend (Increasing)"
