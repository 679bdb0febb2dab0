"""Each gate, broken on purpose in a scratch copy of the course, reports the breakage."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from icp_helpers.course import gates
from icp_helpers.course.release import generate_release, release_differences

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = Path("00-getting-started") / "getting-started.ipynb"

pytestmark = pytest.mark.slow


@pytest.fixture
def course(tmp_path):
    """A scratch copy of the course's config, source and release."""
    for name in ("source", "release"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path)
    return tmp_path


def _edit(path: Path, change) -> None:
    notebook = nbformat.read(path, as_version=4)
    change(notebook)
    nbformat.write(notebook, path)


def _cell(notebook, grade_id):
    return next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def test_gate_1_catches_stored_outputs(course):
    path = course / "release" / NOTEBOOK

    def add_output(nb):
        cell = _cell(nb, "setup")
        cell.outputs = [nbformat.v4.new_output("stream", text="hello\n")]

    _edit(path, add_output)
    problems = gates.stored_outputs([path])
    assert len(problems) == 1 and "stored outputs" in problems[0]


def _only_assignment_00(course: Path) -> Path:
    """The scratch course with every other assignment taken out (generating them all is slow)."""
    for folder in ("source", "release"):
        for path in (course / folder).iterdir():
            if path.is_dir() and path.name != "00-getting-started":
                shutil.rmtree(path)
    return course


def test_gate_2_catches_a_hand_edited_release_and_a_file_source_does_not_make(course, tmp_path):
    """Both breakages in one scratch course: each is reported on its own line (generating
    the release takes seconds, so the suite does it once for the two)."""
    _only_assignment_00(course)

    def hand_edit(nb):
        _cell(nb, "ex1-text").source += "\nA sentence added by hand."

    _edit(course / "release" / NOTEBOOK, hand_edit)
    (course / "release" / "00-getting-started" / "stray.csv").write_text("a,b\n1,2\n")
    generated = generate_release(course, tmp_path / "fresh")
    problems = release_differences(course / "release", generated)
    assert len(problems) == 2, problems
    stray, edited = sorted(problems, key=lambda problem: "stray.csv" not in problem)
    assert "cell" in edited and "source" in edited and "getting-started.ipynb" in edited, edited
    assert stray == "release/00-getting-started/stray.csv is not generated from source/: remove it."


def test_gate_3_catches_a_test_the_solution_fails_and_one_that_passes_without_an_answer(course):
    """Both breakages in one scratch course, graded by real nbgrader once: each is reported."""

    def break_hidden_value(nb):
        cell = _cell(nb, "ex2-check")
        cell.source = cell.source.replace(
            "check_integer(weekly_total, 9,", "check_integer(weekly_total, 10,"
        )

    def weaken(nb):
        cell = _cell(nb, "ex4-check")
        cell.source = "assert True  # checks nothing"

    _edit(course / "source" / NOTEBOOK, break_hidden_value)
    _edit(course / "source" / NOTEBOOK, weaken)
    problems = gates.trial_problems(gates.autograde_trial(course, "00-getting-started"))
    assert sorted(problems) == [
        "getting-started ex2-check: the solution scores 0 of 1; fix the solution or its test.",
        "getting-started ex4-check: the unedited release scores 1; "
        "a test passes without an answer.",
    ]


def test_gate_4_catches_a_notebook_that_stops_with_an_error(course):
    def typo(nb):
        _cell(nb, "load-ward").source = 'ward = pd.read_csv("ward_incidents.cvs")'

    path = course / "source" / NOTEBOOK
    _edit(path, typo)
    problems = gates.run_problems(path)
    assert len(problems) == 1 and "FileNotFoundError" in problems[0]


def test_gate_5_catches_lint(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "F401" in result.stdout


def test_stored_notebooks_are_valid_json():
    for path in gates.notebooks_in(ROOT):
        json.loads(path.read_text(encoding="utf-8"))
