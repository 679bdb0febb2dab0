"""Honest submissions score exactly what stock ``nbgrader autograde`` gives, cell by cell.

For every assignment: its solution, its unedited release and its wrong-answer fixtures
(packed a few to a notebook) are graded by stock nbgrader in one course copy and by
``grade_submissions`` in another (the session's ``trial_grading``, shared with the course
gates); every grade must agree and nothing honest may be flagged. A correct answer that
prints a Python warning is the one deliberate difference: stock nbgrader scores the test cell zero.
"""

from __future__ import annotations

import nbformat
import pytest

from icp_helpers.course.nbgrader_runner import autograde
from icp_helpers.course.release import assignment_names
from icp_helpers.grading import grade_submissions
from icp_helpers.grading.course_config import load_course
from icp_helpers.grading.record import read_gradebook

from .conftest import ROOT, corpus_entries, corpus_files, submit

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignment_names(ROOT))
def test_every_honest_submission_scores_as_stock_nbgrader(trial_grading, assignment):
    trial = trial_grading(assignment)
    honest = trial.stock[~trial.stock["student"].str.startswith("look-")]
    assert set(honest["student"]) == {"solution", "blank", *trial.packs}
    assert {key for key in trial.engine if key[0] in set(honest["student"])} == {
        (row.student, row.notebook.removesuffix(".ipynb"), row.grade_id)
        for row in honest.itertuples()
    }
    for row in honest.itertuples():
        mine = trial.engine[(row.student, row.notebook.removesuffix(".ipynb"), row.grade_id)]
        assert (mine["score"], mine["max_score"]) == (row.score, row.max_score), row
    for student in [s for s in trial.results if not s.startswith("look-")]:
        result = trial.results[student]
        assert not result.flagged and result.outcome == "graded", (student, result.problems)


def test_a_harmless_warning_costs_nothing_here_but_everything_in_stock(tmp_path, course_copy):
    entry = next(e for e in corpus_entries() if e["name"] == "harmless-warning")
    notebook = nbformat.reads(corpus_files(entry)["getting-started.ipynb"], as_version=4)
    stock_course = course_copy(tmp_path / "stock", "00-getting-started")
    stock = autograde(
        stock_course, "00-getting-started", {"warns": {"getting-started.ipynb": notebook}}
    )
    stock_ex6 = stock[stock["grade_id"] == "ex6-check"].iloc[0]
    ours_course = course_copy(tmp_path / "ours", "00-getting-started")
    submit(ours_course, "warns", corpus_files(entry))
    grade_submissions(ours_course, "00-getting-started")
    course = load_course(ours_course)
    ours = {
        r["grade_id"]: r
        for r in read_gradebook(course.db_url, course.course_id, "00-getting-started")
    }
    assert stock_ex6.score == 0
    assert ours["ex6-check"]["score"] == ours["ex6-check"]["max_score"] == 2
