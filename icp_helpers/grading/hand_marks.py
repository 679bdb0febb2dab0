"""A hand mark stands for the answer it judged: a changed answer loses its old mark.

A facilitator marks a reflection (or overrides a flagged test cell) in the formgrader, on the
autograded notebook of the last grading. When the trainee sends their work again and it is
graded again, a mark on a cell whose answer has changed would sit beside text it never
judged. So every grading remembers, per graded cell, a digest of the answer text a mark on
that cell judges, and the next grading compares:

* a manually graded answer cell (a reflection) is judged on its own text;
* a test cell is judged on the text of every answer cell of its notebook (any of them can
  change what the test sees).

When the text differs, the cell's hand mark (score, extra credit and comment) is cleared in
the same gradebook transaction as the new grades, and the cell is reported as needing
re-marking. When it is the same, the mark stands.

The digests are kept in ``<course>/.icp-grading/<assignment>/answers/<student>.json``,
written after the gradebook commit (so they always describe what the formgrader shows).

>>> from nbformat.v4 import new_markdown_cell, new_notebook
>>> meta = {"nbgrader": {"grade_id": "reflection", "solution": True, "grade": True}}
>>> first = new_notebook(cells=[new_markdown_cell("I hope to...", metadata=meta)])
>>> second = new_notebook(cells=[new_markdown_cell("Something else", metadata=meta)])
>>> answer_digests("nb", first) == answer_digests("nb", second)
False
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry

from icp_helpers.files import atomic_write


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def answer_digests(name: str, notebook: Any) -> dict[str, str]:
    """For each graded cell of notebook ``name``, a digest of the answer text its mark judges.

    Keys are ``"<notebook>/<grade_id>"``; a notebook that could not be read (``None``) has none.

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> def cell(text, **meta):
    ...     return new_code_cell(text, metadata={"nbgrader": meta})
    >>> answer = cell("x = 1", grade_id="ex1", solution=True)
    >>> test = cell("assert x", grade_id="ex1-check", grade=True)
    >>> sorted(answer_digests("nb", new_notebook(cells=[answer, test])))
    ['nb/ex1-check']
    """
    if notebook is None:
        return {}
    answers = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            answers[str(meta.get("grade_id"))] = str(cell.source)
    every_answer = _digest(json.dumps(sorted(answers.items())))
    digests = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            own = _digest(str(cell.source)) if meta.get("solution") else every_answer
            digests[f"{name}/{meta.get('grade_id')}"] = own
    return digests


def answers_file(course_root: Path, marker_folder: str, assignment: str, student: str) -> Path:
    """Where the digests of ``student``'s last graded answers are kept."""
    return Path(course_root) / marker_folder / assignment / "answers" / f"{student}.json"


def read_answers(path: Path) -> dict[str, str]:
    """The digests kept in ``path`` (none if it is missing or unreadable)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_answers(path: Path, digests: dict[str, str]) -> None:
    """Keep ``digests`` in ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(digests, indent=1, sort_keys=True) + "\n")


def remember_graded_answers(path: Path, autograded_folder: Path) -> None:
    """Keep the digests of the autograded notebooks now in ``autograded_folder``, unless kept.

    For gradings made before digests were kept: called before a new grading replaces the
    notebooks, so the marks given on them are judged against the answers they were given on.
    """
    import nbformat

    if path.exists():
        return
    digests: dict[str, str] = {}
    for notebook in sorted(Path(autograded_folder).glob("*.ipynb")):
        try:
            digests.update(answer_digests(notebook.stem, nbformat.read(notebook, as_version=4)))
        except (OSError, ValueError):
            continue
    if digests:
        write_answers(path, digests)


def clear_stale_marks(
    gradebook: Gradebook,
    name: str,
    assignment: str,
    student: str,
    grade_ids: list[str],
    before: dict[str, str],
    now: dict[str, str],
) -> list[str]:
    """Clear the hand mark of every cell in ``grade_ids`` whose judged answer changed.

    ``before`` and ``now`` are the digests of the last grading and of this one (see
    :func:`answer_digests`). Returns the grade ids whose mark was cleared.
    """
    cleared = []
    for grade_id in grade_ids:
        key = f"{name}/{grade_id}"
        if before.get(key) == now.get(key) and key in now:
            continue
        grade = gradebook.find_grade(grade_id, name, assignment, student)
        try:
            comment = gradebook.find_comment(grade_id, name, assignment, student)
        except MissingEntry:
            comment = None
        marked = grade.manual_score is not None or grade.extra_credit is not None
        said = comment is not None and comment.manual_comment is not None
        if not (marked or said):
            continue
        grade.manual_score = None
        grade.extra_credit = None
        if comment is not None:
            comment.manual_comment = None
        cleared.append(grade_id)
    return cleared
