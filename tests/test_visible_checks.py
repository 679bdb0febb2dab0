"""A learner working alone can trust every ✓: each documented mistake fails a visible self-check.

For each assignment, the release notebook
(what a learner works in: no hidden tests) is run filled with the solution's answers, and
again filled with each wrong-answer fixture. The solution must pass every visible check;
each wrong answer must make every test cell it ``loses`` print a ✗ line with a hint about
the answer (not a Python error), and Run All must still reach ``check_your_work()``.
Notebooks run in a grading slot (the course's warmed worker), with ``NBGRADER_EXECUTION``
unset, as in a learner's JupyterLab.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from icp_helpers.course.answers import filled_release
from icp_helpers.course.release import assignment_names
from icp_helpers.course.wrong_answers import load_wrong_answers
from icp_helpers.grading.batch import modules_to_preload
from icp_helpers.grading.pool import Slot
from icp_helpers.grading.sandbox import sandbox_problem
from icp_helpers.grading.submission import code_cells

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

#: Every assignment: its visible self-checks check correctness.
CHECKED = assignment_names(ROOT)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")  # one warmed slot per test worker
def slot(tmp_path_factory):
    work = tmp_path_factory.mktemp("visible") / "slot"
    preload = modules_to_preload(sorted((ROOT / "source").glob("*/*.ipynb")))
    slot = Slot(work, preload, sandboxed=sandbox_problem() is None)
    slot.start()
    yield slot
    slot.close()


def _run(slot: Slot, assignment: str, notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Run ``notebook`` in the slot with the assignment's data files beside it; return the
    text each cell printed, by grade_id (or cell number), plus ``ending``."""
    folder = ROOT / "release" / assignment
    files = [
        (path, path.relative_to(folder))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix != ".ipynb"
    ]
    slot.fill(files)
    # as in a learner's JupyterLab: not under nbgrader (the sandbox sets it for grading)
    env = {"NBGRADER_EXECUTION": ""}
    job = {"id": "learner/nb", "cells": code_cells(notebook.cells), "env": env}
    slot.submit({**job, "timeout": 120, "cell_timeout": 60, "memory_mb": 2048})
    printed: dict[str, str] = {}
    for report in slot.reports_until_ending():
        if "cell" not in report:
            if "ending" in report:
                printed["ending"] = str(report["ending"])
            continue
        cell = notebook.cells[report["cell"]]
        key = cell.metadata.get("nbgrader", {}).get("grade_id") or str(report["cell"])
        texts = []
        for output in report.get("outputs", []):
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
def test_the_solution_passes_every_visible_check(slot, assignment):
    for source_path, release_path in _notebooks(assignment):
        source = nbformat.read(source_path, as_version=4)
        release = nbformat.read(release_path, as_version=4)
        printed = _run(slot, assignment, filled_release(release, source))
        visible = _visible_lines(printed)
        assert visible, f"{release_path.name}: no self-check printed anything"
        failing = {key: text for key, text in visible.items() if not text.startswith("✓")}
        assert failing == {}, release_path.name
        assert "False" not in printed["check-your-work"], printed["check-your-work"]


def _wrong_answers(assignment: str) -> list:
    return load_wrong_answers(FIXTURES / assignment / "wrong_answers.yml")


@pytest.mark.parametrize(
    ("assignment", "number"),
    [(a, n) for a in CHECKED for n in range(len(_wrong_answers(a)))],
)
def test_every_documented_mistake_fails_a_visible_check_with_a_hint(slot, assignment, number):
    answer = _wrong_answers(assignment)[number]
    source = nbformat.read(ROOT / "source" / assignment / answer.notebook, as_version=4)
    release = nbformat.read(ROOT / "release" / assignment / answer.notebook, as_version=4)
    notebook = filled_release(release, source, replace={answer.cell: answer.code})
    printed = _run(slot, assignment, notebook)
    for grade_id in answer.loses:
        line = printed.get(grade_id, "")
        assert line.startswith("✗"), f"'{answer.why}' is told {line!r} by {grade_id}"
        # a hint about the answer itself: not a Python error passed on, not "not answered"
        assert "`" in line and "raised" not in line and "not answered" not in line, line
    assert "exercise" in printed.get("check-your-work", ""), f"Run All stopped: {printed}"
    assert "'finished': True" in printed["ending"], printed["ending"]


@pytest.mark.parametrize("assignment", CHECKED)
def test_an_unanswered_release_runs_to_the_end_and_gives_no_tick(slot, assignment):
    """Run All on a release not yet (or only partly) answered reaches ``check_your_work()``:
    an empty answer cell raises nothing, and its self-check says it is not answered yet."""
    for _, release_path in _notebooks(assignment):
        printed = _run(slot, assignment, nbformat.read(release_path, as_version=4))
        errors = {key: text for key, text in printed.items() if "ERROR " in text}
        assert not errors, f"{release_path.name}: Run All would stop at {errors}"
        visible = _visible_lines(printed)
        assert visible, f"{release_path.name}: no self-check printed anything"
        ticks = {key: text for key, text in visible.items() if text.startswith("✓")}
        assert not ticks, f"{release_path.name}: ✓ without an answer: {ticks}"
        assert "exercise" in printed.get("check-your-work", ""), printed
        assert "'finished': True" in printed["ending"], printed["ending"]
