"""Build grading test courses: a course copy with an assignment generated and submissions.

Shared by the grading tests; every course lives under the test's own ``tmp_path``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
CORPUS = ROOT / "tests" / "fixtures" / "grading" / "adversarial.yml"


@pytest.fixture(scope="session")
def generated_course(course_copy):
    """Make a course copy (config, source/, gradebook) with an assignment (00) generated."""

    def copy(destination: Path, assignment: str = ASSIGNMENT) -> Path:
        return course_copy(destination, assignment)

    return copy


def submit(course: Path, student: str, files: dict[str, str], assignment: str = ASSIGNMENT):
    """Place a student's submitted files (name -> text) under ``submitted/``."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def corpus_entries() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def corpus_files(entry: dict) -> dict[str, str]:
    """The submitted files of one adversarial entry, built from the source notebook."""
    source = ROOT / "source" / ASSIGNMENT / NOTEBOOK
    notebook = nbformat.read(source, as_version=4)
    kind = entry.get("file")
    if kind == "truncated":
        return {NOTEBOOK: source.read_text(encoding="utf-8")[:5000]}
    if kind == "empty":
        return {NOTEBOOK: ""}
    if kind == "json-list":
        return {NOTEBOOK: json.dumps([1, 2, 3])}
    if kind == "other-assignment":
        other = ROOT / "source" / "02-measurement" / "measurement.ipynb"
        return {NOTEBOOK: other.read_text(encoding="utf-8")}
    if kind == "renamed":
        return {"getting-started-final(1).ipynb": source.read_text(encoding="utf-8")}
    for grade_id, code in (entry.get("replace") or {}).items():
        _cell(notebook, grade_id).source = code
    for grade_id, code in (entry.get("edit") or {}).items():
        _cell(notebook, grade_id).source = code
    for grade_id in entry.get("delete") or []:
        notebook.cells.remove(_cell(notebook, grade_id))
    for grade_id in entry.get("retype") or []:
        cell = _cell(notebook, grade_id)
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    for grade_id in entry.get("duplicate") or []:
        cell = _cell(notebook, grade_id)
        twin = copy.deepcopy(cell)
        twin.source = cell.source.replace("rate_april =", "draft_rate =")
        notebook.cells.insert(notebook.cells.index(cell), twin)
    return {NOTEBOOK: json.dumps(notebook, indent=1)}


@pytest.fixture(scope="session")
def corpus_course(generated_course):
    """Make assignment 00 generated at a destination, with every adversarial entry
    submitted, before grading."""

    def make(destination: Path) -> Path:
        course = generated_course(destination)
        for entry in corpus_entries():
            submit(course, entry["name"], corpus_files(entry))
        return course

    return make
