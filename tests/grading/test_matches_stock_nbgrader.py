"""Honest submissions score exactly what stock ``nbgrader autograde`` gives, cell by cell.

For every assignment: its solution, its unedited release and every wrong-answer fixture
are graded by stock nbgrader in one course copy and by ``grade_submissions`` in another;
every grade must agree and nothing may be flagged. A correct answer that prints a Python
warning is the one deliberate difference: stock nbgrader scores the test cell zero.
"""

from __future__ import annotations

import nbformat
import pytest

from icp_helpers.course.nbgrader_runner import autograde
from icp_helpers.course.release import assignment_names
from icp_helpers.course.wrong_answers import load_wrong_answers, wrong_answer_submissions
from icp_helpers.grading import grade_submissions
from icp_helpers.grading.course import load_course
from icp_helpers.grading.record import read_gradebook

from .conftest import ROOT, corpus_entries, corpus_files, generated_course, submit

pytestmark = pytest.mark.slow


def _honest(course, assignment):
    source = ROOT / "source" / assignment
    release = course / "release" / assignment
    submissions = {
        "solution": {p.name: nbformat.read(p, as_version=4) for p in source.glob("*.ipynb")},
        "blank": {p.name: nbformat.read(p, as_version=4) for p in release.glob("*.ipynb")},
    }
    fixture = ROOT / "tests" / "fixtures" / assignment / "wrong_answers.yml"
    if fixture.exists():
        submissions.update(wrong_answer_submissions(source, load_wrong_answers(fixture)))
    return submissions


@pytest.mark.parametrize("assignment", assignment_names(ROOT))
def test_every_honest_submission_scores_as_stock_nbgrader(tmp_path, assignment):
    stock_course = generated_course(tmp_path / "stock", assignment)
    ours_course = generated_course(tmp_path / "ours", assignment)
    submissions = _honest(stock_course, assignment)
    stock = autograde(stock_course, assignment, submissions)
    for student, notebooks in submissions.items():
        submit(
            ours_course,
            student,
            {n: nbformat.writes(nb) for n, nb in notebooks.items()},
            assignment,
        )
        for item in (ROOT / "source" / assignment).iterdir():
            if item.is_file() and item.suffix != ".ipynb":
                submit(ours_course, student, {item.name: item.read_text()}, assignment)
    report = grade_submissions(ours_course, assignment, jobs=2)
    course = load_course(ours_course)
    ours = {
        (row["student"], row["notebook"], row["grade_id"]): row
        for row in read_gradebook(course.db_url, course.course_id, assignment)
    }
    assert len(ours) == len(stock) > 0
    for row in stock.itertuples():
        mine = ours[(row.student, row.notebook.removesuffix(".ipynb"), row.grade_id)]
        assert (mine["score"], mine["max_score"]) == (row.score, row.max_score), row
    assert all(not result.flagged for result in report.results)
    assert {result.outcome for result in report.results} == {"graded"}


def test_a_harmless_warning_costs_nothing_here_but_everything_in_stock(tmp_path):
    entry = next(e for e in corpus_entries() if e["name"] == "harmless-warning")
    notebook = nbformat.reads(corpus_files(entry)["getting-started.ipynb"], as_version=4)
    stock_course = generated_course(tmp_path / "stock")
    stock = autograde(
        stock_course, "00-getting-started", {"warns": {"getting-started.ipynb": notebook}}
    )
    stock_ex6 = stock[stock["grade_id"] == "ex6-check"].iloc[0]
    ours_course = generated_course(tmp_path / "ours")
    submit(ours_course, "warns", corpus_files(entry))
    grade_submissions(ours_course, "00-getting-started")
    course = load_course(ours_course)
    ours = {
        r["grade_id"]: r
        for r in read_gradebook(course.db_url, course.course_id, "00-getting-started")
    }
    assert stock_ex6.score == 0
    assert ours["ex6-check"]["score"] == ours["ex6-check"]["max_score"] == 2
