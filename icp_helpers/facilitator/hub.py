"""A ready-to-run JupyterHub for one cohort: ``icp cohort hub 10 --out /srv/icp-hub-10``.

It writes, into the folder given, everything a trust's server needs to run the cohort on
JupyterHub with nbgrader's exchange::

    jupyterhub_config.py      the hub: accounts, authenticator, the formgrader service,
                              idle-server culling, where the hub keeps its state
    jupyter/learner/          what every person's own JupyterLab loads (JUPYTER_CONFIG_PATH):
                              nbgrader's Assignments tab and Validate button, no formgrader,
                              no Create Assignment; the cohort's course id and exchange
    jupyter/formgrader/       what the cohort's formgrader service loads: the formgrader and
                              Create Assignment, no Assignments tab
    state/                    the hub's database and cookie secret (owner-only, made empty)
    create-accounts.sh        makes the Unix accounts and the exchange (root only; idempotent)
    icp-hub-cohort-10.service a systemd unit that starts the hub
    README.md                 how to start it, put HTTPS in front, and sign in with NHSmail

Trainees log in with their roster id (see :mod:`icp_helpers.facilitator.hub_accounts`).
Facilitators are the hub's admins and reach the formgrader as a hub service (nbgrader's
"one class, multiple graders" set-up): it runs as the account that owns the cohort folder
(its gradebook and submissions are that account's, owner-only), in the cohort folder, so it
grades with the cohort's own nbgrader configuration and gradebook. Nothing written holds the
gradebook's password: the formgrader reads it from the cohort folder, as ``icp`` does.

>>> from pathlib import Path
>>> ports = HubPorts(public=8000)
>>> ports.hub, ports.proxy_api, ports.formgrader
(8081, 8001, 8082)
"""

from __future__ import annotations

import pwd
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from icp_helpers.errors import IcpError
from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.hub_accounts import hub_people
from icp_helpers.facilitator.hub_files import (
    ACCOUNTS_SCRIPT,
    README,
    SYSTEMD_UNIT,
    formgrader_profile,
    hub_config,
    learner_profile,
)
from icp_helpers.facilitator.privacy import private_folder, write_private_text
from icp_helpers.files import atomic_write

AUTHENTICATORS = {
    "pam": "local Unix accounts and their passwords (PAM)",
    "native": "accounts with their own passwords kept by the hub (NativeAuthenticator)",
}


class HubError(IcpError, ValueError):
    """The cohort cannot be put on a hub as asked; the message says what to do first."""


@dataclass(frozen=True)
class HubPorts:
    """The hub's ports on this machine: ``public`` is the one people (or HTTPS) reach.

    The others listen on loopback only: the hub's own API, the proxy's API and the
    cohort's formgrader service.
    """

    public: int = 8000
    hub: int = 8081
    proxy_api: int = 8001
    formgrader: int = 8082


@dataclass(frozen=True)
class Hub:
    """What :func:`write_hub` wrote and who the hub lets in."""

    folder: Path
    course_id: str
    trainees: tuple[str, ...]
    facilitators: tuple[str, ...]
    grader: str
    exchange: Path
    auth: str
    ports: HubPorts

    @property
    def config(self) -> Path:
        """The hub's ``jupyterhub_config.py``."""
        return self.folder / "jupyterhub_config.py"

    @property
    def unit(self) -> Path:
        """The systemd unit file."""
        return self.folder / f"icp-hub-{self.course_id.removeprefix('icp-')}.service"


def write_hub(
    folder: CohortFolder,
    out: Path,
    *,
    facilitators: list[str],
    auth: str = "pam",
    ports: HubPorts | None = None,
    ip: str = "127.0.0.1",
    idle_minutes: int = 60,
    python: Path | None = None,
) -> Hub:
    """Write a JupyterHub for the cohort in ``folder`` into ``out``; return what was written.

    ``python`` is the Python whose JupyterHub, JupyterLab, nbgrader and ``icp_helpers`` the
    hub and everyone's servers run (default: this one). Refuses, writing nothing, when the
    cohort has no exchange or no roster, a roster id or facilitator cannot be an account,
    or the cohort folder belongs to root (the formgrader must not run as root).

    >>> write_hub(None, Path("hub"), facilitators=[], auth="ldap")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.facilitator.hub.HubError: --auth ldap is not one icp writes; choose pam ...
    """
    if auth not in AUTHENTICATORS:
        raise HubError(
            f"--auth {auth} is not one icp writes; choose pam (the server's Unix accounts) or "
            "native (NativeAuthenticator); see the hub's README for OAuth (NHSmail)."
        )
    ports = ports or HubPorts()
    if folder.exchange is None:
        raise HubError(
            f"cohort {folder.cohort} has no nbgrader exchange, which trainees on a hub fetch "
            f"from and submit to; run `icp cohort create {folder.cohort} --exchange "
            "/srv/nbgrader/exchange` first."
        )
    trainees, staff = hub_people(folder, facilitators)
    grader = _grader_account(folder)
    python = Path(python or sys.executable)
    _check_everyone_reaches(python)
    out = Path(out).resolve()
    hub = Hub(out, folder.course_id, trainees, staff, grader, folder.exchange, auth, ports)
    _write(hub, folder, python, ip, idle_minutes)
    return hub


