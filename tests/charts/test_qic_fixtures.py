"""Acceptance tests: qic agrees with qicharts2's published and generated reference values.

Every CSV under tests/fixtures/charts/qicharts2 (see PROVENANCE.md there) is one case below:
the R call is repeated with qic and every numeric column is compared to floating-point
precision (the CSVs hold 15 significant digits). Facets are run per group.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts import qic
from icp_helpers.charts.control_limits import a3, b3, b4, c4
from icp_helpers.charts.runs import anhoej_limits

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent / "fixtures" / "charts" / "qicharts2"
RTOL = 1e-12


def read_input(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "inputs" / f"{name}.csv")


def read_expected(folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / folder / f"{name}.csv")


def dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values)


def close(actual, expected, label: str) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float),
        np.asarray(expected, dtype=float),
        rtol=RTOL,
        atol=1e-15,
        equal_nan=True,
        err_msg=label,
    )


# name -> (input table, keyword arguments for qic built from the table)
MONTGOMERY = {
    "ex_6.3_1": ("tbl_06.03", lambda d: dict(x=d["sample"], y=d["obs"], chart="xbar")),
    "ex_6.3_2": ("tbl_06.03", lambda d: dict(x=d["sample"], y=d["obs"], chart="s")),
    "ex_6.4_1": ("tbl_06.04", lambda d: dict(x=d["sample"], y=d["obs"], chart="xbar")),
    "ex_6.4_2": ("tbl_06.04", lambda d: dict(x=d["sample"], y=d["obs"], chart="s")),
    "ex_6.5_3": ("tbl_06.07", lambda d: dict(x=d["weeks"], y=d["cost"], chart="i", freeze=20)),
    "ex_6.5_4": ("tbl_06.07", lambda d: dict(x=d["weeks"], y=d["cost"], chart="mr", freeze=20)),
    "ex_7.1_5": (
        "tbl_07.03",
        lambda d: dict(
            x=d["sample"], y=d["count"], n=d["size"], notes=d["note"], chart="p",
            exclude=[14, 22], part=30,
        ),
    ),
    "tbl_7.4_1": ("tbl_07.04", lambda d: dict(x=d["sample"], y=d["count"], n=d["size"], chart="p")),
    "ex_7.3_3": (
        "tbl_07.08",
        lambda d: dict(x=d["sample"], y=d["count"], chart="c", exclude=[5, 19], freeze=26),
    ),
    "ex_7.4_1": ("tbl_07.10", lambda d: dict(x=d["sample"], y=d["count"], n=d["size"], chart="u")),
    "ex_7.5_1": (
        "tbl_07.11",
        lambda d: dict(x=d["roll"], y=d["count"], n=d["meters"], chart="u", multiply=50),
    ),
    "ex_7.6_1": ("tbl_07.14", lambda d: dict(x=d["failure"], y=d["hours"], chart="t")),
    "NA_test": ("NA_test", lambda d: dict(x=d["sample"], y=d["obs"], chart="xbar")),
}  # fmt: skip

POINT_COLUMNS = {
    "y": "y", "cl": "cl", "lcl": "lcl", "ucl": "ucl", "lcl_95": "lcl.95", "ucl_95": "ucl.95",
    "part": "part", "baseline": "baseline", "include": "include",
    "sigma_signal": "sigma.signal", "runs_signal": "runs.signal",
}  # fmt: skip
PART_COLUMNS = {
    "n_obs": "n.obs", "n_useful": "n.useful", "longest_run": "longest.run",
    "longest_run_max": "longest.run.max", "n_crossings": "n.crossings",
    "n_crossings_min": "n.crossings.min",
}  # fmt: skip


def compare_points(result, expected: pd.DataFrame) -> None:
    points = result.points
    assert len(points) == len(expected)
    for ours, theirs in POINT_COLUMNS.items():
        if theirs in expected:
            close(points[ours], expected[theirs].astype(float), ours)
    if "n" in expected and expected["n"].notna().any():
        close(points["n"], expected["n"], "n")
    per_point = result.summary.set_index("part").loc[points["part"]].reset_index()
    for ours, theirs in PART_COLUMNS.items():
        close(per_point[ours].astype(float), expected[theirs], ours)


@pytest.mark.parametrize("name", sorted(MONTGOMERY))
def test_published_montgomery_examples(name: str) -> None:
    table, arguments = MONTGOMERY[name]
    expected = read_expected("expected_tests", name)
    result = qic(**arguments(read_input(table)))
    compare_points(result, expected)
    if "notes" in expected and expected["notes"].notna().any():
        assert result.points["notes"].fillna("").tolist() == expected["notes"].fillna("").tolist()


SUMMARY_COLUMNS = {
    **PART_COLUMNS,
    "runs_signal": "runs.signal", "lcl": "aLCL", "cl": "CL", "ucl": "aUCL",
    "lcl_95": "aLCL.95", "ucl_95": "aUCL.95", "sigma_signal": "sigma.signal",
}  # fmt: skip


def compare_summary(summary: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(summary) == len(expected)
    for ours, theirs in SUMMARY_COLUMNS.items():
        if theirs in expected:
            close(summary[ours].astype(float), expected[theirs].astype(float), ours)


def faceted_summary(data: pd.DataFrame, facets: list[str], **arguments) -> pd.DataFrame:
    """qic(x=month, y=n, n=days, chart="u") per facet group (sorted as R's split does)."""
    groups = data.groupby(facets, sort=True) if facets else [(None, data)]
    frames = [
        qic(x=g["month"], y=g["n"], n=g["days"], chart="u", **arguments).summary for _, g in groups
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize(
    ("name", "facets"),
    [("hai_1", []), ("hai_2", ["infection"]), ("hai_3", ["hospital", "infection"])],
)
def test_published_hospital_infection_summaries(name: str, facets: list[str]) -> None:
    data = read_input("hospital_infections")
    data["month"] = dates(data["month"])
    summary = faceted_summary(data, facets)
    compare_summary(summary, read_expected("expected_tests", name))


def test_published_funnel_summary_with_categorical_x() -> None:
    """hai_4: x = reorder(hospital, days), so hospitals are ordered by their mean days."""
    data = read_input("hospital_infections")
    data = data[dates(data["month"]) >= pd.Timestamp("2016-07-01")].copy()
    order = data.groupby("hospital")["days"].mean().sort_values(kind="stable").index
    data["hospital"] = pd.Categorical(data["hospital"], categories=list(order))
    frames = [
        qic(x=g["hospital"], y=g["n"], n=g["days"], chart="u", multiply=10000).summary
        for _, g in data.groupby("infection")
    ]
    summary = pd.concat(frames, ignore_index=True)
    compare_summary(summary, read_expected("expected_tests", "hai_4"))
    assert not summary["runs_signal"].any()  # no runs analysis signal for categorical x


def _cdi(**kw):
    return ("cdi", lambda d: dict(x=dates(d["month"]), y=d["n"], **kw))


def _from_fixture(**kw):
    return (None, lambda d: dict(x=d["x"], y=d["y"], **kw))


DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
GENERATED = {
    "cdi_run": _cdi(),
    "cdi_run_freeze24": _cdi(freeze=24),
    "cdi_run_part24": _cdi(part=24),
    "cdi_c_part24": _cdi(chart="c", part=24),
    "cdi_u_part24_x10000": (
        "cdi",
        lambda d: dict(x=dates(d["month"]), y=d["n"], n=d["days"], chart="u", part=24,
                       multiply=10000),
    ),
    "cdi_i": _cdi(chart="i"),
    "cdi_mr": _cdi(chart="mr"),
    **{
        f"nhs_accidents_{c}": (
            "nhs_accidents", lambda d, c=c: dict(x=d["i"], y=d["r"], n=d["n"], chart=c)
        )
        for c in ("p", "pp", "i", "ip")
    },
    **{
        f"complaints_{c}": (
            "complaints",
            lambda d, c=c: dict(x=d["month"], y=d["complaints"], n=d["sales"], chart=c),
        )
        for c in ("u", "up")
    },
    "lots_ip": ("lots", lambda d: dict(x=d["lot"], y=d["value"], n=d["n"], chart="ip")),
    "cabg_fatalities_g": ("cabg_fatalities_derived", lambda d: dict(y=d["dd"], chart="g")),
    "cabg_fatalities_t": ("cabg_fatalities_derived", lambda d: dict(y=d["dt"], chart="t")),
    "ptd_deviation_data_i_screened": (None, lambda d: dict(y=DEVIATIONS, chart="i")),
    "ptd_deviation_data_i_unscreened": (
        None, lambda d: dict(y=DEVIATIONS, chart="i", screen_mr=False)
    ),
    "run_points_on_median": _from_fixture(),
    "run_shift_example": _from_fixture(),
    "run_exclude": _from_fixture(chart="i", exclude=[5]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_reference_charts(name: str) -> None:
    table, arguments = GENERATED[name]
    expected = read_expected("generated", name)
    source = expected if table is None else read_input(table)
    result = qic(**arguments(source))
    compare_points(result, expected)
    summaries = read_expected("generated", "_summaries")
    compare_summary(result.summary, summaries[summaries["scenario"] == name])


def test_generated_summaries_cover_every_scenario() -> None:
    scenarios = set(read_expected("generated", "_summaries")["scenario"])
    assert scenarios == set(GENERATED)


def test_constants_match_reference() -> None:
    expected = read_expected("generated", "constants_c4_a3_b3_b4")
    n = expected["n"].to_numpy(dtype=float)
    for name, function in (("c4", c4), ("A3", a3), ("B3", b3), ("B4", b4)):
        close(function(n), expected[name], name)


def test_vignette_i_chart_summary_is_reproduced() -> None:
    y = read_expected("expected_vignette", "vignette_seed19_y")["y_final_shift"]
    summary = qic(y, chart="i").summary
    compare_summary(
        summary, read_expected("expected_vignette", "vignette_seed19_i_summary_reproduced")
    )
    # the published (rounded) numbers of the vignette
    row = summary.iloc[0]
    assert (row.n_obs, row.n_useful, row.longest_run, row.longest_run_max) == (24, 24, 13, 8)
    assert (row.n_crossings, row.n_crossings_min, bool(row.runs_signal)) == (4, 8, True)
    assert round(row.cl, 6) == 1.057091
    assert (round(row.lcl, 6), round(row.ucl, 6)) == (-2.114884, 4.229067)
    assert (round(row.lcl_95, 6), round(row.ucl_95, 6)) == (-1.057559, 3.171742)


def test_vignette_cdi_statements() -> None:
    cdi = read_input("cdi")
    frozen = qic(cdi["n"], x=dates(cdi["month"]), freeze=24)
    assert frozen.summary.loc[0, "cl"] == 19
    assert frozen.summary.loc[0, "longest_run"] == 15
    phases = qic(cdi["n"], x=dates(cdi["month"]), chart="c", part=24).summary
    assert (round(phases.loc[0, "cl"]), round(phases.loc[1, "cl"])) == (19, 7)
    assert (round(phases.loc[1, "lcl"]), round(phases.loc[1, "ucl"])) == (0, 15)


def test_vignette_cabg_deaths_24_and_25_far_apart() -> None:
    cabg = read_input("cabg_fatalities_derived")
    g = qic(cabg["dd"], chart="g").points
    assert g.loc[24, "sigma_signal"]  # the gap between deaths 24 and 25 is above the UCL


def test_anhoej_critical_values_table() -> None:
    table = read_expected("expected_vignette", "anhoej_critical_values_10_100")
    longest, crossings = anhoej_limits(table["n"].to_numpy())
    assert longest.tolist() == table["longest_run_max"].tolist()
    assert crossings.tolist() == table["n_crossings_min"].tolist()
