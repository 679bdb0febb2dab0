"""Read a submitted notebook, say what is wrong with it, and sanitise it with nbgrader.

Nothing here runs learner code. A notebook file is ``missing``, ``empty``, ``corrupt``
(not JSON, or not a notebook nbgrader can read) or from the ``wrong_assignment`` (none of
this assignment's answer or test cells), or else usable. A usable notebook goes through
nbgrader's own sanitising preprocessors (``ClearOutput``, ``DeduplicateIds``,
``OverwriteKernelspec``, ``OverwriteCells`` with missing test cells put back,
``CheckCellMetadata``), and anything they had to repair is noted: duplicate cell ids, test
cells deleted, retyped or edited.

>>> read_notebook_text("")[0]
'empty'
>>> read_notebook_text('{"cells": [')[0]
'corrupt'
"""

from __future__ import annotations

import copy
import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
)
from traitlets.config import Config


@dataclass
class Intake:
    """One submitted notebook after reading and sanitising."""

    name: str
    notebook: NotebookNode | None = None
    outcome: str | None = None  # missing / empty / corrupt / wrong_assignment when unusable
    reason: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)  # (outcome kind, reason)


def read_notebook_text(text: str) -> tuple[str | None, Any]:
    """Parse notebook text: ``(None, notebook)`` or ``(problem kind, reason)``.

    Duplicate nbformat cell ids are repaired (nbformat does so) and reported as a note in
    the notebook's ``_duplicate_ids`` entry of the returned tuple's notebook metadata.
    """
    if not text.strip():
        return "empty", "the notebook file is empty (0 cells, no content)."
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return "corrupt", (
            f"the notebook file is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); it may have been cut short while saving or uploading."
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            notebook = nbformat.reads(text, as_version=4)
        except Exception as error:  # noqa: BLE001 - any reason nbformat cannot read it
            return "corrupt", f"the file is JSON but not a notebook nbformat can read ({error})."
    repaired = [str(w.message) for w in caught if "Non-unique cell id" in str(w.message)]
    if not isinstance(notebook.get("cells"), list):
        return "corrupt", "the file is JSON but has no list of cells."
    return None, (notebook, repaired)


def _duplicate_grade_ids(notebook: NotebookNode) -> list[str]:
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell):
            grade_id = cell.metadata.nbgrader.get("grade_id")
            if grade_id:
                seen[grade_id] = seen.get(grade_id, 0) + 1
    return sorted(grade_id for grade_id, count in seen.items() if count > 1)


def _release_text(source: str) -> str:
    """A test cell's text as released: nbgrader's ClearHiddenTests applied to the source."""
    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests(enforce_metadata=False)._remove_hidden_test_region(cell)
    return cell.source


def _repairs_needed(notebook: NotebookNode, source: Any) -> list[tuple[str, str]]:
    """Test and read-only cells that nbgrader will have to put back, in plain words."""
    notes = []
    submitted: dict[str, NotebookNode] = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and grade_id not in submitted:
            submitted[grade_id] = cell
    for source_cell in source.source_cells:
        name = source_cell.name
        cell = submitted.get(name)
        is_test = any(g.name == name for g in source.grade_cells) and source_cell.locked
        if cell is None:
            if is_test:
                notes.append(("restored_cells", f"test cell {name} was deleted; put back."))
            continue
        if cell.cell_type != source_cell.cell_type and source_cell.locked:
            notes.append(
                (
                    "restored_cells",
                    f"cell {name} was changed from {source_cell.cell_type} to "
                    f"{cell.cell_type}; put back.",
                )
            )
        elif source_cell.locked and cell.source not in (
            source_cell.source,
            _release_text(source_cell.source),
        ):
            notes.append(("restored_cells", f"read-only cell {name} was edited; put back."))
    return notes