def _grader_account(folder: CohortFolder) -> str:
    """The account that owns the cohort folder, which the formgrader service runs as."""
    owner = folder.root.stat().st_uid
    if owner == 0:
        raise HubError(
            f"the cohort folder {folder.root} belongs to root, and the formgrader (which runs "
            "trainees' notebooks) must not run as root; give it to a grading account, e.g. "
            f"`useradd --system --create-home icp-grader && chown -R icp-grader {folder.root}`, "
            "and run icp as that account."
        )
    try:
        return pwd.getpwuid(owner).pw_name
    except KeyError:
        raise HubError(
            f"the cohort folder {folder.root} belongs to uid {owner}, which has no account on "
            "this machine; give it to the grading account with chown -R."
        ) from None


def _check_everyone_reaches(python: Path) -> None:
    """Refuse a Python that trainees' accounts could not run (in a private folder, say)."""
    for path in (python, python.resolve()):
        for place in (path, *path.parents):
            if place.exists() and not place.stat().st_mode & stat.S_IXOTH:
                raise HubError(
                    f"the course's Python {python} is in {place}, which other accounts cannot "
                    "enter, so no trainee's server could start; install the course where "
                    "everyone can read it (e.g. `python3 -m venv /opt/icp && /opt/icp/bin/pip "
                    "install '.[facilitator]'`) and pass --python /opt/icp/bin/python."
                )


def _write(hub: Hub, folder: CohortFolder, python: Path, ip: str, idle_minutes: int) -> None:
    """Write every file of the hub; each one whole or not at all."""
    out = hub.folder
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o755)  # everyone's server reads jupyter/learner inside it
    state = private_folder(out / "state")
    bin_dir = python.parent
    learner = out / "jupyter" / "learner"
    formgrader = out / "jupyter" / "formgrader"
    for profile, files in (
        (learner, learner_profile(folder, hub.exchange)),
        (formgrader, formgrader_profile()),
    ):
        for name, text in files.items():
            path = profile / name
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, text)
            path.chmod(0o644)
    for made in (out / "jupyter", *(out / "jupyter").rglob("*")):
        if made.is_dir():
            made.chmod(0o755)  # every person's server reads its profile
    settings = {
        "course_id": hub.course_id,
        "trainees": list(hub.trainees),
        "facilitators": list(hub.facilitators),
        "grader": hub.grader,
        "cohort_folder": str(folder.root),
        "auth": hub.auth,
        "bind_url": f"http://{ip}:{hub.ports.public}",
        "hub_port": hub.ports.hub,
        "proxy_api_port": hub.ports.proxy_api,
        "formgrader_port": hub.ports.formgrader,
        "idle_seconds": idle_minutes * 60,
        "state": str(state),
        "learner_config": str(learner),
        "formgrader_config": str(formgrader),
        "bin": str(bin_dir),
        "python": str(python),
    }
    write_private_text(out / "jupyterhub_config.py", hub_config(settings))
    names = " ".join(shlex.quote(n) for n in (*hub.facilitators, *hub.trainees))
    write_private_text(
        out / "create-accounts.sh",
        ACCOUNTS_SCRIPT.format(
            accounts=names,
            exchange=shlex.quote(str(hub.exchange)),
            grader=shlex.quote(hub.grader),
            course_id=hub.course_id,
        ),
    )
    (out / "create-accounts.sh").chmod(0o700)
    atomic_write(
        hub.unit,
        SYSTEMD_UNIT.format(
            course_id=hub.course_id, state=state, bin=bin_dir, config=hub.config, python=python
        ),
    )
    hub.unit.chmod(0o644)
    atomic_write(
        out / "README.md",
        README.format(
            course_id=hub.course_id,
            cohort=folder.cohort,
            out=out,
            unit=hub.unit.name,
            port=hub.ports.public,
            ip=ip,
            auth=AUTHENTICATORS[hub.auth],
            facilitators=", ".join(hub.facilitators),
            grader=hub.grader,
            trainees=len(hub.trainees),
            exchange=hub.exchange,
            idle=idle_minutes,
            python=python,
            login_note=_LOGIN_NOTES[hub.auth],
        ),
    )
    (out / "README.md").chmod(0o644)


_LOGIN_NOTES = {
    "pam": (
        "People log in with their account name and its Unix password. Set each password "
        "with `passwd NAME` (or let the trust's directory provide them through PAM)."
    ),
    "native": (
        "Each person signs up once at /hub/signup with their account name and a password "
        "of their choosing; a facilitator then authorises them at /hub/authorize. Only the "
        "names in this hub's list can sign up. The Unix accounts are still needed: each "
        "person's server runs as their own account."
    ),
}
