"""Hand marks of reflections, as the formgrader gives them: the report shows them as soon as
they are given, a resubmission with a different answer clears them (and says so), and a
reflection not yet marked reads "awaiting marking", never a zero."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from ..conftest import build_once
from .conftest import _copy_cohort, _notebook_text, _write_zip, icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
ON_TIME = (2024, 9, 26, 9, 0, 0)
LATER = (2024, 9, 26, 15, 0, 0)
HOPE = "I hope to help the falls team on ward 7 see what their data says."


def with_reflection(notebook: str, text: str) -> str:
    """The notebook ``notebook`` (JSON text) with its reflection answer set to ``text``."""
    data = json.loads(notebook)
    for cell in data["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "reflection":
            cell["source"] = text
    return json.dumps(data)


def mark(folder, trainee: str, score: float | None, comment: str | None = None) -> None:
    """Mark ``trainee``'s reflection as nbgrader's formgrader does (its grade and comment API)."""
    with folder.gradebook() as gradebook:
        grade = gradebook.find_grade("reflection", "getting-started", ASSIGNMENT, trainee)
        grade.manual_score = score
        grade.extra_credit = None
        grade.needs_manual_grade = score is None and grade.auto_score is None
        found = gradebook.find_comment("reflection", "getting-started", ASSIGNMENT, trainee)
        found.manual_comment = comment
        gradebook.db.commit()


def reflection_mark(folder, trainee: str) -> tuple:
    with folder.gradebook() as gradebook:
        grade = gradebook.find_grade("reflection", "getting-started", ASSIGNMENT, trainee)
        found = gradebook.find_comment("reflection", "getting-started", ASSIGNMENT, trainee)
        return grade.manual_score, found.manual_comment, grade.needs_manual_grade


@pytest.fixture(scope="session")
def graded_template(shared_folder, released_template) -> Path:
    """t01 and t02 complete with a reflection, t03 untouched, t04 nothing; graded by icp.
    Built once per session (see ``build_once``) and copied per test."""

    def build(folder: Path) -> None:
        cohort = _copy_cohort(released_template, folder)
        complete = with_reflection(_notebook_text(), HOPE)
        mail = _write_zip(
            folder / "mail.zip",
            [
                (f"t01_{NOTEBOOK}", complete, ON_TIME),
                (f"t02_{NOTEBOOK}", complete, ON_TIME),
                (f"t03_{NOTEBOOK}", _notebook_text("blank"), ON_TIME),
            ],
        )
        collected = icp(cohort, "collect", "10", ASSIGNMENT, "--zip", str(mail))
        assert collected.returncode == 0, collected.stdout + collected.stderr
        done = icp(cohort, "grade", "10", ASSIGNMENT, "--jobs", "2")
        assert done.returncode == 0, done.stdout + done.stderr

    return build_once(shared_folder / "cohort-graded-marking", build) / released_template.name


@pytest.fixture
def graded(graded_template, tmp_path):
    """A copy of :func:`graded_template` of this test's own."""
    return _copy_cohort(graded_template, tmp_path / "cohorts")


def progress_rows(folder) -> dict[str, dict]:
    with (folder.root / "reports" / "progress.csv").open(encoding="utf-8-sig") as handle:
        return {row["trainee"]: row for row in csv.DictReader(handle)}


def grades_rows(folder) -> dict[str, dict]:
    with (folder.root / "reports" / "grades.csv").open(encoding="utf-8-sig") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_the_report_shows_a_mark_as_soon_as_it_is_given(graded):
    assert icp(graded, "report", "10").returncode == 0
    assert float(progress_rows(graded)["t01"]["score"]) == 10.0
    mark(graded, "t01", 2.0, "Specific and personal.")
    made = icp(graded, "report", "10")  # no icp grade in between
    assert made.returncode == 0, made.stderr
    rows = progress_rows(graded)
    assert float(rows["t01"]["score"]) == 12.0 and float(rows["t01"]["max_score"]) == 13.0
    assert float(grades_rows(graded)["t01"]["score"]) == 12.0
    page = (graded.root / "reports" / "dashboard.html").read_text(encoding="utf-8")
    assert ">12/13<" in page


