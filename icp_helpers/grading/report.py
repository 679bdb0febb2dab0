"""What grading a batch produced: one line per submission, with the reason when it matters.

>>> result = SubmissionResult("ana", "graded", "", [], 9.0, 13.0, [])
>>> GradingReport("00-getting-started", [result]).counts()
{'graded': 1}
>>> print(GradingReport("00-getting-started", [result]).lines()[0])
ana: graded, 9/13
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Each outcome and how it is written for people, most serious first; a submission's
#: outcome is the most serious that applies.
OUTCOMES: dict[str, str] = {
    "corrupt": "corrupt notebook",
    "empty": "empty file",
    "missing": "notebook missing",
    "wrong_assignment": "wrong assignment",
    "tampered": "flagged for review",
    "timed_out": "timed out",
    "out_of_memory": "out of memory",
    "kernel_died": "kernel died",
    "duplicate_cell_ids": "graded (cell ids repaired)",
    "restored_cells": "graded (tests restored)",
    "graded": "graded",
    "skipped": "skipped (unchanged)",
}


def most_serious(kinds: list[str]) -> str:
    """The most serious outcome among ``kinds`` (``graded`` when there are none).

    >>> most_serious(["restored_cells", "timed_out"])
    'timed_out'
    """
    ranked = [kind for kind in OUTCOMES if kind in kinds]
    return ranked[0] if ranked else "graded"


def flags_by_reason(flags: Iterable[tuple[str, str]]) -> list[str]:
    """Flagged test cells ``(grade_id, tampering)`` grouped by tampering, one line each.

    One piece of tampering usually flags many test cells; a person wants to read it once.

    >>> why = "possible tampering: cell ex1 line 2 sets __code__."
    >>> flags_by_reason([("ex1-check", why), ("ex2-check", why)])
    ['ex1-check, ex2-check: possible tampering: cell ex1 line 2 sets __code__.']
    """
    grouped: dict[str, list[str]] = {}
    for grade_id, tampering in flags:
        grouped.setdefault(tampering, []).append(grade_id)
    return [f"{', '.join(cells)}: {tampering}" for tampering, cells in grouped.items()]


@dataclass(frozen=True)
class FlaggedCell:
    """A test cell marked as needing manual grading: ``reason`` as the formgrader shows it,
    ``tampering`` the tampering found, in short."""

    notebook: str
    grade_id: str
    reason: str
    tampering: str


@dataclass(frozen=True)
class SubmissionResult:
    """How one student's submission went.

    ``remark``: the cells whose hand mark this grading cleared because the answer changed
    since it was marked (see :mod:`icp_helpers.grading.hand_marks`)."""

    student: str
    outcome: str
    reason: str
    problems: list[str]
    score: float
    max_score: float
    flagged: list[FlaggedCell] = field(default_factory=list)
    seconds: float = 0.0
    earlier: str = ""  # for a skipped submission: its outcome when it was graded
    remark: list[str] = field(default_factory=list)

    def line(self) -> str:
        outcome = f"skipped (unchanged; {self.earlier})" if self.earlier else self.outcome
        text = f"{self.student}: {outcome}, {self.score:g}/{self.max_score:g}"
        if self.reason:
            text += f" - {self.reason}"
        return text


@dataclass
class GradingReport:
    """Every submission graded (or skipped) in one run, in the order they finished."""

    assignment: str
    results: list[SubmissionResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return dict(Counter(result.outcome for result in self.results))

    def by_student(self) -> dict[str, SubmissionResult]:
        return {result.student: result for result in self.results}

    def lines(self) -> list[str]:
        return [result.line() for result in sorted(self.results, key=lambda r: r.student)]
