"""Look-alike answers score nothing, in every assignment, even without the tamper scan.

Each fixture in tests/fixtures/grading/look_alikes.yml keeps the solution's code and then
swaps the answer for a wrong value of a subclass of the right type that claims to equal
anything. Stock ``nbgrader autograde`` (which runs no scan) must give its test cells zero:
that is the checking helpers' exact type and value comparison at work. The grading engine
gives them zero too, and also flags them for manual grading. Both gradings are the
session's ``trial_grading`` (tests/conftest.py), where look-alike number N of an assignment
is student ``look-NN``.
"""

from __future__ import annotations

import pytest

from icp_helpers.course.release import assignment_names

from ..conftest import look_alike_answers
from .conftest import ROOT

pytestmark = pytest.mark.slow

ASSIGNMENTS = assignment_names(ROOT)


def test_every_assignment_has_a_look_alike():
    assert all(look_alike_answers(assignment) for assignment in ASSIGNMENTS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_look_alikes_score_nothing_in_stock_nbgrader_and_are_flagged_here(
    trial_grading, assignment
):
    trial = trial_grading(assignment)
    stock = trial.stock
    for number, answer in enumerate(look_alike_answers(assignment), start=1):
        student = f"look-{number:02d}"
        notebook = answer.notebook.removesuffix(".ipynb")
        for grade_id in answer.loses:
            row = stock[(stock["student"] == student) & (stock["grade_id"] == grade_id)]
            assert len(row) == 1 and row["score"].iloc[0] == 0, (student, answer.cell, grade_id)
            assert trial.engine[(student, notebook, grade_id)]["score"] == 0
            assert trial.engine[(student, notebook, grade_id)]["needs_manual_grade"]
        result = trial.results[student]
        assert result.outcome == "tampered", (student, result.problems)
        assert set(answer.loses) <= {flag.grade_id for flag in result.flagged}, student
