"""Pareto analysis: counts, shares, the vital few, and the chart."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from icp_helpers.charts.pareto import pareto

INCIDENTS = {
    "Omitted dose": 52,
    "Wrong dose": 31,
    "Wrong time": 18,
    "Wrong patient": 9,
    "Wrong route": 6,
    "Other": 4,
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_table_from_counts():
    res = pareto(INCIDENTS)
    table = res.table
    assert list(table.columns) == [
        "category",
        "count",
        "percent",
        "cumulative_percent",
        "vital_few",
    ]
    assert table["category"].tolist() == list(INCIDENTS)  # already in descending order
    assert table["percent"].sum() == pytest.approx(1.0)
    assert table["cumulative_percent"].iloc[-1] == pytest.approx(1.0)
    assert table["percent"].iloc[0] == pytest.approx(52 / 120)
    np.testing.assert_allclose(table["cumulative_percent"], np.cumsum(table["count"]) / 120)


def test_vital_few_reach_the_cutoff_and_no_more():
    # cumulative: 43.3%, 69.2%, 84.2%, 91.7%, ...; the third category crosses 80%
    res = pareto(INCIDENTS)
    assert res.vital_few == ["Omitted dose", "Wrong dose", "Wrong time"]
    assert pareto(INCIDENTS, cutoff=0.5).vital_few == ["Omitted dose", "Wrong dose"]
    assert pareto(INCIDENTS, cutoff=1.0).vital_few == list(INCIDENTS)
    # exactly at the cut-off: the category that brings the total to 80% is the last one
    exact = pareto({"a": 50, "b": 30, "c": 20})
    assert exact.vital_few == ["a", "b"]


def test_counts_raw_categories_and_breaks_ties_by_name():
    events = ["falls", "sepsis", "falls", "delay", "sepsis", "falls", None]
    res = pareto(pd.Series(events, name="incident"))
    assert res.table[["category", "count"]].values.tolist() == [
        ["falls", 3],
        ["sepsis", 2],
        ["delay", 1],
    ]
    assert res.xlab == "incident"
    tie = pareto(["b", "a", "c", "a", "b", "c"])
    assert tie.table["category"].tolist() == ["a", "b", "c"]


def test_dataframe_with_count_column_sums_repeats():
    df = pd.DataFrame(
        {"reason": ["Late", "Lost", "Late", "Broken"], "n": [5, 3, 4, 1], "ward": list("ABCD")}
    )
    res = pareto(df, category="reason", count="n")
    assert dict(zip(res.table["category"], res.table["count"], strict=True)) == {
        "Late": 9,
        "Lost": 3,
        "Broken": 1,
    }
    rows = pareto(df, category="ward")
    assert rows.table["count"].tolist() == [1, 1, 1, 1]
    two_lists = pareto(category=["x", "y", "x"], count=[1, 5, 2])
    assert two_lists.table["category"].tolist() == ["y", "x"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"data": pd.DataFrame({"a": [1]}), "category": "reason"}, "available columns: \\['a'\\]"),
        ({"data": {"a": -1, "b": 3}}, "negative"),
        ({"data": {"a": 0}}, "nothing to count"),
        ({"data": {"a": 1}, "cutoff": 80}, "fraction between 0 and 1"),
        (
            {"data": pd.DataFrame({"r": ["a"], "n": ["many"]}), "category": "r", "count": "n"},
            "must be numbers",
        ),  # fmt: skip
        ({"category": ["a", "b"], "count": [1]}, "2 values but count has 1"),
        ({}, "Give the categories"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pareto(**kwargs)


def test_chart_has_bars_cumulative_line_and_cutoff():
    res = pareto(INCIDENTS, title="Medication incidents")
    ax = res.plot()
    assert [bar.get_height() for bar in ax.patches] == list(INCIDENTS.values())
    right = ax.right_ax
    assert right.get_ylim() == (0, 100)
    (cumulative,) = [ln for ln in right.lines if ln.get_gid() == "cumulative"]
    np.testing.assert_allclose(cumulative.get_ydata(), res.table["cumulative_percent"] * 100)
    (cutoff,) = [ln for ln in right.lines if ln.get_gid() == "cutoff"]
    assert set(cutoff.get_ydata()) == {80.0}
    assert "80% cut-off" in [t.get_text() for t in right.texts]
    (boundary,) = [ln for ln in ax.lines if ln.get_gid() == "vital"]
    assert boundary.get_xdata()[0] == pytest.approx(2.5)
    # vital few and the rest differ by hatch, not colour alone
    hatches = [bar.get_hatch() or "" for bar in ax.patches[: len(INCIDENTS)]]
    assert hatches[:3] == ["", "", ""] and all(h for h in hatches[3:])
    assert ax.get_title(loc="left") == "Medication incidents"
    assert ax.get_ylabel() == "Count" and right.get_ylabel() == "Cumulative percentage"


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_save_writes_the_file_and_leaves_no_temporary_files(tmp_path, suffix, magic):
    path = tmp_path / f"pareto{suffix}"
    pareto(INCIDENTS).save(path)
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
