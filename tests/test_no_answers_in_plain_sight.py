"""No answers in plain sight: a learner has to work out every answer.

Each notebook's release is run in a grading slot as a learner's JupyterLab would run it
(``run_as_learner``), filled with the solution's answers, with one more cell that reads back
the answers each answer cell stores; none of them may be stated in the teaching text
(markdown) or in the code an answer cell comes pre-filled with
(:mod:`icp_helpers.course.plain_sight` says which forms of an answer count, so that
incidental numbers do not). That an unanswered answer cell prints nothing is checked with the
unanswered runs of ``test_visible_checks.py``.

The run also shows whether numbers display as plain numbers (341, not numpy 2's
``np.int64(341)``) in every cell a learner runs.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from icp_helpers.course.answers import filled_release
from icp_helpers.course.plain_sight import answer_names, given_away
from icp_helpers.course.release import assignment_names

from .conftest import run_as_learner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [
    (assignment, path.name)
    for assignment in assignment_names(ROOT)
    for path in sorted((ROOT / "source" / assignment).glob("*.ipynb"))
]

pytestmark = pytest.mark.slow

#: Reads back the answers as plain values (a date as {"date": "YYYY-MM-DD"}, a dictionary as
#: the list of its values; anything else, such as a chart or a table, as None).
READ_BACK = """
import json as _json
import numpy as _np
import pandas as _pd


def _plain_answer(value):
    if isinstance(value, _np.generic):
        value = value.item()
    if isinstance(value, _pd.Timestamp):
        return {"date": value.date().isoformat()}
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain_answer(item) for item in value]
    if isinstance(value, dict):
        return [_plain_answer(item) for item in value.values()]
    return None


print("ANSWERS " + _json.dumps({cell: [_plain_answer(globals().get(name)) for name in names]
                               for cell, names in NAMES.items()}))
"""


def _answer_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")]


@pytest.fixture(scope="module")
def runs(learner_slot):
    """Each notebook's stored answers and its cells' outputs, filled with the solution."""

    @cache
    def run(assignment: str, name: str) -> tuple[dict, dict]:
        source = nbformat.read(ROOT / "source" / assignment / name, as_version=4)
        release = nbformat.read(ROOT / "release" / assignment / name, as_version=4)
        names = {cell.metadata.nbgrader["grade_id"]: answer_names(cell.source)
                 for cell in _answer_cells(source)}
        filled = filled_release(release, source)
        filled.cells.append(new_code_cell(f"NAMES = {names!r}\n{READ_BACK}"))
        shown, _ = run_as_learner(learner_slot, assignment, filled)
        printed = "".join(output.get("text", "") for output in shown[len(filled.cells) - 1])
        return json.loads(printed.split("ANSWERS ", 1)[1]), shown

    return run


@pytest.mark.parametrize(("assignment", "name"), NOTEBOOKS)
def test_no_answer_is_stated_in_the_text_or_a_pre_filled_answer_cell(runs, assignment, name):
    answers, _ = runs(assignment, name)
    assert any(value is not None for values in answers.values() for value in values), answers
    release = nbformat.read(ROOT / "release" / assignment / name, as_version=4)
    text = "\n".join(cell.source for cell in release.cells if cell.cell_type == "markdown")
    pre_filled = "\n".join(cell.source for cell in _answer_cells(release)
                           if cell.cell_type == "code")
    assert given_away(text, answers) == [], "stated in the teaching text"
    assert given_away(pre_filled, answers) == [], "written in a pre-filled answer cell"


NUMPY_REPR = re.compile(r"np\.(?:u?int|float|bool|str)\w*\(")


@pytest.mark.parametrize(("assignment", "name"), NOTEBOOKS)
def test_numbers_display_as_plain_numbers(runs, assignment, name):
    _, shown = runs(assignment, name)
    texts = {index: json.dumps(outputs, ensure_ascii=False) for index, outputs in shown.items()}
    assert {index: NUMPY_REPR.findall(text) for index, text in texts.items()
            if NUMPY_REPR.search(text)} == {}
