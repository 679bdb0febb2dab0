"""What can become of a trainee's submission, in the words the facilitator sees.

One place for the outcome names that ``icp grade`` prints, the grading ledger stores and
``icp report`` shows. Most come from the grading engine
(:data:`icp_helpers.grading.report.OUTCOMES`); a cohort adds ``missing`` (nothing was
collected from the trainee), ``not_due`` (nothing collected yet, and the assignment is not
due yet) and ``not_graded`` (collected, not graded yet).

>>> LABELS["kernel_died"]
'kernel died'
>>> sorted(GRADED)
['duplicate_cell_ids', 'graded', 'restored_cells']
>>> "tampered" in PROBLEMS and "missing" not in PROBLEMS
True
>>> LABELS["skipped"]  # every engine outcome has words, a skipped submission included
'skipped (unchanged)'
"""

from __future__ import annotations

from icp_helpers.grading.report import OUTCOMES


def engine_outcome(outcome: str) -> str:
    """The cohort's name for a grading-engine outcome.

    The engine says ``missing`` when a notebook of the assignment is absent from a
    submission; in a cohort ``missing`` means nothing was collected at all.

    >>> engine_outcome("missing"), engine_outcome("timed_out")
    ('notebook_missing', 'timed_out')
    """
    return "notebook_missing" if outcome == "missing" else outcome


#: Each outcome and how it is written for people, most serious first: the grading engine's
#: outcomes in the cohort's names, then the two only a cohort has.
LABELS = {engine_outcome(outcome): words for outcome, words in OUTCOMES.items()} | {
    "missing": "no submission",
    "not_due": "not due yet",
    "not_graded": "not graded yet",
}

#: Outcomes where nothing was handed in yet.
NOTHING_YET = frozenset({"missing", "not_due"})

#: Why a submission with one of these outcomes could not be graded, in a trainee's terms.
UNUSABLE = {
    "corrupt": "a corrupt notebook",
    "empty": "an empty file",
    "wrong_assignment": "not a notebook of this assignment",
    "notebook_missing": "a notebook of this assignment is missing",
}

#: Outcomes whose scores stand as the autograder gave them (a repaired notebook included).
GRADED = frozenset({"graded", "duplicate_cell_ids", "restored_cells"})

#: Outcomes a facilitator should look at: work was lost, unusable or flagged.
PROBLEMS = frozenset(LABELS) - GRADED - NOTHING_YET - {"not_graded", "skipped"}


def why_not_graded(outcome: str, cohort: str, assignment: str) -> str:
    """Why a trainee with ``outcome`` has no grades (or feedback), in words safe for logs.

    >>> why_not_graded("wrong_assignment", "10", "00-getting-started")
    'their submission could not be graded (not a notebook of this assignment)'
    >>> why_not_graded("missing", "10", "00-getting-started")
    'nothing was collected from them'
    """
    if outcome == "missing":
        return "nothing was collected from them"
    if outcome == "not_due":
        return "nothing collected yet, and it is not due yet"
    if outcome == "not_graded":
        return f"their work is collected but not graded yet; run `icp grade {cohort} {assignment}`"
    why = UNUSABLE.get(outcome, LABELS.get(outcome, outcome))
    return f"their submission could not be graded ({why})"
