"""The hub `icp cohort hub` writes, running for real: JupyterHub with configurable-http-proxy on
loopback, Unix accounts made by its own create-accounts.sh, trainees logging in over HTTP.

Needs root (it creates throwaway Unix accounts, removed afterwards) and configurable-http-proxy
(`.ci/run` installs it); skipped with the reason otherwise. Every wait is bounded and every
process started is stopped at the end. The hub's set-up is tests/facilitator/live_hub.py,
shared with benchmarks/hub_load.py; the hub itself (``cohort_hub``) is shared with the round
trip (test_hub_roundtrip.py), which is also where a trainee uses the Assignments tab in Chromium.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ASSIGNMENT

pytestmark = pytest.mark.slow
pytest.importorskip("jupyterhub", reason="pip install '.[facilitator]' (JupyterHub)")
requests = pytest.importorskip("requests")

from .live_hub import wait_for as _wait  # noqa: E402 - needs requests


def _log_in(url: str, name: str, password: str):
    """A browser-like session logged in to the hub as ``name``."""
    session = requests.Session()
    page = session.get(f"{url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    form = {"username": name, "password": password}
    if xsrf:
        form["_xsrf"] = xsrf.group(1)
    done = session.post(f"{url}/hub/login", data=form, timeout=60, allow_redirects=True)
    assert done.ok and "jupyterhub-session-id" in session.cookies, done.text[:500]
    return session


def _spawn(url: str, session, name: str, log: Path) -> None:
    """Start ``name``'s server as the hub's Start button does, and open JupyterLab in it
    (through the hub's OAuth hand-shake, which gives the session the server's cookie)."""
    session.get(f"{url}/hub/spawn", timeout=60)

    def opened():
        page = session.get(f"{url}/user/{name}/lab", timeout=60)
        return page.ok and f"/user/{name}/lab" in page.url and page

    _wait(f"{name}'s JupyterLab opening", opened, 240, log)


def test_a_trainee_logs_in_and_gets_the_assignments_tab_and_no_formgrader(cohort_hub):
    url, trainees, facilitator, log = (
        cohort_hub.url,
        cohort_hub.trainees,
        cohort_hub.facilitator,
        cohort_hub.log,
    )
    first, second = trainees
    wrong = requests.post(
        f"{url}/hub/login", data={"username": first, "password": "wrong"}, timeout=30
    )
    assert "jupyterhub-session-id" not in wrong.cookies
    session = _log_in(url, first, trainees[first])
    _spawn(url, session, first, log)

    # the Assignments tab's server side answers, and lists 00 released in the exchange
    listed = session.get(
        f"{url}/user/{first}/assignments", params={"course_id": "icp-cohort-10"}, timeout=60
    )
    assert listed.ok, listed.text[:500]
    assert ASSIGNMENT in listed.text
    # the formgrader is not there, nor is it in JupyterLab
    assert session.get(f"{url}/user/{first}/formgrader", timeout=30).status_code == 404
    lab = session.get(f"{url}/user/{first}/lab", timeout=60)
    assert lab.ok
    disabled = re.search(r'"disabledExtensions": \[([^\]]*)\]', lab.text)
    assert disabled and "@jupyter/nbgrader:formgrader" in disabled.group(1), lab.text[:2000]
    assert "@jupyter/nbgrader:assignment-list" not in disabled.group(1)
    # the course's kernel is there
    kernels = session.get(f"{url}/user/{first}/api/kernelspecs", timeout=30).json()
    assert "python3" in kernels["kernelspecs"]

    # the second trainee: their own server only, and the first's home is closed to them
    other = _log_in(url, second, trainees[second])
    refused = other.get(f"{url}/user/{first}/api/status", timeout=30, allow_redirects=False)
    assert refused.status_code in (302, 403, 404)
    if refused.status_code == 302:
        assert f"/user/{first}/" not in refused.headers.get("Location", "")
    home = subprocess.run(
        ["runuser", "-u", second, "--", "ls", str(Path("~" + first).expanduser())],
        capture_output=True,
        text=True,
    )
    assert home.returncode != 0 and "Permission denied" in home.stderr
    # a trainee cannot reach the formgrader service; a facilitator can
    assert other.get(f"{url}/services/icp-cohort-10/", timeout=30).status_code in (403, 404)
    name, password = facilitator
    staff = _log_in(url, name, password)
    status = _wait(
        "the formgrader answering the facilitator",
        lambda: (
            (r := staff.get(f"{url}/services/icp-cohort-10/formgrader/api/status", timeout=30)).ok
            and r
        ),
        180,
        log,
    )
    assert status.ok
