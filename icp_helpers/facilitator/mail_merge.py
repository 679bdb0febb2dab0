"""The mail-merge list for sending an e-mail cohort its feedback: one row per trainee.

``icp feedback 10 ASSIGNMENT`` (for a cohort without an exchange) writes
``outbox/feedback/<assignment>/mail-merge.csv`` beside the zips, with the columns
:data:`COLUMNS`: the trainee's id, names, e-mail address and the path of their feedback zip,
to attach in a mail merge (Outlook and Word: Mailings, Start Mail Merge, Use an Existing
List). The names and addresses are in this file only, which is owner-only and written for
Excel (:func:`icp_helpers.files.spreadsheet_csv`); the command prints its path, never them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.feedback import Feedback
from icp_helpers.facilitator.privacy import write_private_text
from icp_helpers.facilitator.roster import Trainee, read_roster
from icp_helpers.files import spreadsheet_csv

COLUMNS = ("id", "first_name", "last_name", "email", "feedback_file")
FILE_NAME = "mail-merge.csv"


def mail_merge_rows(trainees: Sequence[Trainee], made: Sequence[Feedback]) -> list[list[str]]:
    """A row per trainee (on the roster ``trainees``) with a feedback zip in ``made``.

    >>> asha = Trainee("t01", "Asha", "Patel", "asha.patel@example.org", "Community")
    >>> mail_merge_rows([asha], [Feedback("t01", (), Path("/outbox/t01.zip"))])
    [['t01', 'Asha', 'Patel', 'asha.patel@example.org', '/outbox/t01.zip']]
    """
    zips = {item.trainee: item.zip_file for item in made if item.zip_file is not None}
    return [
        [t.id, t.first_name, t.last_name, t.email, str(zips[t.id])]
        for t in sorted(trainees, key=lambda t: t.id)
        if t.id in zips
    ]


def write_mail_merge(
    folder: CohortFolder, assignment: str, made: Sequence[Feedback]
) -> Path | None:
    """Write the assignment's mail-merge list; None (nothing written) when no feedback was
    zipped to e-mail (a cohort with an exchange, whose trainees fetch their feedback)."""
    rows = mail_merge_rows(read_roster(folder), made)
    if not rows:
        return None
    target = folder.working_folder("outbox", "feedback", assignment) / FILE_NAME
    write_private_text(target, spreadsheet_csv(COLUMNS, rows))
    return target
