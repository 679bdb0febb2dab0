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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icp_helpers.grading.batch import grade_submissions
    from icp_helpers.grading.report import FlaggedCell, GradingReport, SubmissionResult

__all__ = ["FlaggedCell", "GradingReport", "SubmissionResult", "grade_submissions"]

# The package's names are imported when first used, not with the package: a grading slot's
# worker (``python -m icp_helpers.grading.worker``) imports this package first, and
# ``grade_submissions`` would bring in nbgrader and its server extensions (over 3 s) in every
# worker, which needs none of it.
_HOMES = {
    "grade_submissions": "icp_helpers.grading.batch",
    "FlaggedCell": "icp_helpers.grading.report",
    "GradingReport": "icp_helpers.grading.report",
    "SubmissionResult": "icp_helpers.grading.report",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
