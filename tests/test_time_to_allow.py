"""Each assignment's time to allow covers its reading and exercises, and is told the same
everywhere: the syllabus, the notebook's header (start-here.ipynb is checked against the
syllabus in test_start_here)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from icp_helpers.course.timing import allowance, estimated_minutes

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = yaml.safe_load((ROOT / "course" / "syllabus.yml").read_text(encoding="utf-8"))
ENTRIES = {entry["id"]: entry for entry in SYLLABUS["assignments"]}


def _notebooks(entry: dict) -> list[nbformat.NotebookNode]:
    folder = ROOT / "source" / entry["id"]
    return [nbformat.read(folder / name, as_version=4) for name in entry["notebooks"]]


@pytest.mark.parametrize("assignment", sorted(ENTRIES))
def test_the_time_to_allow_is_the_estimate_of_reading_and_exercises(assignment):
    entry = ENTRIES[assignment]
    estimate = estimated_minutes(_notebooks(entry))
    needed = allowance(_notebooks(entry))
    assert entry["time_to_allow_minutes"] == needed, (
        f"{assignment}: {estimate.words} words to read ({estimate.reading:.0f} min), "
        f"{estimate.exercises} exercises and {estimate.reflections} reflection(s) make "
        f"{estimate.total:.0f} min: set time_to_allow_minutes to {needed} in "
        "course/syllabus.yml, in each notebook's header and in start-here.ipynb"
    )


@pytest.mark.parametrize("assignment", sorted(ENTRIES))
def test_each_notebook_header_gives_the_syllabus_time(assignment):
    entry = ENTRIES[assignment]
    for name, notebook in zip(entry["notebooks"], _notebooks(entry), strict=True):
        header = " ".join(notebook.cells[0].source.split())
        said = re.findall(r"allow about (\d+) minutes", header)
        assert said == [str(entry["time_to_allow_minutes"])], f"{name}: {said}"
