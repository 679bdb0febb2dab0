"""nbgrader commands run in icp's own process do what ``python -m nbgrader`` does.

Two cohorts with an exchange each: one generates and releases assignment 00 through
``run_in_this_process``, the other through nbgrader's command line. Their release folders,
gradebook entries and exchange copies must be the same, and a command nbgrader cannot carry
out must stop with nbgrader's error, as it does on the command line. The same holds for two
copies of the course itself, whose settings name the gradebook and the header by paths
relative to the course root, generated from another working folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icp_helpers.course.nbgrader_here import run_in_this_process
from icp_helpers.course.nbgrader_runner import NbgraderError, copy_course, nbgrader_command_line
from icp_helpers.facilitator.cohort_folder import create_cohort

from .conftest import ASSIGNMENT

pytestmark = pytest.mark.slow


def _cohort(course_root: Path, where: Path):
    folder, _ = create_cohort(course_root, "10", where=where / "cohorts", exchange=where / "x")
    (where / "x").mkdir()
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _grade_cells(gradebook) -> list[tuple]:
    """The assignment's graded cells as an open nbgrader gradebook records them."""
    assignment = gradebook.find_assignment(ASSIGNMENT)
    return sorted(
        (notebook.name, cell.name, cell.max_score, cell.cell_type)
        for notebook in assignment.notebooks
        for cell in notebook.grade_cells
    )


def _gradebook_entries(folder) -> list[tuple]:
    with folder.gradebook() as gradebook:
        return _grade_cells(gradebook)


def test_generate_and_release_here_match_nbgrader_s_command_line(tmp_path, course_root):
    here, apart = _cohort(course_root, tmp_path / "here"), _cohort(course_root, tmp_path / "apart")
    for command in ("generate_assignment", "release_assignment"):
        log = run_in_this_process([command, ASSIGNMENT, "--force"], here.root)
        assert log is not None
        nbgrader_command_line([command, ASSIGNMENT, "--force"], apart.root)
    released = _files(here.root / "release" / ASSIGNMENT)
    assert released and released == _files(apart.root / "release" / ASSIGNMENT)
    entries = _gradebook_entries(here)
    assert entries and entries == _gradebook_entries(apart)
    outbound = Path(here.exchange, here.course_id, "outbound", ASSIGNMENT)
    assert _files(outbound) == released
    assert _files(Path(apart.exchange, apart.course_id, "outbound", ASSIGNMENT)) == released


def test_what_nbgrader_cannot_do_stops_with_its_error(tmp_path, course_root):
    folder = _cohort(course_root, tmp_path)
    # released before it was generated: nbgrader's command line exits with this error
    with pytest.raises(NbgraderError, match=f"release_assignment {ASSIGNMENT}") as raised:
        run_in_this_process(["release_assignment", ASSIGNMENT, "--force"], folder.root)
    assert "run `nbgrader generate_assignment` first" in str(raised.value)
    assert not Path(folder.exchange, folder.course_id, "outbound", ASSIGNMENT).exists()
    run_in_this_process(["generate_assignment", ASSIGNMENT, "--force"], folder.root)
    assert run_in_this_process(["release_assignment", ASSIGNMENT], folder.root) is not None


def test_other_commands_and_options_are_left_to_the_command_line(cohort):
    assert run_in_this_process(["autograde", ASSIGNMENT, "--force"], cohort.root) is None
    assert run_in_this_process(["collect", ASSIGNMENT, "--before-duedate"], cohort.root) is None
    assert run_in_this_process(["generate_assignment", "--force"], cohort.root) is None


def test_a_course_copy_generated_here_from_elsewhere_matches_nbgrader_s_command_line(
    tmp_path, course_root, monkeypatch
):
    here = copy_course(course_root, tmp_path / "here")
    apart = copy_course(course_root, tmp_path / "apart")
    monkeypatch.chdir(tmp_path)  # neither course's folder: its relative paths must not matter
    assert run_in_this_process(["generate_assignment", ASSIGNMENT, "--force"], here) is not None
    nbgrader_command_line(["generate_assignment", ASSIGNMENT, "--force"], apart)
    released = _files(here / "release" / ASSIGNMENT)
    assert released and released == _files(apart / "release" / ASSIGNMENT)
    assert set(os.listdir(tmp_path)) == {"here", "apart"}  # nothing written where it ran
    cells = [_course_gradebook_entries(course) for course in (here, apart)]
    assert cells[0] and cells[0] == cells[1]


def _course_gradebook_entries(course: Path) -> list[tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="icp") as gradebook:
        return _grade_cells(gradebook)
