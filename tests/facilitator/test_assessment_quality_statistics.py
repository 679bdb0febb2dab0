"""The assessment-quality statistics against a worked example done by hand and against
scipy.stats.pointbiserialr (no nbgrader here; the end-to-end test is in
test_assessment_quality.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from icp_helpers.facilitator.assessment_quality import (
    assessment_quality,
    difficulty,
    discrimination,
    measures_nothing,
)

from .conftest import point_biserial

# Six trainees, a one-mark exercise and the rest of the assignment (worked by hand):
# those who scored (1, 1, 1) average 4 on the rest, those who did not (0, 0, 0) average 2;
# the rest's deviations from its mean of 3 are 2, 1, 0, 0, -1, -2, so its (population)
# standard deviation is sqrt(10/6); p = q = 1/2, so r = (4 - 2) / sqrt(10/6) * sqrt(1/4)
# = sqrt(0.6) = 0.7746 (and by Pearson: 3 / sqrt(1.5 * 10) = 0.7746).
EXERCISE = [1, 1, 1, 0, 0, 0]
REST = [5, 4, 3, 3, 2, 1]


def test_difficulty_is_the_share_of_available_marks_scored():
    assert difficulty(EXERCISE, [1] * 6) == 0.5
    assert difficulty([2, 1, 0, 2], [2, 2, 2, 2]) == pytest.approx(5 / 8)


def test_discrimination_of_the_worked_example():
    found = discrimination(EXERCISE, REST)
    assert found.value == pytest.approx(math.sqrt(0.6))
    assert found.text() == "0.77"
    assert found.value == pytest.approx(point_biserial(EXERCISE, REST))


@pytest.mark.parametrize(
    "exercise, rest",
    [
        ([1, 0, 1, 1, 0, 0, 1], [9, 3, 7, 4, 5, 2, 8]),
        ([0, 0, 1, 0, 1], [2.5, 4, 1, 3, 0.5]),  # negative: the weaker trainees score
        ([2, 1, 0, 2, 1, 0, 2, 2], [10, 6, 1, 9, 7, 2, 3, 8]),  # partial credit
    ],
)
def test_discrimination_agrees_with_scipy(exercise, rest):
    assert discrimination(exercise, rest).value == pytest.approx(
        point_biserial(exercise, rest), abs=1e-12
    )


@pytest.mark.parametrize(
    "exercise, rest, why",
    [
        ([1, 0, 1, 0], [4, 3, 2, 1], "fewer than 5 trainees (4)"),
        ([1, 1, 1, 1, 1], [4, 3, 2, 1, 0], "everyone scored the same on it"),
        ([1, 0, 1, 0, 1], [3, 3, 3, 3, 3], "everyone scored the same on the rest"),
    ],
)
def test_undefined_discrimination_says_why(exercise, rest, why):
    found = discrimination(exercise, rest)
    assert found.value is None and why in found.why_not
    assert found.text() == f"n/a: {found.why_not}"


def test_what_measures_nothing():
    full, zero = [1] * 5, [0] * 5
    rest = [4, 3, 2, 1, 0]
    assert measures_nothing(full, [1] * 5, discrimination(full, rest)) == (
        "everyone scored full marks"
    )
    assert measures_nothing(zero, [1] * 5, discrimination(zero, rest)) == "no one scored"
    weak = [1, 0, 1, 0, 1]  # scored by the trainees at 4, 2 and 0 on the rest: r = 0
    assert discrimination(weak, rest).value == pytest.approx(0)
    assert "below 0.2" in measures_nothing(weak, [1] * 5, discrimination(weak, rest))
    assert measures_nothing(EXERCISE, [1] * 6, discrimination(EXERCISE, REST)) == ""
    few = [1, 1, 1]  # too few to judge: not flagged
    assert measures_nothing(few, [1] * 3, discrimination(few, [1, 2, 3])) == ""


def _cells(cohort: str, scores: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "cohort": cohort,
                "trainee": trainee,
                "assignment": "00-a",
                "grade_id": grade_id,
                "autograded": grade_id != "reflection",
                "score": score,
                "max_score": 3.0 if grade_id == "reflection" else 1.0,
            }
            for trainee, by_cell in scores.items()
            for grade_id, score in by_cell.items()
        ]
    )


def test_the_table_per_cohort_and_across_cohorts():
    # ex1 is the worked example's exercise; ex2 and ex3 make up the rest (5, 4, 3, 3, 2, 1
    # is not possible with two one-mark cells, so the rest here is ex2 + ex3)
    scores = {
        f"t0{n}": {"ex1": e1, "ex2": e2, "ex3": 1.0, "reflection": 3.0}
        for n, (e1, e2) in enumerate([(1, 1), (1, 1), (1, 0), (0, 1), (0, 0), (0, 0)], 1)
    }
    cells = {"9": _cells("9", scores), "10": _cells("10", scores)}
    table = assessment_quality(cells, {("00-a", "ex1"): "add up a list"})
    assert set(table["grade_id"]) == {"ex1", "ex2", "ex3"}  # no reflection: marked by hand
    assert list(table["cohorts"].drop_duplicates()) == ["9", "10", "9, 10"]
    ex1 = table[table["grade_id"] == "ex1"].set_index("cohorts")
    rest = [2, 2, 1, 2, 1, 1]
    assert ex1.loc["10", "discrimination"] == pytest.approx(
        point_biserial([1, 1, 1, 0, 0, 0], rest),
        abs=5e-4,  # to 3 decimals
    )
    assert ex1.loc["9, 10", "trainees"] == 12 and ex1.loc["9", "trainees"] == 6
    assert ex1.loc["10", "assesses"] == "add up a list"
    assert ex1.loc["10", "difficulty"] == 0.5
    ex3 = table[table["grade_id"] == "ex3"].set_index("cohorts")
    assert ex3.loc["9, 10", "measures_nothing"] == "everyone scored full marks"
    assert ex3.loc["9, 10", "discrimination"] == "n/a"
    assert ex3.loc["9, 10", "why_no_discrimination"] == "everyone scored the same on it"
