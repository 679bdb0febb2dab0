"""The text of each file ``icp cohort hub`` writes (see :mod:`icp_helpers.facilitator.hub`).

Config names follow JupyterHub's and nbgrader's documentation: nbgrader's extensions are
switched on and off per person through a Jupyter config folder of their own
(``jupyter_server_config.json`` for the server extensions, ``labconfig/page_config.json``
for JupyterLab's), which the hub puts on their ``JUPYTER_CONFIG_PATH``.

>>> profile = formgrader_profile()
>>> json.loads(profile["jupyter_server_config.json"])["ServerApp"]["default_url"]
'/formgrader'
"""

from __future__ import annotations

import json

from icp_helpers.facilitator.cohort_folder import CohortFolder

_EXTENSION = "nbgrader.server_extensions.{}"
_LAB = "@jupyter/nbgrader:{}"
_NEWS = "@jupyterlab/apputils-extension:announcements"


def _profile(server: dict[str, bool], lab_off: list[str], extra: dict) -> dict[str, str]:
    """A Jupyter config folder's files: server extensions on or off, lab plugins off."""
    server_config = {
        "ServerApp": {
            "jpserver_extensions": {_EXTENSION.format(k): on for k, on in server.items()},
            **extra,
        }
    }
    page = {"disabledExtensions": {_LAB.format(name): True for name in lab_off}}
    # no "Would you like to get notified about official Jupyter news?" on a trust's server
    page["disabledExtensions"][_NEWS] = True
    return {
        "jupyter_server_config.json": json.dumps(server_config, indent=2) + "\n",
        "labconfig/page_config.json": json.dumps(page, indent=2) + "\n",
    }


def learner_profile(folder: CohortFolder, exchange) -> dict[str, str]:
    """What every person's own server loads: the Assignments tab and Validate, nothing else.

    Its ``nbgrader_config.py`` names the cohort's course and exchange; it holds no gradebook
    address. Submission times are written in UTC (nbgrader's own default, e.g.
    ``2024-09-27 16:00:00.000000 UTC``): nbgrader names a submission
    ``account+assignment+time+random`` and splits the name on ``+``, so a time with an
    offset (``+0100``) would make the submission impossible to collect.
    """
    files = _profile(
        {
            "assignment_list": True,
            "validate_assignment": True,
            "formgrader": False,
            "course_list": False,
        },
        ["formgrader", "create-assignment", "course-list"],
        {},
    )
    lines = [
        f'"""nbgrader for trainees of {folder.course_id}, written by `icp cohort hub`."""',
        "",
        "c = get_config()  # noqa: F821 - provided by nbgrader",
        f"c.CourseDirectory.course_id = {folder.course_id!r}",
        f"c.Exchange.root = {str(exchange)!r}",
        "# times in UTC: nbgrader splits a submission's name on '+', so no '+0100' offsets",
        'c.Exchange.timezone = "UTC"',
        'c.Exchange.timestamp_format = "%Y-%m-%d %H:%M:%S.%f %Z"',
    ]
    files["nbgrader_config.py"] = "\n".join(lines) + "\n"
    return files


def formgrader_profile() -> dict[str, str]:
    """What the cohort's formgrader service loads: the formgrader and Create Assignment.

    It opens on the formgrader's own page: JupyterHub 4.1 and later refuse the frame that
    JupyterLab's formgrader panel would show it in.
    """
    return _profile(
        {
            "formgrader": True,
            "validate_assignment": True,
            "assignment_list": False,
            "course_list": False,
        },
        ["assignment-list", "course-list"],
        {"default_url": "/formgrader"},
    )


def hub_config(settings: dict) -> str:
    """The hub's ``jupyterhub_config.py``: ``settings`` as data, then the config from them."""
    return _HUB_CONFIG.replace("{course_id}", settings["course_id"]).replace(
        "{settings}", json.dumps(settings, indent=4)
    )


_HUB_CONFIG = '''"""JupyterHub for {course_id}, written by `icp cohort hub`; README.md beside it.

Write it again with `icp cohort hub` after the roster or the facilitators change, then restart
the hub. Holds no password: the formgrader reads the gradebook's address from the cohort folder.
"""

import json

SETTINGS = json.loads(r"""{settings}""")

c = get_config()  # noqa: F821 - provided by JupyterHub
course = SETTINGS["course_id"]
path = f"{SETTINGS['bin']}:/usr/local/bin:/usr/bin:/bin"

# where people reach the hub (put HTTPS in front: see README.md); the rest is loopback only
c.JupyterHub.bind_url = SETTINGS["bind_url"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = SETTINGS["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{SETTINGS['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = f"{SETTINGS['state']}/jupyterhub-proxy.pid"
c.JupyterHub.db_url = f"sqlite:///{SETTINGS['state']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{SETTINGS['state']}/jupyterhub_cookie_secret"

# who may log in: the trainees on the roster and the facilitators (the hub's admins)
c.JupyterHub.authenticator_class = SETTINGS["auth"]
c.Authenticator.allowed_users = set(SETTINGS["trainees"]) | set(SETTINGS["facilitators"])
c.Authenticator.admin_users = set(SETTINGS["facilitators"])
if SETTINGS["auth"] == "native":
    c.NativeAuthenticator.open_signup = False  # a facilitator authorises each sign-up

# each person's JupyterLab runs as their own Unix account, in their own (private) home,
# with the course's Python (JupyterLab, nbgrader, icp_helpers and its kernel) and the
# learner's nbgrader extensions only
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [SETTINGS["python"], "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {"JUPYTER_CONFIG_PATH": SETTINGS["learner_config"], "PATH": path}

# nbgrader's groups: formgrade-<course> reaches the formgrader, nbgrader-<course> are students
c.JupyterHub.load_groups = {
    f"formgrade-{course}": {"users": SETTINGS["facilitators"]},
    f"nbgrader-{course}": {"users": SETTINGS["trainees"]},
}
c.JupyterHub.load_roles = [
    {
        "name": f"formgrader-{course}",
        "groups": [f"formgrade-{course}"],
        "scopes": [f"access:services!service={course}"],
    },
    {
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]
c.JupyterHub.services = [
    {
        # the cohort's formgrader, as the account that owns the cohort folder, in it
        "name": course,
        "url": f"http://127.0.0.1:{SETTINGS['formgrader_port']}",
        "command": [SETTINGS["python"], "-m", "jupyterhub.singleuser"],
        "user": SETTINGS["grader"],
        "cwd": SETTINGS["cohort_folder"],
        "environment": {"JUPYTER_CONFIG_PATH": SETTINGS["formgrader_config"], "PATH": path},
        "oauth_no_confirm": True,
        "display": True,
    },
    {
        # stop servers idle for longer than this, so a cohort does not fill the server
        "name": "idle-culler",
        "command": [
            SETTINGS["python"],
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={SETTINGS['idle_seconds']}",
        ],
    },
]
'''