def _grade_id(cell: Any) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def restore_locked_cells(notebook: NotebookNode, release: NotebookNode) -> list[str]:
    """Put back every read-only cell of ``release`` missing from ``notebook``; name them.

    nbgrader puts back deleted test cells only; a deleted set-up cell (loading the data,
    importing the helpers) would change what the tests see. Each missing cell goes back
    after the cell that comes before it in the release (the grader's ``OverwriteCells``
    then gives it the source's text).

    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> def cell(grade_id, source, locked=True):
    ...     return new_code_cell(source, metadata={"nbgrader": {
    ...         "grade_id": grade_id, "locked": locked, "solution": not locked,
    ...         "grade": False, "schema_version": 3}})
    >>> release = new_notebook(cells=[cell("setup", "import pandas as pd"),
    ...                               cell("ex1", "...", locked=False)])
    >>> submitted = new_notebook(cells=[cell("ex1", "x = 1", locked=False)])
    >>> restore_locked_cells(submitted, release), [_grade_id(c) for c in submitted.cells]
    (['setup'], ['setup', 'ex1'])
    """
    restored = []
    present = {_grade_id(cell) for cell in notebook.cells}
    previous: str | None = None
    for cell in release.cells:
        name = _grade_id(cell)
        meta = cell.metadata.get("nbgrader", {})
        if name and meta.get("locked") and not meta.get("grade") and name not in present:
            ids = [_grade_id(c) for c in notebook.cells]
            at = ids.index(previous) + 1 if previous in ids else 0
            notebook.cells.insert(at, copy.deepcopy(cell))
            present.add(name)
            restored.append(name)
        if name:
            previous = name
    return restored


class DropEmptyNbgraderMetadata(NbGraderPreprocessor):
    """Remove the empty ``nbgrader`` metadata ``DeduplicateIds`` leaves on duplicate cells.

    Otherwise ``OverwriteCells`` (putting missing cells back) trips over a cell that has
    nbgrader metadata without a ``grade_id``.
    """

    def preprocess_cell(self, cell, resources, index):
        if "nbgrader" in cell.metadata and not cell.metadata.nbgrader:
            del cell.metadata["nbgrader"]
        return cell, resources


def sanitise(
    raw: str,
    name: str,
    assignment: str,
    student: str,
    db_url: str,
    config: Config,
    release: NotebookNode | None = None,
) -> Intake:
    """Read and sanitise one submitted notebook ``name`` (without ``.ipynb``) of a student.

    ``release`` is the notebook as released; read-only cells missing from the submission
    are put back from it (see :func:`restore_locked_cells`).
    """
    intake = Intake(name=name)
    problem, parsed = read_notebook_text(raw)
    if problem:
        intake.outcome, intake.reason = problem, parsed
        return intake
    notebook, repaired_ids = parsed
    with Gradebook(db_url) as gradebook:
        try:
            source = gradebook.find_notebook(name, assignment)
        except MissingEntry:
            intake.outcome = "wrong_assignment"
            intake.reason = f"{name}.ipynb is not a notebook of {assignment}."
            return intake
        known = {cell.name for cell in source.source_cells}
        graded_known = {c.name for c in source.grade_cells} | {
            c.name for c in source.solution_cells
        }
        ids = {
            cell.metadata.get("nbgrader", {}).get("grade_id")
            for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("grade_id")
        }
        unknown = ids - known
        if graded_known and (not ids & graded_known or len(unknown) > len(ids & known)):
            intake.outcome = "wrong_assignment"
            other = sorted(unknown)[:3]
            intake.reason = (
                f"{name}.ipynb is mostly not the answer and test cells of {assignment}"
                + (f" (it has cells {', '.join(other)})" if other else "")
                + "; it looks like a different notebook saved under this name."
            )
            return intake
        if repaired_ids:
            intake.notes.append(
                ("duplicate_cell_ids", f"{len(repaired_ids)} duplicate cell id(s) renamed.")
            )
        duplicates = _duplicate_grade_ids(notebook)
        if duplicates:
            intake.notes.append(
                (
                    "duplicate_cell_ids",
                    f"copied cells share the nbgrader id(s) {', '.join(duplicates)}; "
                    "the last copy of each was graded, as nbgrader does.",
                )
            )
        intake.notes.extend(_repairs_needed(notebook, source))
        for restored in restore_locked_cells(notebook, release) if release else []:
            intake.notes.append(
                ("restored_cells", f"read-only cell {restored} was deleted; put back.")
            )
    resources = {
        "unique_key": name,
        "nbgrader": {
            "student": student,
            "assignment": assignment,
            "notebook": name,
            "db_url": db_url,
        },
    }
    sanitize_config = Config(config)
    sanitize_config.OverwriteCells.add_missing_cells = True
    try:
        for step in (
            ClearOutput,
            DeduplicateIds,
            DropEmptyNbgraderMetadata,
            OverwriteKernelspec,
            OverwriteCells,
            CheckCellMetadata,
        ):
            notebook, resources = step(config=sanitize_config)(notebook, resources)
    except Exception as error:  # noqa: BLE001 - nbgrader's own complaint, reported as is
        intake.outcome = "corrupt"
        intake.reason = f"nbgrader could not sanitise {name}.ipynb: {error}"
        return intake
    intake.notebook = notebook
    return intake
