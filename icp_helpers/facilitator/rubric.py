"""Show the marking rubric beside each reflection while facilitators mark in the formgrader.

After autograding, a read-only "Rubric (facilitators only)" cell from
``course/rubrics/<assignment>.yml`` is placed under each manually graded cell of the graded
copy (``autograded/``), which is what nbgrader's formgrader shows. Feedback pages leave
cells tagged :data:`TAG` out (see :mod:`icp_helpers.facilitator.feedback`), so trainees
never see them.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("My reflection")])
>>> nb.cells[0].metadata["nbgrader"] = {"grade_id": "reflection", "grade": True,
...                                     "solution": True, "points": 3}
>>> text = {"reflection": "**Rubric (facilitators only)**: 3 = specific"}
>>> with_rubrics(nb, text).cells[1].source
'**Rubric (facilitators only)**: 3 = specific'
>>> len(without_rubrics(with_rubrics(nb, text)).cells)
1
"""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path

import nbformat

from icp_helpers.files import read_yaml

TAG = "icp-rubric"


def rubric_text(course_root: Path, assignment: str) -> dict[str, dict[str, str]]:
    """Per notebook, per manually graded cell (grade_id), the rubric as Markdown."""
    path = course_root / "course" / "rubrics" / f"{assignment}.yml"
    if not path.is_file():
        return {}
    data = read_yaml(path, what="a marking rubric", keep_lines=True) or {}
    documents = data if isinstance(data, list) else [data]
    found: dict[str, dict[str, str]] = {}
    for document in documents:
        notebook = Path(str(document.get("notebook", ""))).stem
        for cell in document.get("cells") or []:
            lines = [f"**Rubric (facilitators only)**: {cell.get('question', '')}", ""]
            for level in cell.get("levels") or []:
                lines.append(f"- **{level.get('score')}**: {level.get('looks_like', '')}")
            found.setdefault(notebook, {})[str(cell.get("grade_id"))] = "\n".join(lines)
    return found


def with_rubrics(notebook: nbformat.NotebookNode, rubrics: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with each rubric placed under the cell whose grade_id it names."""
    changed = without_rubrics(notebook)
    cells = []
    for cell in changed.cells:
        cells.append(cell)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in rubrics:
            rubric = nbformat.v4.new_markdown_cell(rubrics[grade_id])
            rubric.metadata["tags"] = [TAG]
            rubric.metadata["editable"] = False
            rubric.metadata["deletable"] = False
            cells.append(rubric)
    changed.cells = cells
    return changed


def without_rubrics(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` without the rubric cells."""
    changed = copy.deepcopy(notebook)
    changed.cells = [c for c in changed.cells if TAG not in c.metadata.get("tags", [])]
    return changed


def show_rubrics(cohort_root: Path, course_root: Path, assignment: str, trainee: str) -> None:
    """Put the rubrics into a trainee's graded notebooks (for the formgrader)."""
    texts = rubric_text(course_root, assignment)
    for path in sorted((cohort_root / "autograded" / trainee / assignment).glob("*.ipynb")):
        if texts.get(path.stem):
            _rewrite(path, with_rubrics(nbformat.read(path, as_version=4), texts[path.stem]))


def _rewrite(path: Path, notebook: nbformat.NotebookNode) -> None:
    """Replace a (read-only) graded notebook safely, keeping its permissions."""
    mode = stat.S_IMODE(path.stat().st_mode)
    partial = path.with_name(f".{path.name}.partial")
    try:
        nbformat.write(notebook, partial)
        os.chmod(partial, mode)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
