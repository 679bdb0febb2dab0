"""Fill a notebook's answer cells, as a trainee would before handing it in.

An answer cell is one nbgrader marks ``solution``; it is found by its ``grade_id``. The demo,
the benchmarks and the tests make submissions this way: the release notebook with the
source's answers filled in, some of them perhaps replaced by a mistake or left blank.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> def answer(grade_id, text):
...     return new_code_cell(text, metadata={"nbgrader": {"grade_id": grade_id, "solution": True}})
>>> source = new_notebook(cells=[answer("ex1", "total = sum(falls)"), answer("ex2", "rate = 2")])
>>> blank = "# YOUR CODE HERE"
>>> release = new_notebook(cells=[answer("ex1", blank), answer("ex2", blank)])
>>> [cell.source for cell in filled_release(release, source).cells]
['total = sum(falls)', 'rate = 2']
>>> [cell.source for cell in filled_release(release, source, replace={"ex2": "rate = 3"}).cells]
['total = sum(falls)', 'rate = 3']
>>> [cell.source for cell in filled_release(release, source, share=0.5).cells]
['total = sum(falls)', '# YOUR CODE HERE']
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import nbformat

from icp_helpers.errors import UsageError

__all__ = ["answer_sources", "filled_release", "with_answers"]


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


def answer_sources(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The text of each answer cell of ``notebook``, by ``grade_id``.

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> meta = {"nbgrader": {"grade_id": "ex1", "solution": True}}
    >>> answer_sources(new_notebook(cells=[new_code_cell("x = 1", metadata=meta)]))
    {'ex1': 'x = 1'}
    """
    return {
        _nbgrader(cell)["grade_id"]: cell.source
        for cell in notebook.cells
        if _nbgrader(cell).get("solution")
    }


def with_answers(
    notebook: nbformat.NotebookNode,
    answers: Mapping[str, str],
    *,
    share: float = 1.0,
    name: str = "the notebook",
) -> nbformat.NotebookNode:
    """A copy of ``notebook`` whose answer cells hold ``answers`` (text by ``grade_id``).

    Only the first ``share`` of the answer cells (in notebook order) is filled, as by a
    trainee who stopped part way; other cells are left as they were. A ``grade_id`` that is
    not an answer cell of ``notebook`` (``name`` in the message) raises
    :class:`~icp_helpers.errors.UsageError`.

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> meta = {"nbgrader": {"grade_id": "ex1-check", "solution": False}}
    >>> with_answers(new_notebook(cells=[new_code_cell("assert x", metadata=meta)]),
    ...              {"ex1-check": "pass"}, name="a.ipynb")
    Traceback (most recent call last):
    ...
    icp_helpers.errors.UsageError: a.ipynb: cell ex1-check is not an answer cell.
    """
    filled = copy.deepcopy(notebook)
    answer_cells = [cell for cell in filled.cells if _nbgrader(cell).get("solution")]
    known = {_nbgrader(cell).get("grade_id") for cell in answer_cells}
    for grade_id in answers:
        if grade_id not in known:
            if any(_nbgrader(cell).get("grade_id") == grade_id for cell in filled.cells):
                raise UsageError(f"{name}: cell {grade_id} is not an answer cell.")
            raise UsageError(f"{name}: there is no cell with grade_id {grade_id!r}.")
    for cell in answer_cells[: round(len(answer_cells) * share)]:
        cell.source = answers.get(_nbgrader(cell).get("grade_id", ""), cell.source)
    return filled


def filled_release(
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    *,
    replace: Mapping[str, str] | None = None,
    share: float = 1.0,
) -> nbformat.NotebookNode:
    """The ``release`` notebook with the ``source`` notebook's answers filled in.

    ``replace`` gives other text for some answer cells (by ``grade_id``), such as a wrong
    answer or a reflection; ``share`` fills only the first part of the answer cells (see
    :func:`with_answers`). The module's example shows all three.
    """
    return with_answers(release, {**answer_sources(source), **(replace or {})}, share=share)
