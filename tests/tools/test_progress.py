"""Tests for icp_helpers.progress: the scale, scores, suggestions and stuck projects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_helpers.pdsa import FieldError
from icp_helpers.progress import (
    IMPROVEMENT_LEVELS,
    LEVELS,
    PROGRESS_SCALE,
    ProgressScore,
    find_stuck_projects,
    read_score_history,
    scale_table,
    suggest_score,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"
FULL = {"charter": True, "team": True, "planning": True, "activity": True}


def history() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "progress_directorate_scores.csv")


def test_scale_table_lists_the_ten_levels():
    table = scale_table()
    assert table["score"].tolist() == list(LEVELS)
    assert table["label"].tolist() == [level.label for level in PROGRESS_SCALE]


def test_scale_matches_the_reference_labels():
    assert LEVELS == (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
    assert [level.label for level in PROGRESS_SCALE] == [
        "Intent to participate",
        "Charter and team established",
        "Planning begun",
        "Activity but no changes",
        "Changes tested, no improvement yet",
        "Modest improvement",
        "Improvement",
        "Significant improvement",
        "Sustainable improvement",
        "Outstanding sustainable results",
    ]
    assert all(level.definition.endswith(".") for level in PROGRESS_SCALE)


@pytest.mark.parametrize("value", [0.5, 1, "2.5", 5.0, "5"])
def test_scores_on_the_scale_are_accepted(value):
    assert ProgressScore(value).value == float(value)


@pytest.mark.parametrize("value", [0, 0.25, 2.3, 5.5, -1, float("nan"), "high", None, True])
def test_scores_off_the_scale_are_refused(value):
    with pytest.raises(FieldError, match="score"):
        ProgressScore(value)


def test_score_describes_itself_and_orders():
    score = ProgressScore(3.5)
    assert str(score) == "3.5 Improvement"
    assert score.definition.startswith("A signal of improvement")
    assert ProgressScore(2.5) < ProgressScore(3.0)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ({}, 0.5),
        ({"charter": True}, 0.5),
        ({"charter": True, "team": True}, 1.0),
        ({"charter": True, "team": True, "planning": True}, 1.5),
        ({**FULL}, 2.0),
        ({**FULL, "changes_tested": 3}, 2.5),
        ({**FULL, "changes_tested": 0}, 2.0),
        ({**FULL, "changes_tested": True, "improvement": "modest"}, 3.0),
        ({**FULL, "changes_tested": True, "improvement": "improvement"}, 3.5),
        ({**FULL, "changes_tested": True, "improvement": "significant"}, 4.0),
        (
            {**FULL, "changes_tested": True, "improvement": "significant", "sustained_months": 3},
            4.5,
        ),
        (
            {**FULL, "changes_tested": True, "improvement": "significant", "sustained_months": 6},
            4.5,
        ),
        (
            {
                **FULL,
                "changes_tested": True,
                "improvement": "significant",
                "sustained_months": 6,
                "aim_met": True,
            },
            5.0,
        ),
        ({"charter": True, "team": True, "changes_tested": True}, 2.5),
        ({"changes_tested": True, "improvement": "significant"}, 0.5),
        ({"charter": True, "team": True, "improvement": "modest"}, 1.0),
    ],
)
def test_suggestions_follow_the_scale(evidence, expected):
    assert suggest_score(evidence).score.value == expected


def test_reasons_explain_the_suggestion():
    result = suggest_score({"charter": True, "team": True, "improvement": "modest"})
    assert result.reasons == (
        "0.5: the team intends to take part.",
        "1.0: a charter and a team are in place.",
        "Not 1.5 yet: planning (aim, measures, driver diagram) has not begun.",
    )
    blocked = suggest_score({"changes_tested": True, "improvement": "significant"})
    assert blocked.reasons[-1] == "Agree a charter with the sponsor so the work can be scored."


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ({"charter": "yes"}, "charter must be True or False"),
        ({"improvment": "modest"}, "did you mean 'improvement'"),
        ({"improvement": "lots"}, "improvement must be one of none, modest"),
        ({"sustained_months": -1}, "sustained_months must be a whole number"),
        ({"sustained_months": 2.5}, "sustained_months must be a whole number"),
        ({"changes_tested": -2}, "changes_tested must be True/False or a count"),
        (["charter"], "evidence must be a dict"),
    ],
)
def test_bad_evidence_is_refused(evidence, words):
    with pytest.raises(FieldError) as caught:
        suggest_score(evidence)
    assert words in str(caught.value)


_evidence = st.fixed_dictionaries(
    {},
    optional={
        "charter": st.booleans(),
        "team": st.booleans(),
        "planning": st.booleans(),
        "activity": st.booleans(),
        "changes_tested": st.one_of(st.booleans(), st.integers(0, 20)),
        "improvement": st.sampled_from(IMPROVEMENT_LEVELS),
        "sustained_months": st.integers(0, 36),
        "aim_met": st.booleans(),
    },
)


@settings(max_examples=200, deadline=None)
@given(evidence=_evidence)
def test_suggestion_is_always_a_level_with_reasons(evidence):
    result = suggest_score(evidence)
    assert result.score.value in LEVELS
    assert result.reasons[0] == "0.5: the team intends to take part."
    reached = [r for r in result.reasons if r[0].isdigit()]
    assert float(reached[-1].split(":")[0]) == result.score.value


@settings(max_examples=100, deadline=None)
@given(evidence=_evidence, extra=st.sampled_from(["planning", "activity", "aim_met"]))
def test_more_evidence_never_lowers_the_suggestion(evidence, extra):
    more = {**evidence, extra: True}
    assert suggest_score(more).score >= suggest_score(evidence).score


# --- stuck projects ------------------------------------------------------------------------


def test_stuck_projects_in_the_directorate_fixture():
    stuck = find_stuck_projects(history())
    assert stuck["project"].tolist() == [
        "Cedar ward: fewer falls",
        "Memory service: referral to assessment",
    ]
    assert stuck["months_at_level"].tolist() == [7, 3]
    assert stuck["since"].astype(str).tolist() == ["2024-03", "2024-07"]
    assert stuck["latest_month"].astype(str).tolist() == ["2024-09", "2024-09"]


def test_stuck_at_another_level_and_longer_threshold():
    assert find_stuck_projects(history(), level=2.0, months=3)["project"].tolist() == [
        "Early intervention: physical health checks"
    ]
    assert find_stuck_projects(history(), months=4)["project"].tolist() == [
        "Cedar ward: fewer falls"
    ]
    # Oak ward dropped back to 2.5 two months ago: not yet stuck by the three-month rule.
    assert "Oak ward: restraint reduction" not in find_stuck_projects(history())["project"].tolist()


def test_blank_score_cell_is_named():
    table = history()
    table.loc[4, "score"] = float("nan")
    with pytest.raises(FieldError, match="row 5: score is empty; give a score on the scale"):
        find_stuck_projects(table)


def test_gap_months_count_as_held():
    gaps = pd.DataFrame(
        {"project": ["Oak"] * 2, "month": ["2024-01", "2024-03"], "score": [2.5, 2.5]}
    )
    assert find_stuck_projects(gaps)["months_at_level"].tolist() == [3]


@pytest.mark.parametrize(
    ("table", "kwargs", "words"),
    [
        (
            pd.DataFrame({"project": ["A"], "month": ["2024-01"]}),
            {},
            "history has no column 'score'",
        ),
        (pd.DataFrame({"project": ["A"], "month": ["Jan"], "score": [2.5]}), {}, "month 'Jan'"),
        (
            pd.DataFrame({"project": ["A"], "month": ["2024-01"], "score": [2.7]}),
            {},
            "row 1: score",
        ),
        (
            pd.DataFrame({"project": [None], "month": ["2024-01"], "score": [2.5]}),
            {},
            "row 1: project",
        ),
        (
            pd.DataFrame(
                {"project": ["A", "A"], "month": ["2024-01", "2024-01-15"], "score": [2.5, 3]}
            ),
            {},
            "more than one score for 2024-01",
        ),
        (
            pd.DataFrame({"project": ["A"], "month": ["2024-01"], "score": [2.5]}),
            {"months": 0},
            "months must",
        ),
        (
            pd.DataFrame({"project": ["A"], "month": ["2024-01"], "score": [2.5]}),
            {"level": 2.2},
            "level 2.2",
        ),
        ([("A", "2024-01", 2.5)], {}, "history must be a pandas DataFrame"),
    ],
)
def test_bad_history_is_refused(table, kwargs, words):
    with pytest.raises(FieldError) as caught:
        find_stuck_projects(table, **kwargs)
    assert words in str(caught.value)


def test_history_accepts_dates_and_periods_and_custom_columns():
    table = pd.DataFrame(
        {
            "Team": ["Crisis", "Crisis"],
            "Period": [pd.Timestamp("2024-05-31"), pd.Period("2024-04", freq="M")],
            "Score": [3.0, 2.5],
        }
    )
    clean = read_score_history(table, project="Team", month="Period", score="Score")
    assert clean["month"].astype(str).tolist() == ["2024-04", "2024-05"]
    assert clean["score"].tolist() == [2.5, 3.0]


_histories = st.lists(
    st.tuples(
        st.sampled_from(["Willow", "Cedar", "Oak"]), st.integers(0, 11), st.sampled_from(LEVELS)
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=150, deadline=None)
@given(rows=_histories, months=st.integers(1, 8), level=st.sampled_from([2.0, 2.5, 3.0]))
def test_stuck_detection_is_monotone_in_months(rows, months, level):
    table = pd.DataFrame(
        [(p, str(pd.Period("2024-01", freq="M") + m), s) for p, m, s in rows],
        columns=["project", "month", "score"],
    )
    fewer = set(find_stuck_projects(table, level=level, months=months)["project"])
    more = set(find_stuck_projects(table, level=level, months=months + 1)["project"])
    assert more <= fewer
    everyone = set(find_stuck_projects(table, level=level, months=1)["project"])
    latest = table.sort_values("month").groupby("project")["score"].last()
    assert everyone == set(latest[latest == level].index)


def test_a_numpy_score_or_count_in_a_message_reads_as_a_plain_number():
    import numpy as np

    with pytest.raises(FieldError) as failure:
        ProgressScore(np.float64(3.1))
    assert "score 3.1 is not on the progress scale" in str(failure.value)
    with pytest.raises(FieldError) as failure:
        suggest_score({"sustained_months": np.int64(-2)})
    assert str(failure.value).endswith("0 or more, not -2")
