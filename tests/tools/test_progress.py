"""Tests for icp_helpers.progress: the scale, scores, suggestions and stuck projects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_helpers.pdsa import FieldError
from icp_helpers.progress import (
    LEVELS,
    PROGRESS_SCALE,
    RESULTS_FOR,
    ProgressScore,
    find_stuck_projects,
    read_score_history,
    scale_table,
    suggest_score,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"
#: Evidence that reaches 2.5 (changes tested, nothing improved yet).
TESTED = {"charter": True, "team": True, "planning": True, "activity": True, "changes_tested": 3}
#: Evidence that reaches 3.0: successful small-scale tests and about a fifth of the results.
MODEST = {**TESTED, "successful_tests": True, "results_achieved": 0.2}
#: Evidence that reaches 4.0.
SIGNIFICANT = {
    **MODEST,
    "measures_improved": True,
    "results_achieved": 0.5,
    "implementation_begun": True,
}


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


@pytest.mark.parametrize(
    ("score", "words"),
    [
        # The published definitions (IHI's assessment scale), in the course's words.
        (0.5, ["no charter", "no team"]),
        (1.0, ["charter", "reviewed", "no project work"]),
        (1.5, ["resources", "where to start", "meetings"]),
        (2.0, ["baseline data", "studying the process", "no change has been tested"]),
        (2.5, ["testing changes have begun", "measure", "chart with its target"]),
        (3.0, ["tested successfully", "small scale", "anecdotal", "a fifth"]),
        (3.5, ["implementation continue", "further improvement", "goals"]),
        (4.0, ["main parts of the system", "training, communication", "half or more"]),
        (4.5, ["data on the key measures", "sustained"]),
        (5.0, ["implementation is complete", "every goal", "permanent"]),
    ],
)
def test_each_definition_says_what_the_published_scale_says(score, words):
    definition = ProgressScore(score).definition.lower()
    for word in words:
        assert word in definition, (score, word)


@pytest.mark.parametrize("score", LEVELS)
def test_no_definition_makes_a_chart_signal_the_scale(score):
    # The scale is about progress towards the goals; a signal is one kind of evidence.
    assert "signal" not in ProgressScore(score).definition


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
    assert score.definition.startswith("Testing and implementation continue")
    assert ProgressScore(2.5) < ProgressScore(3.0)


# One pair of cases per level: just enough evidence for it, and one piece short of it.
@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ({}, 0.5),
        ({"charter": True}, 0.5),
        ({"charter": True, "team": True}, 1.0),
        ({"charter": True, "team": True, "planning": True}, 1.5),
        ({"charter": True, "team": True, "planning": True, "activity": True}, 2.0),
        ({**TESTED, "changes_tested": 0}, 2.0),
        (TESTED, 2.5),
        ({"charter": True, "team": True, "changes_tested": True}, 2.5),
        # 3.0: successful tests in small-scale use AND about a fifth of the results.
        (MODEST, 3.0),
        ({**MODEST, "successful_tests": False}, 2.5),
        ({**MODEST, "results_achieved": 0.1}, 2.5),
        ({"charter": True, "team": True, "successful_tests": True, "results_achieved": 0.2}, 3.0),
        # 3.5: further improvement in the measures; a share of the results alone is not it.
        ({**MODEST, "measures_improved": True}, 3.5),
        ({**MODEST, "results_achieved": 0.45}, 3.0),
        # 4.0: half the goals AND implementation begun across the project.
        (SIGNIFICANT, 4.0),
        ({**SIGNIFICANT, "results_achieved": 0.45}, 3.5),
        ({**SIGNIFICANT, "implementation_begun": False}, 3.5),
        ({**SIGNIFICANT, "measures_improved": False}, 3.0),
        # 4.5: the data show the impact sustained.
        ({**SIGNIFICANT, "sustained": True}, 4.5),
        # 5.0: every goal reached AND the changes made permanent.
        ({**SIGNIFICANT, "sustained": True, "results_achieved": 1, "changes_permanent": True}, 5.0),
        (
            {**SIGNIFICANT, "sustained": True, "results_achieved": 0.9, "changes_permanent": True},
            4.5,
        ),
        ({**SIGNIFICANT, "sustained": True, "results_achieved": 1.0}, 4.5),
        ({**SIGNIFICANT, "results_achieved": 1, "changes_permanent": True}, 4.0),
        # Nothing counts without a charter and a team.
        ({"successful_tests": True, "measures_improved": True, "results_achieved": 1}, 0.5),
        ({"charter": True, "team": True, "measures_improved": True}, 1.0),
    ],
)
def test_suggestions_follow_the_published_definitions(evidence, expected):
    assert suggest_score(evidence).score.value == expected


def test_the_share_of_results_thresholds_are_a_fifth_a_half_and_all():
    assert RESULTS_FOR == {3.0: 0.2, 4.0: 0.5, 5.0: 1.0}


def test_reasons_explain_the_suggestion():
    result = suggest_score({"charter": True, "team": True, "measures_improved": True})
    assert result.reasons == (
        "0.5: the project has been chosen.",
        "1.0: a charter and a team are in place.",
        "Not 1.5 yet: planning (resources, where to start, meetings) has not begun.",
    )
    blocked = suggest_score({"successful_tests": True, "results_achieved": 0.5})
    assert blocked.reasons[-1] == "Complete a charter with the sponsor so the work can be scored."
    short = suggest_score({**MODEST, "results_achieved": 0.1})
    assert short.reasons[-1] == (
        "Not 3.0 yet: 10% of the expected results are achieved, less than about a fifth."
    )
    four = suggest_score({**SIGNIFICANT, "implementation_begun": False})
    assert four.reasons[-1] == (
        "Not 4.0 yet: implementation (training, communication) has not begun across the project."
    )
    five = suggest_score({**SIGNIFICANT, "sustained": True, "results_achieved": 1})
    assert five.reasons[-1] == (
        "Not 5.0 yet: the changes have not yet been made permanent in the organisation."
    )


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ({"charter": "yes"}, "charter must be True or False"),
        ({"sucessful_tests": True}, "did you mean 'successful_tests'"),
        (
            {"results_achieved": 20},
            "results_achieved must be a share from 0 to 1, not 20 (for 20%, write 0.2)",
        ),
        ({"results_achieved": -0.1}, "results_achieved must be a share from 0 to 1"),
        ({"results_achieved": "half"}, "results_achieved must be a share from 0 to 1 of"),
        ({"results_achieved": True}, "results_achieved must be a share"),
        ({"sustained": 3}, "sustained must be True or False"),
        ({"changes_tested": -2}, "changes_tested must be True/False or a count"),
        (
            {"improvement": "modest"},
            "'improvement' is not part of the progress scale; give measures_improved",
        ),
        ({"sustained_months": 6}, "give sustained=True/False"),
        ({"aim_met": True}, "give results_achieved=1 and changes_permanent=True"),
        (["charter"], "evidence must be a dict"),
    ],
)
def test_bad_evidence_is_refused(evidence, words):
    with pytest.raises(FieldError) as caught:
        suggest_score(evidence)
    assert words in str(caught.value)


_FLAG_NAMES = [
    "charter",
    "team",
    "planning",
    "activity",
    "successful_tests",
    "measures_improved",
    "implementation_begun",
    "sustained",
    "changes_permanent",
]
_evidence = st.fixed_dictionaries(
    {},
    optional={
        **{flag: st.booleans() for flag in _FLAG_NAMES},
        "changes_tested": st.one_of(st.booleans(), st.integers(0, 20)),
        "results_achieved": st.floats(0, 1),
    },
)


@settings(max_examples=200, deadline=None)
@given(evidence=_evidence)
def test_suggestion_is_always_a_level_with_reasons(evidence):
    result = suggest_score(evidence)
    assert result.score.value in LEVELS
    assert result.reasons[0] == "0.5: the project has been chosen."
    reached = [r for r in result.reasons if r[0].isdigit()]
    assert float(reached[-1].split(":")[0]) == result.score.value


@settings(max_examples=100, deadline=None)
@given(evidence=_evidence, extra=st.sampled_from(_FLAG_NAMES), more_results=st.floats(0, 1))
def test_more_evidence_never_lowers_the_suggestion(evidence, extra, more_results):
    more = {
        **evidence,
        extra: True,
        "results_achieved": max(more_results, evidence.get("results_achieved", 0.0)),
    }
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
        suggest_score({"results_achieved": np.float64(-2.0)})
    assert "share from 0 to 1, not -2" in str(failure.value)