ACCOUNTS_SCRIPT = """#!/bin/sh
# The Unix accounts of the hub for {course_id}, and nbgrader's exchange, written by
# `icp cohort hub`. Safe to run again: accounts already there are kept as they are, and
# every home folder is made private (no trainee can read another's work).
set -eu
if [ "$(id -u)" != 0 ]; then
    echo "create-accounts.sh: it creates Unix accounts; run it as root:" \\
        "sudo sh create-accounts.sh" >&2
    exit 2
fi
for name in {accounts}; do
    if id -u "$name" >/dev/null 2>&1; then
        echo "  $name: already there"
    else
        useradd --create-home --shell /bin/bash "$name"
        echo "  $name: created"
    fi
    home=$(getent passwd "$name" | cut -d: -f6)
    chmod 0700 "$home"
done
# nbgrader's exchange: anyone may write in it, only the owner may remove what is theirs
# (the sticky bit); nbgrader's release makes the course's folders inside it
mkdir -p {exchange}
chmod 1777 {exchange}
if ! id -u {grader} >/dev/null 2>&1; then
    echo "create-accounts.sh: the grading account {grader}" \\
        "(owner of the cohort folder) is missing." >&2
    exit 2
fi
echo "Accounts and exchange ready. Set passwords with passwd NAME if the hub uses PAM."
"""

SYSTEMD_UNIT = """[Unit]
Description=JupyterHub for {course_id} (Improvement Coaching Programme)
After=network.target

[Service]
User=root
WorkingDirectory={state}
Environment=PATH={bin}:/usr/local/bin:/usr/bin:/bin
ExecStart={python} -m jupyterhub -f {config}
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""

README = """# JupyterHub for {course_id}

Written by `icp cohort hub {cohort}`. The hub lets in {trainees} trainee(s) (their roster ids
in lower case are their account names) and the facilitators {facilitators}, who are its
admins. It logs people in with {auth}.

## 1. Create the accounts and the exchange (once, and after the roster changes)

    sudo sh {out}/create-accounts.sh

It creates a Unix account per person (homes readable by their owner only) and the exchange
`{exchange}`; run it again after `icp roster import` and `icp cohort hub`: accounts already
there are kept. {login_note}

## 2. Start the hub

Install configurable-http-proxy (`sudo npm install -g configurable-http-proxy`), then

    sudo cp {out}/{unit} /etc/systemd/system/
    sudo systemctl daemon-reload
    sudo systemctl enable --now {unit}
    journalctl -u {unit} -f            # its log

(or, to try it by hand: `cd {out}/state && sudo {python} -m jupyterhub -f jupyterhub_config.py`
with the path of jupyterhub_config.py in full).
It listens on http://{ip}:{port}. Trainees see the Assignments tab in JupyterLab
(Nbgrader > Assignment List) to fetch, validate and submit, and later fetch their feedback.
Servers idle for {idle} minutes are stopped (their files stay).

## 3. The formgrader

Facilitators open Services > {course_id} on the hub's home page (`/services/{course_id}/`):
the formgrader runs as `{grader}`, the account that owns the cohort folder, with the cohort's
gradebook. Run `icp release`, `icp collect`, `icp grade` and `icp feedback` as `{grader}` too.

## 4. HTTPS

Never run the hub on a trust network without HTTPS: passwords cross the network. Either put
a web server in front (nginx or Apache with the trust's certificate, passing
https://hub.example.nhs.uk/ to http://{ip}:{port}/ with WebSocket upgrades allowed), or give
the hub the certificate itself in jupyterhub_config.py:

    c.JupyterHub.bind_url = "https://0.0.0.0:443"
    c.JupyterHub.ssl_cert = "/etc/ssl/certs/hub.pem"
    c.JupyterHub.ssl_key = "/etc/ssl/private/hub.key"

## 5. NHSmail (Azure AD) sign-in: not built, how it fits

Trusts on NHSmail can let staff sign in with their NHSmail account through oauthenticator's
AzureAdOAuthenticator (`pip install oauthenticator`): register the hub as an application in the
trust's Azure AD (redirect URL https://hub.example.nhs.uk/hub/oauth_callback), then set
`c.JupyterHub.authenticator_class = "azuread"`, `c.AzureAdOAuthenticator.tenant_id`,
`client_id`, `client_secret` (keep it in an owner-only file, never in this folder's copies) and
`oauth_callback_url`, and map each e-mail address to the roster's account names
(`c.AzureAdOAuthenticator.username_claim` and `Authenticator.normalize_username`). The Unix
accounts are still needed. icp does not write this set-up yet.
"""
