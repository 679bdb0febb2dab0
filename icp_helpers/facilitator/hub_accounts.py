"""Who logs in to a cohort's JupyterHub: one Unix account per trainee, and the facilitators.

JupyterHub starts each person's server as their own Unix account, and nbgrader names a
submission by that account, so a trainee's account name *is* their roster id. The rule:

* the account name is the roster id in lower case;
* it must then be a valid Unix name: a letter first, then letters, digits or ``-``, at most
  32 characters (``t01``, ``asha-patel``), and not an account the system already uses for
  itself (``root``, ``daemon``, ...).

A roster id that breaks the rule is refused with the line to change, never silently
rewritten: nbgrader matches submissions to the gradebook by this name.

>>> hub_username("T01")
't01'
>>> hub_username("asha.patel")
Traceback (most recent call last):
...
icp_helpers.facilitator.hub_accounts.HubAccountError: roster id 'asha.patel' cannot be a Unix
account name on the hub: use only letters, digits and '-', starting with a letter (e.g.
'asha-patel'); change it in the roster and import it again.
"""

from __future__ import annotations

import pwd
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from icp_helpers.errors import IcpError

if TYPE_CHECKING:
    from icp_helpers.facilitator.cohort_folder import CohortFolder

#: A Unix account name every Linux accepts (``useradd``'s own rule, without ``_`` and ``$``).
UNIX_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
#: Accounts below this id belong to the system (Debian's ``FIRST_UID``).
FIRST_PERSON_UID = 1000


class HubAccountError(IcpError, ValueError):
    """A roster id or facilitator name cannot be an account on the hub."""


def hub_username(name: str, *, what: str = "roster id") -> str:
    """The hub account for a roster id (or facilitator name): ``name`` in lower case, checked.

    >>> hub_username("Ward-7-Nurse")
    'ward-7-nurse'
    """
    username = name.strip().lower()
    if not UNIX_NAME.match(username):
        fix = re.sub(r"[^a-z0-9-]+", "-", username).strip("-")
        fix = fix if fix[:1].isalpha() else f"t{fix}"
        raise HubAccountError(
            f"{what} {name!r} cannot be a Unix account name on the hub: use only letters, "
            f"digits and '-', starting with a letter (e.g. {fix[:32]!r}); change it "
            + ("in the roster and import it again." if what == "roster id" else "and run again.")
        )
    try:
        account = pwd.getpwnam(username)
    except KeyError:
        return username
    if account.pw_uid < FIRST_PERSON_UID:
        raise HubAccountError(
            f"{what} {name!r} is the name of a system account on this machine ({username}, "
            f"uid {account.pw_uid}); give the person another name."
        )
    return username


def hub_people(
    folder: CohortFolder, facilitators: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The hub accounts of a cohort: its trainees' (from the roster) and its facilitators'.

    Refuses, saying what to do, a cohort with no facilitator named, no roster yet, or a
    person who would be both a trainee and a facilitator (trainees must not reach the
    formgrader). A facilitator named twice is counted once.

    >>> hub_people(None, [])
    Traceback (most recent call last):
    ...
    icp_helpers.facilitator.hub_accounts.HubAccountError: name at least one facilitator ...
    """
    from icp_helpers.facilitator.roster import read_roster

    if not facilitators:
        raise HubAccountError(
            "name at least one facilitator (--facilitator NAME, their account on the hub): "
            "they are the hub's admins and the only people who reach the formgrader."
        )
    roster = read_roster(folder)
    if not roster:
        raise HubAccountError(
            f"cohort {folder.cohort} has no roster yet, so the hub would let nobody in; run "
            f"`icp roster import {folder.cohort} roster.csv` first."
        )
    trainees = tuple(hub_username(trainee.id) for trainee in roster)
    staff = tuple(dict.fromkeys(hub_username(n, what="facilitator") for n in facilitators))
    both = sorted(set(staff) & set(trainees))
    if both:
        raise HubAccountError(
            f"{', '.join(both)} is both a trainee and a facilitator; a facilitator needs an "
            "account of their own (trainees must not reach the formgrader)."
        )
    return trainees, staff
