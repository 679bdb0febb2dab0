"""Look-alike answers score nothing, in every assignment, even without the tamper scan.

Each fixture in tests/fixtures/grading/look_alikes.yml keeps the solution's code and then
swaps the answer for a wrong value of a subclass of the right type that claims to equal
anything. Stock ``nbgrader autograde`` (which runs no scan) must give its test cells zero:
that is the checking helpers' exact type and value comparison at work. The grading engine
gives them zero too, and also flags them for manual grading.
"""

from __future__ import annotations

import nbformat
import pytest
import yaml

from icp_helpers.course.nbgrader_runner import autograde
from icp_helpers.course.wrong_answers import load_wrong_answers, wrong_answer_submissions
from icp_helpers.grading import grade_submissions
from icp_helpers.grading.course import load_course
from icp_helpers.grading.record import read_gradebook

from .conftest import ROOT, generated_course, submit

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "grading" / "look_alikes.yml"


def _by_assignment() -> dict[str, list]:
    documents = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    assignment_of = {doc["notebook"]: doc["assignment"] for doc in documents}
    grouped: dict[str, list] = {}
    for answer in load_wrong_answers(FIXTURE):
        grouped.setdefault(assignment_of[answer.notebook], []).append(answer)
    return grouped


LOOK_ALIKES = _by_assignment()


def test_every_assignment_has_a_look_alike():
    assert sorted(LOOK_ALIKES) == sorted(p.name for p in (ROOT / "source").glob("[0-9][0-9]-*"))


@pytest.mark.parametrize("assignment", sorted(LOOK_ALIKES))
def test_look_alikes_score_nothing_in_stock_nbgrader_and_are_flagged_here(tmp_path, assignment):
    answers = LOOK_ALIKES[assignment]
    submissions = wrong_answer_submissions(ROOT / "source" / assignment, answers)
    stock = autograde(generated_course(tmp_path / "stock", assignment), assignment, submissions)
    ours_course = generated_course(tmp_path / "ours", assignment)
    for student, notebooks in submissions.items():
        files = {name: nbformat.writes(notebook) for name, notebook in notebooks.items()}
        submit(ours_course, student, files, assignment)
    report = grade_submissions(ours_course, assignment, jobs=2).by_student()
    course = load_course(ours_course)
    ours = {
        (row["student"], row["grade_id"]): row
        for row in read_gradebook(course.db_url, course.course_id, assignment)
    }
    for student, answer in zip(submissions, answers, strict=True):
        for grade_id in answer.loses:
            row = stock[(stock["student"] == student) & (stock["grade_id"] == grade_id)]
            assert len(row) == 1 and row["score"].iloc[0] == 0, (student, answer.cell, grade_id)
            assert ours[(student, grade_id)]["score"] == 0
            assert ours[(student, grade_id)]["needs_manual_grade"]
        assert report[student].outcome == "tampered"
        assert grade_id in {flag.grade_id for flag in report[student].flagged}
