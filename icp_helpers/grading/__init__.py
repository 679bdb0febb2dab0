"""Grading you can trust, at speed: nbgrader's autograding, hardened and run in parallel.

:func:`grade_submissions` autogrades a folder of submissions with nbgrader's own
preprocessors and gradebook, each notebook in a fresh process forked from a warmed worker,
under a wall-clock and a memory limit, with a static tamper scan of the learner's cells.
:func:`write_feedback` writes feedback HTML with the hidden tests taken out.

The steps, one module each: :mod:`~icp_helpers.grading.course_config` (the course's config),
:mod:`~icp_helpers.grading.intake` (read and sanitise), :mod:`~icp_helpers.grading.tamper`
(static scan), :mod:`~icp_helpers.grading.limits`, :mod:`~icp_helpers.grading.shell`,
:mod:`~icp_helpers.grading.execute`, :mod:`~icp_helpers.grading.worker` and
:mod:`~icp_helpers.grading.pool` (running), :mod:`~icp_helpers.grading.score`,
:mod:`~icp_helpers.grading.record` (the gradebook), :mod:`~icp_helpers.grading.submission`
and :mod:`~icp_helpers.grading.batch` (putting it together),
:mod:`~icp_helpers.grading.feedback`.
"""

from icp_helpers.grading.batch import grade_submissions
from icp_helpers.grading.report import FlaggedCell, GradingReport, SubmissionResult

__all__ = ["FlaggedCell", "GradingReport", "SubmissionResult", "grade_submissions"]