def test_unmarked_reflections_read_awaiting_marking_not_zero(graded):
    fed = icp(graded, "feedback", "10", ASSIGNMENT)
    assert fed.returncode == 0, fed.stderr
    page = (graded.root / "feedback" / "t01" / ASSIGNMENT / "getting-started.html").read_text()
    assert "Score: 0.0 / 3.0" not in page
    assert "Score: 10 / 13 so far, 3 marks awaiting marking" in page
    assert re.search(r'href="#reflection">Written response</a> \(awaiting marking, 3 marks\)', page)
    assert "Awaiting marking (3 marks)" in page
    assert icp(graded, "report", "10").returncode == 0
    rows = progress_rows(graded)
    assert float(rows["t01"]["awaiting_marking"]) == 3.0
    assert grades_rows(graded)["t01"]["marking"] == "3 marks awaiting marking"
    assert grades_rows(graded)["t04"]["marking"] == "no submission"
    page = (graded.root / "reports" / "dashboard.html").read_text(encoding="utf-8")
    assert ">10/13 so far, 3 awaiting marking<" in page
    mark(graded, "t01", 3.0)
    assert icp(graded, "feedback", "10", ASSIGNMENT).returncode == 0
    page = (graded.root / "feedback" / "t01" / ASSIGNMENT / "getting-started.html").read_text()
    assert "awaiting marking" not in page and "Score: 13.0 / 13.0" in page
    assert icp(graded, "report", "10").returncode == 0
    assert grades_rows(graded)["t01"]["marking"] == "marked"
    assert float(progress_rows(graded)["t01"]["awaiting_marking"]) == 0.0


def test_a_resubmitted_answer_clears_its_old_mark_and_says_who_to_re_mark(
    graded, tmp_path, notebook_text, write_zip
):
    mark(graded, "t01", 3.0, "A clear hope.")
    mark(graded, "t02", 2.0, "Good.")
    mail = write_zip(
        tmp_path / "again.zip",
        [
            # t01 rewrites the reflection; t02 corrects code but keeps the same reflection
            (f"t01_{NOTEBOOK}", with_reflection(notebook_text(), "Something else."), LATER),
            (
                f"t02_{NOTEBOOK}",
                with_reflection(notebook_text(answer="weekly_total = len(daily_incidents)"), HOPE),
                LATER,
            ),
        ],
    )
    assert icp(graded, "collect", "10", ASSIGNMENT, "--zip", str(mail)).returncode == 0
    done = icp(graded, "grade", "10", ASSIGNMENT, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert reflection_mark(graded, "t01") == (None, None, True)
    assert reflection_mark(graded, "t02") == (2.0, "Good.", False)
    assert "Needs re-marking (the answer changed since it was marked): t01" in done.stdout
    assert "t02" not in done.stdout.split("Needs re-marking")[1]
    assert icp(graded, "report", "10").returncode == 0
    rows = progress_rows(graded)
    assert rows["t01"]["needs_remarking"] == "reflection" and rows["t02"]["needs_remarking"] == ""
    page = (graded.root / "reports" / "dashboard.html").read_text(encoding="utf-8")
    section = page[page.index("Needs re-marking") :]
    assert "<td>t01</td>" in section and "<td>t02</td>" not in section
    made = icp(graded, "report", "10")
    assert "Needs re-marking (the answer changed since it was marked): t01" in made.stdout
    mark(graded, "t01", 1.0)  # re-marked: no longer listed
    made = icp(graded, "report", "10")
    assert "re-marking" not in made.stdout
    assert progress_rows(graded)["t01"]["needs_remarking"] == ""
    again = icp(graded, "grade", "10", ASSIGNMENT)  # unchanged: nothing to re-mark
    assert "re-marking" not in again.stdout and reflection_mark(graded, "t01")[0] == 1.0
