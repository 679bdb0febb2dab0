"""Every adversarial or broken submission is graded, flagged or zeroed, and the batch finishes.

The corpus (tests/fixtures/grading/adversarial.yml) covers tampering with the test
machinery, runaway and dying notebooks, and broken files. For each entry: the reported
outcome is right; no test cell it did not earn scores marks without being flagged for
manual grading; test cells it did earn still score full marks.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from icp_helpers.grading import grade_submissions
from icp_helpers.grading.course_config import load_course
from icp_helpers.grading.record import read_gradebook

from ..conftest import build_once
from .conftest import ASSIGNMENT, corpus_entries

pytestmark = pytest.mark.slow

ENTRIES = corpus_entries()


@pytest.fixture(scope="session")
def graded(shared_folder, corpus_course):
    """The corpus graded once per session, by whichever test worker gets here first."""

    def build(folder: Path) -> None:
        course = corpus_course(folder / "course")
        report = grade_submissions(course, ASSIGNMENT, jobs=2, timeout=10, memory_mb=512)
        loaded = load_course(course)
        rows = read_gradebook(loaded.db_url, loaded.course_id, ASSIGNMENT)
        grades = {(row["student"], row["grade_id"]): row for row in rows}
        (folder / "graded.pickle").write_bytes(pickle.dumps((report, grades)))

    folder = build_once(shared_folder / "adversarial", build)
    return pickle.loads((folder / "graded.pickle").read_bytes())


def test_the_batch_grades_every_submission(graded):
    report, _ = graded
    assert sorted(report.by_student()) == sorted(entry["name"] for entry in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry["name"])
def test_outcome_is_reported_with_a_reason(graded, entry):
    report, _ = graded
    result = report.by_student()[entry["name"]]
    assert result.outcome == entry["outcome"], result.problems
    if entry["outcome"] != "graded":
        assert result.reason


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry["name"])
def test_no_unearned_marks_without_a_flag(graded, entry):
    _, grades = graded
    for grade_id in entry.get("unearned", []):
        row = grades[(entry["name"], grade_id)]
        assert row["score"] == 0 or row["needs_manual_grade"], (grade_id, row)
    for grade_id in entry.get("earned", []):
        row = grades[(entry["name"], grade_id)]
        assert row["score"] == row["max_score"] and not row["needs_manual_grade"], (grade_id, row)


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e["outcome"] == "tampered"], ids=lambda e: e["name"]
)
def test_tampering_is_flagged_for_manual_grading_with_a_reason(graded, entry):
    report, grades = graded
    result = report.by_student()[entry["name"]]
    flagged = {flag.grade_id for flag in result.flagged}
    assert set(entry["unearned"]) <= flagged
    assert all("tampering" in flag.reason for flag in result.flagged)
    for grade_id in entry["unearned"]:
        assert grades[(entry["name"], grade_id)]["needs_manual_grade"]


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.get("file")], ids=lambda e: e["name"])
def test_unusable_files_score_zero_everywhere(graded, entry):
    _, grades = graded
    rows = [row for (student, _), row in grades.items() if student == entry["name"]]
    assert rows and all(row["score"] == 0 for row in rows)
