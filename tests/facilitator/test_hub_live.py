"""The hub `icp cohort hub` writes, running for real: JupyterHub with configurable-http-proxy on
loopback, Unix accounts made by its own create-accounts.sh, trainees logging in over HTTP.

Needs root (it creates throwaway Unix accounts, removed afterwards) and configurable-http-proxy
(`.ci/run` installs it); skipped with the reason otherwise. Every wait is bounded and every
process started is stopped at the end. The hub's set-up is tests/facilitator/live_hub.py,
shared with the round-trip test and benchmarks/hub_load.py.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import ASSIGNMENT, ROOT

pytestmark = pytest.mark.slow
pytest.importorskip("jupyterhub", reason="pip install '.[facilitator]' (JupyterHub)")
requests = pytest.importorskip("requests")

from .live_hub import HubUnavailable, LiveHub, running_hub  # noqa: E402 - needs requests
from .live_hub import wait_for as _wait  # noqa: E402


@contextmanager
def cohort_on_a_hub() -> Iterator[LiveHub]:
    """Cohort 10 with two trainees on a running hub, 00 released by the grading account;
    skips the test when this machine cannot run a hub (not root, no proxy, no useradd)."""
    tag = uuid.uuid4().hex[:6]
    try:
        with running_hub(ROOT, [f"icpa{tag}", f"icpb{tag}"], ASSIGNMENT) as hub:
            again = subprocess.run(
                ["sh", str(hub.base / "hub" / "create-accounts.sh")],
                capture_output=True,
                text=True,
            )
            assert again.returncode == 0 and "already there" in again.stdout  # idempotent
            yield hub
    except HubUnavailable as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def live_hub():
    """A cohort on a running hub (see :class:`LiveHub`)."""
    with cohort_on_a_hub() as hub:
        yield hub


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


def test_a_trainee_logs_in_and_gets_the_assignments_tab_and_no_formgrader(live_hub):
    url, trainees, facilitator, log = (
        live_hub.url,
        live_hub.trainees,
        live_hub.facilitator,
        live_hub.log,
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


def test_a_trainee_fetches_00_from_the_assignments_tab_in_chromium(live_hub, tmp_path):
    """What a trainee sees: log in, JupyterLab opens, Nbgrader > Assignment List, Fetch 00.

    Screenshots of each step go to the test's folder (and to $ICP_SCREENSHOTS when set).
    """
    from ..browser.conftest import chromium, save_screenshot

    url, trainees, log = live_hub.url, live_hub.trainees, live_hub.log
    name = next(iter(trainees))
    shots = []

    def shot(page, step: str) -> None:
        shots.append(save_screenshot(page, tmp_path / f"hub-{len(shots) + 1}-{step}.png"))

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/hub/login")
        page.fill("#username_input", name)
        page.fill("#password_input", trainees[name])
        shot(page, "login")
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{name}/lab**", timeout=240_000)
        page.wait_for_selector("#jp-main-dock-panel")
        page.get_by_text("Nbgrader", exact=True).click()
        page.get_by_text("Assignment List", exact=True).click()
        fetch = page.get_by_role("button", name="Fetch")
        fetch.first.wait_for()
        released = page.locator("#released_assignments_list")
        assert ASSIGNMENT in released.inner_text()
        shot(page, "assignments-tab")
        fetch.first.click()
        fetched = page.locator("#fetched_assignments_list")
        fetched.get_by_text(ASSIGNMENT).first.wait_for()
        shot(page, "fetched")
        # the menu has no formgrader or Create Assignment for a trainee
        page.get_by_text("Nbgrader", exact=True).click()
        menu = page.locator(".lm-Menu").last.inner_text()
        assert "Assignment List" in menu and "Formgrader" not in menu
        shot(page, "menu")
        assert not page.get_by_text("official Jupyter news").is_visible()
    home = Path("~" + name).expanduser()
    assert (home / ASSIGNMENT / "getting-started.ipynb").is_file(), log.read_text()[-2000:]
    assert all(path.stat().st_size > 0 for path in shots)
