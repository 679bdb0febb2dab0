"""Fixtures for the facilitator commands: a private cohort folder per test, real nbgrader."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "facilitator"


@pytest.fixture
def course_root() -> Path:
    return ROOT


@pytest.fixture
def cohort(tmp_path):
    """Cohort 10 set up in this test's own folder, with the SQLite gradebook."""
    from icp_helpers.facilitator.cohort_folder import create_cohort

    folder, _ = create_cohort(ROOT, "10", where=tmp_path / "cohorts")
    return folder


@pytest.fixture
def roster_file(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text((FIXTURES / "roster.csv").read_text(encoding="utf-8"), encoding="utf-8")
    return path


ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"


def _notebook_text(kind: str = "complete", answer: str | None = None) -> str:
    """The assignment 00 notebook as a trainee might send it.

    ``complete``: the release with every answer filled in from the source; ``blank``: the
    release untouched; ``answer``: complete except the exercise 2 answer cell holds ``answer``.
    """
    import copy

    import nbformat

    blank = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    if kind == "blank":
        return nbformat.writes(blank)
    source = nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    filled = copy.deepcopy(blank)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
            if answer is not None and grade_id == "ex2-answer":
                cell.source = answer
    return nbformat.writes(filled)


def _write_zip(path: Path, entries: list[tuple[str, str | bytes, tuple]]) -> Path:
    """A zip of (name, content, date_time) entries, like a saved batch of e-mail attachments."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, content, when in entries:
            archive.writestr(zipfile.ZipInfo(name, when), content)
    return path


@pytest.fixture
def released(cohort, roster_file):
    """Cohort 10 with the roster imported and assignment 00 released as a zip."""
    from icp_helpers.facilitator.release import release
    from icp_helpers.facilitator.roster import import_roster

    import_roster(cohort, roster_file)
    release(cohort, ASSIGNMENT)
    return cohort


@pytest.fixture
def notebook_text():
    """Make assignment 00 notebooks as trainees send them (see ``_notebook_text``)."""
    return _notebook_text


@pytest.fixture
def write_zip():
    """Make a zip of e-mail attachments (see ``_write_zip``)."""
    return _write_zip
