"""The hub `icp cohort hub` writes, running for real: JupyterHub with configurable-http-proxy on
loopback, Unix accounts made by its own create-accounts.sh, trainees logging in over HTTP.

Needs root (it creates throwaway Unix accounts, removed afterwards) and configurable-http-proxy
(`.ci/run` installs it); skipped with the reason otherwise. Every wait is bounded and every
process started is stopped at the end.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ASSIGNMENT, ROOT

pytestmark = pytest.mark.slow
pytest.importorskip("jupyterhub", reason="pip install '.[facilitator]' (JupyterHub)")
requests = pytest.importorskip("requests")

PASSWORD_LENGTH = 16


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(what: str, check, seconds: float, log: Path | None = None):
    """Call ``check`` until it gives something true, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except requests.RequestException:
            found = None
        if found:
            return found
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not happen within {seconds:g} s\n{tail}")


@dataclass(frozen=True)
class LiveHub:
    """A cohort on a running hub, and who may log in to it."""

    url: str
    trainees: dict[str, str]  # account: password
    facilitator: tuple[str, str]  # account, password
    grader: str  # the account that owns the cohort folder (the formgrader and icp run as it)
    base: Path  # the cohorts, the exchange, the hub and the shared Python are in here
    python: Path  # the course's Python, which every account can run
    log: Path  # the hub's log

    @property
    def exchange(self) -> Path:
        return self.base / "exchange"

    def icp(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the ``icp`` command line as the grading account, as the guide says to."""
        where = ["--root", str(ROOT), "--cohorts-dir", str(self.base / "cohorts")]
        return as_account(self.grader, str(self.python), "-m", "icp_helpers.cli", *args, *where)


def as_account(name: str, *command: str, stdin: str | None = None):
    """Run ``command`` as the Unix account ``name``, in its home, with a plain environment."""
    home = Path("~" + name).expanduser()
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(
        ["runuser", "-u", name, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=home,
        timeout=900,
    )


@pytest.fixture(scope="module")
def live_hub():
    """A cohort on a running hub, 00 released by the grading account (see :class:`LiveHub`)."""
    with running_hub() as hub:
        yield hub


@contextmanager
def running_hub() -> Iterator[LiveHub]:
    """Start the hub ``icp cohort hub`` writes for a cohort of two trainees; remove it all after.

    Skips the test when this machine cannot run it (not root, no proxy, no useradd).
    """
    if os.geteuid() != 0:
        pytest.skip("needs root: the hub starts servers as trainees' own Unix accounts")
    if not shutil.which("configurable-http-proxy"):
        pytest.skip("needs configurable-http-proxy: npm install -g configurable-http-proxy")
    for tool in ("useradd", "userdel", "chpasswd", "runuser"):
        if not shutil.which(tool):
            pytest.skip(f"needs {tool} to make throwaway Unix accounts")
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.hub import HubPorts, write_hub
    from icp_helpers.facilitator.roster import import_roster

    tag = uuid.uuid4().hex[:6]
    trainees = [f"icpa{tag}", f"icpb{tag}"]
    facilitator, grader = f"icpf{tag}", f"icpg{tag}"
    accounts = [*trainees, facilitator, grader]
    # not in /tmp: icp grade's sandbox gives notebooks an empty /tmp, and the course's Python
    # (made in here) must be seen inside it; on the same disk as this environment (hard links)
    base = Path(tempfile.mkdtemp(prefix="icp-hub-", dir="/var/tmp"))
    base.chmod(0o755)  # like /srv: every account can reach the exchange and the hub's profile
    hub_process = None
    try:
        subprocess.run(
            ["useradd", "--system", "--create-home", "--shell", "/bin/sh", grader],
            check=True,
            capture_output=True,
        )
        roster = base / "roster.csv"
        roster.write_text(
            "id,first_name,last_name,email,directorate\n"
            f"{trainees[0]},Asha,Patel,asha.patel@example.org,Community\n"
            f"{trainees[1]},Ben,Okafor,ben.okafor@example.org,Forensic\n",
            encoding="utf-8",
        )
        folder, _ = create_cohort(ROOT, "10", where=base / "cohorts", exchange=base / "exchange")
        import_roster(folder, roster)
        (base / "cohorts").chmod(0o755)
        subprocess.run(["chown", "-R", grader, str(folder.root)], check=True)
        ports = HubPorts(_free_port(), _free_port(), _free_port(), _free_port())
        python = _shared_python(base)
        hub = write_hub(
            folder, base / "hub", facilitators=[facilitator], ports=ports, python=python
        )
        made = subprocess.run(
            ["sh", str(base / "hub" / "create-accounts.sh")], capture_output=True, text=True
        )
        assert made.returncode == 0, made.stdout + made.stderr
        again = subprocess.run(
            ["sh", str(base / "hub" / "create-accounts.sh")], capture_output=True, text=True
        )
        assert again.returncode == 0 and "already there" in again.stdout  # idempotent
        passwords = {name: secrets.token_urlsafe(PASSWORD_LENGTH) for name in accounts}
        subprocess.run(
            ["chpasswd"],
            input="".join(f"{n}:{p}\n" for n, p in passwords.items()),
            text=True,
            check=True,
        )
        log = base / "hub.log"
        live = LiveHub(
            f"http://127.0.0.1:{ports.public}",
            {n: passwords[n] for n in trainees},
            (facilitator, passwords[facilitator]),
            grader,
            base,
            python,
            log,
        )
        released = live.icp("release", "10", ASSIGNMENT)  # into the exchange, as the guide says
        assert released.returncode == 0, released.stdout + released.stderr
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"}
        with open(log, "w") as out:
            hub_process = subprocess.Popen(
                [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(hub.config)],
                cwd=base / "hub" / "state",
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait(
            "the hub answering",
            lambda: (
                hub_process.poll() is None
                and requests.get(f"{live.url}/hub/api/", timeout=5).ok
                or hub_process.poll() is not None
                and pytest.fail(log.read_text())
            ),
            120,
            log,
        )
        yield live
    finally:
        if hub_process is not None:
            hub_process.send_signal(signal.SIGTERM)  # the hub stops every server it started
            try:
                hub_process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
            try:  # whatever the hub left in its process group (its proxy, if it failed early)
                os.killpg(hub_process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            hub_process.wait(timeout=10)
        for name in accounts:
            _stop_processes_of(name)
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _shared_python(base: Path) -> Path:
    """This course's Python as a trust server installs it, where every account can run it.

    The test's own environment may live in a private folder (here: a Python under /root), so
    a venv of the system's Python of the same version is made in ``base``, holding this
    environment's packages (hard links: the same files, copied in a moment), JupyterLab's files
    and settings (links) and with its own kernel. Its packages are its own, inside it, as in a
    trust's /opt/icp: ``icp grade``'s sandbox shows notebooks the grading Python's folders only.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = Path("/usr/bin") / version
    if not system.exists():
        pytest.skip(f"needs {system} (the same Python version, where every account can run it)")
    ours = Path(sys.prefix)
    here = ours / "lib" / version / "site-packages"
    for needed in (ROOT, here):
        closed = [p for p in (needed, *needed.parents) if not p.stat().st_mode & stat.S_IXOTH]
        if closed:
            pytest.skip(
                f"{closed[0]} is closed to other accounts, so trainees could not use {needed}"
            )
    venv = base / "venv"
    subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = venv / "lib" / version / "site-packages"
    linked = subprocess.run(["cp", "-al", f"{here}/.", str(site_packages)], capture_output=True)
    if linked.returncode != 0:  # another disk: copy the files themselves
        subprocess.run(["cp", "-a", f"{here}/.", str(site_packages)], check=True)
    _fit_packages_to(system, site_packages)
    data = venv / "share" / "jupyter"
    data.mkdir(parents=True)
    for entry in (ours / "share" / "jupyter").iterdir():
        if entry.name != "kernels":
            (data / entry.name).symlink_to(entry)
    (venv / "etc").symlink_to(ours / "etc")  # the server extensions JupyterLab enables
    kernel = data / "kernels" / "python3"
    kernel.mkdir(parents=True)
    spec = json.loads((ours / "share/jupyter/kernels/python3/kernel.json").read_text())
    spec["argv"][0] = str(venv / "bin" / "python")
    (kernel / "kernel.json").write_text(json.dumps(spec))
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
    return venv / "bin" / "python"


#: Packages whose newest releases need a newer Python 3.11 than some systems have (soupsieve 3
#: needs 3.11.5: its patterns do not compile in Debian 12's 3.11.2, and nbconvert's HTML export,
#: icp feedback, then fails). pip would never install them there; the shared Python gets the
#: release pip would choose for it.
_NEED_NEWER_PYTHON = ["soupsieve"]


def _fit_packages_to(python: Path, site_packages: Path) -> None:
    """Give ``python`` the releases of :data:`_NEED_NEWER_PYTHON` it can run, as pip would."""
    found = subprocess.run(
        [str(python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if found == ".".join(map(str, sys.version_info[:3])):
        return
    fitted = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade"]
        + ["--only-binary=:all:", "--python-version", found, "--target", str(site_packages)]
        + _NEED_NEWER_PYTHON,
        capture_output=True,
        text=True,
    )
    if fitted.returncode != 0:
        pytest.skip(f"could not install {_NEED_NEWER_PYTHON} for Python {found}: {fitted.stderr}")


def _stop_processes_of(account: str) -> None:
    """Stop what is still running as a throwaway account (its servers, if the hub left any)."""
    listed = subprocess.run(["pgrep", "-u", account], capture_output=True, text=True)
    for pid in listed.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass


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
    from ..browser.conftest import CHROMIUM, CHROMIUM_FLAGS

    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    url, trainees, log = live_hub.url, live_hub.trainees, live_hub.log
    name = next(iter(trainees))
    shots = []

    def shot(page, step: str) -> None:
        path = tmp_path / f"hub-{len(shots) + 1}-{step}.png"
        page.screenshot(path=str(path))
        shots.append(path)
        keep = os.environ.get("ICP_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
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
        finally:
            browser.close()
    home = Path("~" + name).expanduser()
    assert (home / ASSIGNMENT / "getting-started.ipynb").is_file(), log.read_text()[-2000:]
    assert all(path.stat().st_size > 0 for path in shots)
