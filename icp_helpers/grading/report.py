"""What grading a batch produced: one line per submission, with the reason when it matters.

>>> result = SubmissionResult("ana", "graded", "", [], 9.0, 13.0, [])
>>> GradingReport("00-getting-started", [result]).counts()
{'graded': 1}
>>> print(GradingReport("00-getting-started", [result]).lines()[0])
ana: graded, 9/13
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: Outcomes, most serious first; a submission's outcome is the most serious that applies.
OUTCOMES = (
    "corrupt",
    "empty",
    "missing",
    "wrong_assignment",
    "tampered",
    "timed_out",
    "out_of_memory",
    "kernel_died",
    "duplicate_cell_ids",
    "restored_cells",
    "graded",
    "skipped",
)


def most_serious(kinds: list[str]) -> str:
    """The most serious outcome among ``kinds`` (``graded`` when there are none).

    >>> most_serious(["restored_cells", "timed_out"])
    'timed_out'
    """
    ranked = [kind for kind in OUTCOMES if kind in kinds]
    return ranked[0] if ranked else "graded"


@dataclass(frozen=True)
class FlaggedCell:
    """A test cell marked as needing manual grading, and why."""

    notebook: str
    grade_id: str
    reason: str


@dataclass(frozen=True)
class SubmissionResult:
    """How one student's submission went."""

    student: str
    outcome: str
    reason: str
    problems: list[str]
    score: float
    max_score: float
    flagged: list[FlaggedCell] = field(default_factory=list)
    seconds: float = 0.0
    earlier: str = ""  # for a skipped submission: its outcome when it was graded

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
