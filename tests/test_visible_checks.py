"""A learner working alone can trust every ✓: each documented mistake fails a visible self-check.

For each assignment, the release notebook
(what a learner works in: no hidden tests) is run filled with the solution's answers, and
again filled with each wrong-answer fixture. The solution must pass every visible check;
each wrong answer must make every test cell it ``loses`` print a ✗ line with a hint about
the answer (not a Python error), and Run All must still reach ``check_your_work()``.
Notebooks run in a grading slot (the course's warmed worker), with ``NBGRADER_EXECUTION``
unset, as in a learner's JupyterLab. The wrong answers of a notebook run together, each
forked just before its changed cell from one run of the solution
(``learner_variant_runs``); a sample of them is checked against full runs in a slot.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from icp_helpers.course.answers import filled_release
from icp_helpers.course.release import assignment_names
from icp_helpers.course.wrong_answers import load_wrong_answers

from .conftest import comparable, learner_variant_runs, run_as_learner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

#: Every assignment: its visible self-checks check correctness.
CHECKED = assignment_names(ROOT)

pytestmark = pytest.mark.slow

#: What an unanswered answer cell may print (and nothing else): the notebooks' own notice.
NOT_ANSWERED = "Not answered yet ("


def _run(slot, assignment: str, notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Run ``notebook`` as a learner would (see ``run_as_learner``); return the text each
    cell printed, by grade_id (or cell number), plus ``ending``."""
    return _printed(notebook, *run_as_learner(slot, assignment, notebook))


def _printed(notebook: nbformat.NotebookNode, outputs: dict, ending: str) -> dict[str, str]:
    """The text each cell of ``notebook`` printed, by grade_id (or cell number), and
    ``ending``, from its outputs by cell index."""
    printed: dict[str, str] = {"ending": ending}
    for index, shown in outputs.items():
        cell = notebook.cells[index]
        key = cell.metadata.get("nbgrader", {}).get("grade_id") or str(index)
        texts = []
        for output in shown:
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif output.get("output_type") == "error":
                texts.append(f"ERROR {output.get('ename')}: {output.get('evalue')}")
            else:
                texts.append(str(output.get("data", {}).get("text/plain", "")))
        printed[key] = "".join(texts)
    return printed


def _notebooks(assignment: str) -> list[tuple[Path, Path]]:
    return [
        (path, ROOT / "release" / assignment / path.name)
        for path in sorted((ROOT / "source" / assignment).glob("*.ipynb"))
    ]


def _visible_lines(printed: dict[str, str]) -> dict[str, str]:
    return {key: text for key, text in printed.items() if text.startswith(("✓", "✗"))}


@pytest.mark.parametrize("assignment", CHECKED)
def test_the_solution_passes_every_visible_check(learner_slot, assignment):
    for source_path, release_path in _notebooks(assignment):
        source = nbformat.read(source_path, as_version=4)
        release = nbformat.read(release_path, as_version=4)
        printed = _run(learner_slot, assignment, filled_release(release, source))
        visible = _visible_lines(printed)
        assert visible, f"{release_path.name}: no self-check printed anything"
        failing = {key: text for key, text in visible.items() if not text.startswith("✓")}
        assert failing == {}, release_path.name
        assert "False" not in printed["check-your-work"], printed["check-your-work"]


def _wrong_answers(assignment: str) -> list:
    return load_wrong_answers(FIXTURES / assignment / "wrong_answers.yml")


def _wrong_notebook(assignment: str, answer) -> nbformat.NotebookNode:
    source = nbformat.read(ROOT / "source" / assignment / answer.notebook, as_version=4)
    release = nbformat.read(ROOT / "release" / assignment / answer.notebook, as_version=4)
    return filled_release(release, source, replace={answer.cell: answer.code})


@pytest.mark.parametrize(
    ("assignment", "number"),
    [(a, n) for a in CHECKED for n in range(len(_wrong_answers(a)))],
)
def test_every_documented_mistake_fails_a_visible_check_with_a_hint(
    shared_folder, assignment, number
):
    answer = _wrong_answers(assignment)[number]
    runs = learner_variant_runs(shared_folder, assignment, answer.notebook)
    printed = _printed(_wrong_notebook(assignment, answer), *runs[f"wrong-{number}"])
    for grade_id in answer.loses:
        line = printed.get(grade_id, "")
        assert line.startswith("✗"), f"'{answer.why}' is told {line!r} by {grade_id}"
        # a hint about the answer itself: not a Python error passed on, not "not answered"
        assert "`" in line and "raised" not in line and "not answered" not in line, line
    assert "exercise" in printed.get("check-your-work", ""), f"Run All stopped: {printed}"
    assert "'finished': True" in printed["ending"], printed["ending"]


@pytest.mark.parametrize("assignment", CHECKED)
def test_a_mistake_run_from_its_changed_cell_prints_what_a_full_run_prints(
    learner_slot, shared_folder, assignment
):
    """The shared runs above agree with a full run in a grading slot, every output of every
    cell, for the assignment's last wrong answer (forked at its last answer cell, most often:
    after the longest shared run)."""
    number = len(_wrong_answers(assignment)) - 1
    answer = _wrong_answers(assignment)[number]
    runs = learner_variant_runs(shared_folder, assignment, answer.notebook)
    shared_outputs, shared_ending = runs[f"wrong-{number}"]
    outputs, ending = run_as_learner(learner_slot, assignment, _wrong_notebook(assignment, answer))
    assert comparable(shared_outputs) == comparable(outputs)
    assert "'finished': True" in ending and "'finished': True" in shared_ending


@pytest.mark.parametrize("assignment", CHECKED)
def test_an_unanswered_release_runs_to_the_end_and_gives_no_tick(learner_slot, assignment):
    """Run All on a release not yet (or only partly) answered reaches ``check_your_work()``:
    an empty answer cell raises nothing and prints nothing but the notebooks' "Not answered
    yet" notice (pre-filled code that printed a summary would hand a learner the answer), and
    its self-check says it is not answered yet."""
    for _, release_path in _notebooks(assignment):
        release = nbformat.read(release_path, as_version=4)
        printed = _run(learner_slot, assignment, release)
        answer_cells = {
            cell.metadata.nbgrader["grade_id"]
            for cell in release.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
        }
        said = {key: printed.get(key, "") for key in answer_cells}
        assert {
            key: text for key, text in said.items() if text and not text.startswith(NOT_ANSWERED)
        } == {}, f"{release_path.name}: an unanswered answer cell prints something"
        errors = {key: text for key, text in printed.items() if "ERROR " in text}
        assert not errors, f"{release_path.name}: Run All would stop at {errors}"
        visible = _visible_lines(printed)
        assert visible, f"{release_path.name}: no self-check printed anything"
        ticks = {key: text for key, text in visible.items() if text.startswith("✓")}
        assert not ticks, f"{release_path.name}: ✓ without an answer: {ticks}"
        assert "exercise" in printed.get("check-your-work", ""), printed
        assert "'finished': True" in printed["ending"], printed["ending"]
