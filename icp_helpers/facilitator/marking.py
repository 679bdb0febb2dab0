"""Each trainee's marks as the gradebook holds them now: hand marks included, unmarked apart.

The grades, the progress table and the dashboard read the gradebook whenever they are
written, so a reflection marked in the formgrader shows at once, without grading again. A
cell that waits for a person (a reflection not yet marked, a test cell flagged for review
and not yet marked) is *awaiting marking*: its points are counted apart, never shown as a
zero the trainee earned.

>>> marks = Marks("t01", score=10.0, max_score=13.0, awaiting=3.0, unmarked=("reflection",))
>>> marks.summary()
'10/13 so far, 3 awaiting marking'
>>> marking_status(marks)
'3 marks awaiting marking'
>>> marking_status(Marks("t02", 12.0, 13.0, 0.0, ()))
'marked'
"""

from __future__ import annotations

from dataclasses import dataclass

from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.grading.feedback import marks_in_words


@dataclass(frozen=True)
class Marks:
    """One trainee's marks on one assignment.

    ``score``: the points given so far (autograded and hand marks), less any late penalty;
    ``awaiting``: the points of the cells ``unmarked`` (their grade ids), awaiting marking.
    """

    trainee: str
    score: float
    max_score: float
    awaiting: float
    unmarked: tuple[str, ...]

    def summary(self) -> str:
        """The score in words, e.g. ``10/13`` or ``10/13 so far, 3 awaiting marking``."""
        text = f"{self.score:g}/{self.max_score:g}"
        return f"{text} so far, {self.awaiting:g} awaiting marking" if self.awaiting else text


def marking_status(marks: Marks | None) -> str:
    """Where a submission's marking stands: ``marked``, ``N marks awaiting marking`` or
    ``no submission`` (``marks`` is None)."""
    if marks is None:
        return "no submission"
    return f"{marks_in_words(marks.awaiting)} awaiting marking" if marks.awaiting else "marked"


def assignment_marks(folder: CohortFolder, assignment: str) -> dict[str, Marks]:
    """Every trainee's marks on ``assignment`` from the cohort's gradebook, by trainee id."""
    found = {}
    with folder.gradebook() as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
            unmarked = [g for g in grades if g.needs_manual_grade and g.manual_score is None]
            penalty = float(submission.late_submission_penalty or 0)  # late_policy: zero
            found[submission.student.id] = Marks(
                trainee=submission.student.id,
                score=float(submission.score) - penalty,
                max_score=float(submission.max_score),
                awaiting=sum(float(grade.max_score) for grade in unmarked),
                unmarked=tuple(grade.name for grade in unmarked),
            )
    return found
