"""What can become of a trainee's submission, in the words the facilitator sees.

One place for the outcome names that ``icp grade`` prints, the grading ledger stores and
``icp report`` shows. Most come from the grading engine
(:data:`icp_helpers.grading.report.OUTCOMES`); a cohort adds ``missing`` (nothing was
collected from the trainee) and ``not_graded`` (collected, not graded yet).

>>> LABELS["kernel_died"]
'kernel died'
>>> sorted(GRADED)
['duplicate_cell_ids', 'graded', 'restored_cells']
>>> "tampered" in PROBLEMS and "missing" not in PROBLEMS
True
"""

from __future__ import annotations

#: Each outcome and how it is written for people, most serious first.
LABELS = {
    "corrupt": "corrupt notebook",
    "empty": "empty file",
    "wrong_assignment": "wrong assignment",
    "notebook_missing": "notebook missing",
    "tampered": "flagged for review",
    "timed_out": "timed out",
    "out_of_memory": "out of memory",
    "kernel_died": "kernel died",
    "duplicate_cell_ids": "graded (cell ids repaired)",
    "restored_cells": "graded (tests restored)",
    "graded": "graded",
    "missing": "no submission",
    "not_graded": "not graded yet",
}

#: Outcomes whose scores stand as the autograder gave them (a repaired notebook included).
GRADED = frozenset({"graded", "duplicate_cell_ids", "restored_cells"})

#: Outcomes a facilitator should look at: work was lost, unusable or flagged.
PROBLEMS = frozenset(LABELS) - GRADED - {"missing", "not_graded"}


def engine_outcome(outcome: str) -> str:
    """The cohort's name for a grading-engine outcome.

    The engine says ``missing`` when a notebook of the assignment is absent from a
    submission; in a cohort ``missing`` means nothing was collected at all.

    >>> engine_outcome("missing"), engine_outcome("timed_out")
    ('notebook_missing', 'timed_out')
    """
    return "notebook_missing" if outcome == "missing" else outcome
