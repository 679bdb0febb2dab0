"""Put a run's outputs back into the notebook and score every graded cell as nbgrader does.

Scores come from nbgrader's own ``determine_grade`` on the executed cells, after the
course's post-execution preprocessors (``IgnorePattern``, ``ClearMetadataPreprocessor``,
``LimitOutput``). Two deliberate differences from stock nbgrader, both in the trainee's
favour only when they are honest:

* a Python warning printed on stderr does not, by itself, fail a test cell (stock
  nbgrader scores any stderr output as a failure);
* cells the run never reached (the notebook was stopped by its time limit, its memory
  limit, or died) score zero and say why, instead of the whole submission failing.

Test cells affected by tampering score zero automatically and are marked as needing
manual grading, with the reason.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader import utils
from nbgrader.preprocessors import IgnorePattern, LimitOutput
from traitlets.config import Config

from icp_helpers.grading.execute import RunLog
from icp_helpers.grading.tamper import Finding


@dataclass(frozen=True)
class CellScore:
    """The automatic result for one graded cell of one notebook."""

    notebook: str
    grade_id: str
    auto_score: float | None
    max_score: float
    needs_manual_grade: bool
    reason: str = ""  # what the formgrader shows
    tampering: str = ""  # for a flagged cell: the tampering found, in short


def _stopped_output(why: str) -> dict:
    return {
        "output_type": "error",
        "ename": "NotebookStopped",
        "evalue": why,
        "traceback": [f"NotebookStopped: {why}"],
    }


def fill_outputs(notebook: NotebookNode, run: RunLog, stopped: str | None) -> NotebookNode:
    """A copy of ``notebook`` with the run's outputs; cells never reached get ``stopped``.

    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> nb = new_notebook(cells=[new_code_cell("1"), new_code_cell("2")])
    >>> run = RunLog(outputs={0: []}, execution_counts={0: 1})
    >>> filled = fill_outputs(nb, run, "the notebook ran out of time")
    >>> filled.cells[1].outputs[0].ename
    'NotebookStopped'
    """
    executed = copy.deepcopy(notebook)
    for index, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        if index in run.outputs:
            cell.outputs = [from_dict(output) for output in run.outputs[index]]
            cell.execution_count = run.execution_counts.get(index)
        elif cell.source.strip():
            cell.outputs = [from_dict(_stopped_output(stopped or "the cell did not run"))]
    return executed


def _without_warnings(cell: NotebookNode, warning_texts: list[str]) -> NotebookNode:
    """A copy of a cell whose stderr text has the run's Python warnings taken out."""
    graded = copy.deepcopy(cell)
    if not warning_texts:
        return graded
    kept = []
    for output in graded.outputs:
        if output.output_type == "stream" and output.name == "stderr":
            text = output.text
            for warning in warning_texts:
                text = text.replace(warning, "", 1)
            if not text.strip():
                continue
            output.text = text
        kept.append(output)
    graded.outputs = kept
    return graded


def post_process(notebook: NotebookNode, config: Config, resources: dict) -> NotebookNode:
    """nbgrader's post-execution preprocessors, configured as the course configures them."""
    for step in (IgnorePattern, ClearMetadataPreprocessor, LimitOutput):
        notebook, resources = step(config=config)(notebook, resources)
    return notebook


def score_notebook(
    name: str,
    executed: NotebookNode,
    run: RunLog,
    findings: list[Finding],
) -> list[CellScore]:
    """Score every graded cell of an executed notebook (see the module notes)."""
    flagged: dict[str, list[str]] = {}
    for finding in findings:
        for test in finding.affects:
            flagged.setdefault(test, []).append(
                f"cell {finding.cell} line {finding.line} {finding.reason}"
            )
    scores = []
    for index, cell in enumerate(executed.cells):
        if not utils.is_grade(cell):
            continue
        grade_id = cell.metadata.nbgrader["grade_id"]
        graded = _without_warnings(cell, run.warnings.get(index, []))
        auto_score, max_score = utils.determine_grade(graded)
        needs_manual = auto_score is None
        reason = tampering = ""
        if grade_id in flagged:
            shown = "none" if auto_score is None else f"{auto_score:g}/{max_score:g}"
            tampering = "possible tampering: " + "; ".join(flagged[grade_id]) + "."
            reason = (
                f"Needs manual grading: {tampering} (The automatic score would have been {shown}.)"
            )
            auto_score, needs_manual = 0.0, True
        elif index in run.timed_out_cells:
            reason = "the cell ran past its time limit and was stopped"
        elif index in run.memory_error_cells:
            reason = "the cell ran out of memory"
        scores.append(
            CellScore(name, grade_id, auto_score, max_score, needs_manual, reason, tampering)
        )
    return scores


def zero_scores(name: str, graded_cells: list[tuple[str, float]], reason: str) -> list[CellScore]:
    """Every graded cell of an unusable notebook scores zero (as nbgrader does for a missing one).

    >>> zero_scores("nb", [("ex1-check", 1.0)], "the file is empty")[0].auto_score
    0.0
    """
    return [
        CellScore(name, grade_id, 0.0, max_score, False, reason)
        for grade_id, max_score in graded_cells
    ]
