"""The course's gates, run on every assignment with real nbgrader.

1. notebooks are stored without outputs; 2. release/ is exactly what nbgrader generates
   (compared with the session's generated course of each assignment, ``course_copy``);
3. each source notebook autogrades to full marks and its unedited release to zero, and every
   wrong-answer fixture scores below full on the cells it declares, packed with answers that
   declare other cells, in the grading engine and in stock nbgrader (the session's one trial
   grading of each assignment, ``trial_grading`` in tests/conftest.py);
4. each source notebook runs top to bottom (no cell of the solution stopped with an error
   when stock nbgrader ran it in that trial);
5. ruff is clean.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from icp_helpers.course import gates
from icp_helpers.course.release import assignment_names, release_differences
from icp_helpers.course.wrong_answers import load_wrong_answers

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = assignment_names(ROOT)
FIXTURES = ROOT / "tests" / "fixtures"

pytestmark = pytest.mark.slow


def test_there_are_assignments():
    assert "00-getting-started" in ASSIGNMENTS


def test_notebooks_are_stored_without_outputs():
    assert gates.stored_outputs(gates.notebooks_in(ROOT)) == []


def test_release_holds_exactly_the_assignments():
    assert sorted(p.name for p in (ROOT / "release").iterdir()) == ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_exactly_what_nbgrader_generates(assignment, course_copy, tmp_path):
    generated = course_copy(tmp_path / "course", assignment) / "release" / assignment
    assert release_differences(ROOT / "release" / assignment, generated) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_scores_full_marks_and_blank_release_zero(assignment, trial_grading):
    grades = trial_grading(assignment).stock
    trial = grades[grades["student"].isin(["solution", "blank"])]
    assert set(trial["student"]) == {"solution", "blank"}
    assert gates.trial_problems(trial) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_top_to_bottom(assignment, trial_grading):
    """Every cell of the solution ran without an error when stock nbgrader graded it."""
    ran = trial_grading(assignment).stock_course / "autograded" / "solution" / assignment
    notebooks = sorted(ran.glob("*.ipynb"))
    assert [p.name for p in notebooks] == [
        p.name for p in gates.notebooks_in(ROOT, ("source",)) if p.parent.name == assignment
    ]
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        errors = [
            f"{path.name} cell {number}: {output.ename}: {output.evalue}"
            for number, cell in enumerate(notebook.cells, start=1)
            for output in cell.get("outputs", [])
            if output.output_type == "error"
        ]
        assert errors == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_at_least_two_wrong_answers(assignment):
    answers = load_wrong_answers(FIXTURES / assignment / "wrong_answers.yml")
    for notebook_path in (ROOT / "source" / assignment).glob("*.ipynb"):
        notebook = nbformat.read(notebook_path, as_version=4)
        answer_cells = [
            cell.metadata["nbgrader"]["grade_id"]
            for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
        ]
        for cell in answer_cells:
            count = sum(a.cell == cell and a.notebook == notebook_path.name for a in answers)
            assert count >= 2, f"{notebook_path.name} {cell} has {count} wrong-answer fixture(s)"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_wrong_answer_is_graded_in_a_pack_of_its_own_cells(assignment, trial_grading):
    """Each wrong answer is handed in once, packed with answers that declare other cells, so
    each cell a pack loses is the loss of the one member that declares it."""
    answers = load_wrong_answers(FIXTURES / assignment / "wrong_answers.yml")
    trial = trial_grading(assignment)
    assert sorted(m for group in trial.packs.values() for m in group) == list(range(len(answers)))
    for pack, group in trial.packs.items():
        declared = [cell for m in group for cell in answers[m].loses]
        assert len(declared) == len(set(declared)), (pack, group)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_wrong_answers_score_below_full(assignment, trial_grading):
    """Each wrong answer loses the marks it should, graded by the engine and by stock
    nbgrader. (Alone, it fails the visible check of each of those cells:
    tests/test_visible_checks.py. A failed visible check raises while grading.)"""
    answers = load_wrong_answers(FIXTURES / assignment / "wrong_answers.yml")
    trial = trial_grading(assignment)
    for pack, group in trial.packs.items():
        graded = {grade_id for (who, _, grade_id) in trial.engine if who == pack}
        for answer in (answers[m] for m in group):
            assert set(answer.loses) <= graded, f"{pack}: tests {answer.loses} not graded"
            kept = set(answer.loses) - trial.engine_lost(pack)
            assert not kept, f"wrong answer '{answer.why}' ({answer.cell}) scores full on {kept}"
            kept = set(answer.loses) - trial.stock_lost(pack)
            assert not kept, f"stock nbgrader gives '{answer.why}' full marks on {kept}"


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
