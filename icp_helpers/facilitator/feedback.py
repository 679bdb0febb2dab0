"""Per-trainee HTML feedback for an assignment, each holding that trainee's work only.

One HTML page per graded notebook goes to ``feedback/<trainee>/<assignment>/``, made by
nbgrader's feedback template with the hidden tests taken out
(:func:`icp_helpers.grading.feedback.write_feedback`) and without the facilitators' rubric,
which is left out as the page is made: the graded notebooks are only read, never changed.
Each page and zip is written whole or not at all; if the disk fills part way, the pages
finished before are kept and nothing is half-written.
With an exchange the pages are also released there for trainees to fetch (readable by the
trainee who submitted, see :func:`share_released_feedback`); without one each trainee's
pages are zipped in ``outbox/feedback/<assignment>/<trainee>.zip`` to e-mail.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from icp_helpers.errors import UsageError
from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.privacy import make_private, private_umask
from icp_helpers.facilitator.rubric import TAG as RUBRIC_TAG
from icp_helpers.grading.feedback import write_feedback

SHARED_PAGE = 0o644


@dataclass(frozen=True)
class Feedback:
    """One trainee's feedback pages and, without an exchange, the zip to e-mail them in."""

    trainee: str
    pages: tuple[Path, ...]
    zip_file: Path | None


def generate_feedback(folder: CohortFolder, assignment: str) -> list[Feedback]:
    """Generate (or refresh) feedback for every graded submission of ``assignment``."""
    folder.schedule().dates_for(assignment)
    notebooks = (folder.root / "autograded").glob(f"*/{assignment}/*.ipynb")
    graded = sorted({path.parent.parent.name for path in notebooks})
    if not graded:
        raise UsageError(
            f"nothing of {assignment} has been graded in cohort {folder.cohort}; run "
            f"`icp grade {folder.cohort} {assignment}` first."
        )
    for trainee in graded:  # the rubric is for facilitators only; graded notebooks keep it
        write_feedback(folder.root, assignment, trainee, leave_out_tags={RUBRIC_TAG})
    if folder.exchange is not None:
        folder.nbgrader("release_feedback", assignment)
        share_released_feedback(folder.exchange / folder.course_id / "feedback")
    make_private(folder.root / "feedback")
    results = []
    for trainee in graded:
        pages = tuple(sorted((folder.root / "feedback" / trainee / assignment).glob("*.html")))
        zip_file = None
        if folder.exchange is None and pages:
            zip_file = _zip(folder, assignment, trainee, pages)
        results.append(Feedback(trainee, pages, zip_file))
    return results


def share_released_feedback(outbound: Path) -> None:
    """Let trainees read the feedback pages released to the exchange, as nbgrader means them to.

    nbgrader's ``release_feedback`` copies each page with its permissions; ours are owner-only
    in the cohort folder, so the copies were unreadable to the trainee fetching them. nbgrader
    makes the exchange's feedback folder ``0o711`` (anyone may pass through, nobody but the
    facilitator may list it) and names each page by a hash of the submission's own secret,
    so a page is readable by all (``0o644``) yet found only by the trainee who submitted it.
    """
    for page in outbound.glob("*.html"):
        page.chmod(SHARED_PAGE)


def _zip(folder: CohortFolder, assignment: str, trainee: str, pages: tuple[Path, ...]) -> Path:
    outbox = folder.working_folder("outbox", "feedback", assignment)
    target = outbox / f"{trainee}.zip"
    partial = outbox / f".{trainee}.zip.partial"
    try:
        with private_umask(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for page in pages:
                archive.write(page, f"{assignment}-feedback/{page.name}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
