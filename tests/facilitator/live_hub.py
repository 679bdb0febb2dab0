"""The hub `icp cohort hub` writes, started for real on loopback with throwaway Unix accounts.

Shared by the live hub tests (tests/facilitator/test_hub_live.py) and the load benchmark
(benchmarks/hub_load.py). :func:`running_hub` makes a cohort with a roster of the names given,
writes its hub with ``write_hub``, creates the accounts with the hub's own create-accounts.sh,
releases an assignment into the exchange and starts JupyterHub with configurable-http-proxy;
on leaving it stops the hub and every process of the throwaway accounts, removes the
accounts and deletes every file it made. Every wait is bounded.

A machine that cannot run it (not root, no configurable-http-proxy, the course in a folder
other accounts cannot enter) raises :class:`HubUnavailable`, naming what is missing::

    with running_hub(ROOT, ["icpa1", "icpb1"], "00-getting-started") as hub:
        requests.get(f"{hub.url}/hub/api/", timeout=5)
"""

from __future__ import annotations

import json
import os
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

PASSWORD_LENGTH = 16


class HubUnavailable(Exception):
    """This machine cannot run a live hub; the message says what is missing."""


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
    root: Path  # the course

    @property
    def exchange(self) -> Path:
        return self.base / "exchange"

    @property
    def cohort_folder(self) -> Path:
        return self.base / "cohorts" / "10"

    def icp(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the ``icp`` command line as the grading account, as the guide says to."""
        where = ["--root", str(self.root), "--cohorts-dir", str(self.base / "cohorts")]
        return as_account(self.grader, str(self.python), "-m", "icp_helpers.cli", *args, *where)


def as_account(name: str, *command: str, stdin: str | None = None):
    """Run ``command`` as the Unix account ``name``, in its home, with a plain environment."""
    home = Path("~" + name).expanduser()
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    runuser = shutil.which("runuser") or "runuser"
    return subprocess.run(
        [runuser, "-u", name, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=home,
        timeout=900,
    )


def free_port() -> int:
    """A TCP port on loopback that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], seconds: float, log: Path | None = None):
    """Call ``check`` until it gives something true, for at most ``seconds``; return that."""
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


def check_machine() -> None:
    """Raise :class:`HubUnavailable` unless this machine can run a live hub."""
    if os.geteuid() != 0:
        raise HubUnavailable("needs root: the hub starts servers as trainees' own Unix accounts")
    if not shutil.which("configurable-http-proxy"):
        raise HubUnavailable(
            "needs configurable-http-proxy: npm install -g configurable-http-proxy"
        )
    for tool in ("useradd", "userdel", "chpasswd", "runuser", "pgrep"):
        if not shutil.which(tool):
            raise HubUnavailable(f"needs {tool} to make throwaway Unix accounts")


@contextmanager
def running_hub(
    root: Path, trainees: Sequence[str], assignment: str, *, start_seconds: float = 120
) -> Iterator[LiveHub]:
    """Cohort 10 of the course at ``root`` on a running hub; the trainees' ids as given.

    ``assignment`` is released into the exchange before the hub starts. A facilitator and a
    grading account are made too (names ``icpf...`` and ``icpg...``).
    """
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.hub import HubPorts, write_hub
    from icp_helpers.facilitator.roster import import_roster

    check_machine()
    tag = uuid.uuid4().hex[:6]
    facilitator, grader = f"icpf{tag}", f"icpg{tag}"
    accounts = [*trainees, facilitator, grader]
    # not in /tmp: icp grade's sandbox gives notebooks an empty /tmp, and the course's Python
    # (made in here) must be seen inside it; on the same disk as this environment (hard links)
    base = Path(tempfile.mkdtemp(prefix="icp-hub-", dir="/var/tmp"))
    base.chmod(0o755)  # like /srv: every account can reach the exchange and the hub's profile
    process = None
    try:
        subprocess.run(
            ["useradd", "--system", "--create-home", "--shell", "/bin/sh", grader],
            check=True,
            capture_output=True,
        )
        roster = base / "roster.csv"
        rows = [
            f"{name},Trainee,{n + 1},{name}@example.org,Community"
            for n, name in enumerate(trainees)
        ]
        roster.write_text(
            "id,first_name,last_name,email,directorate\n" + "\n".join(rows) + "\n",
            encoding="utf-8",
        )
        folder, _ = create_cohort(root, "10", where=base / "cohorts", exchange=base / "exchange")
        import_roster(folder, roster)
        (base / "cohorts").chmod(0o755)
        subprocess.run(["chown", "-R", grader, str(folder.root)], check=True)
        ports = HubPorts(free_port(), free_port(), free_port(), free_port())
        python = shared_python(root, base)
        hub = write_hub(
            folder, base / "hub", facilitators=[facilitator], ports=ports, python=python
        )
        made = subprocess.run(
            ["sh", str(base / "hub" / "create-accounts.sh")], capture_output=True, text=True
        )
        if made.returncode != 0:
            raise AssertionError(f"create-accounts.sh failed:\n{made.stdout}{made.stderr}")
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
            root,
        )
        # into the exchange as the grading account, as the guide says (it then owns the
        # exchange's inbound folder, which nbgrader opens to no one else for reading)
        released = live.icp("release", "10", assignment)
        if released.returncode != 0:
            raise AssertionError(f"icp release failed:\n{released.stdout}{released.stderr}")
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"}
        with open(log, "w") as out:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(hub.config)],
                cwd=base / "hub" / "state",
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = live.url

        def answering() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the hub stopped:\n{log.read_text()[-3000:]}")
            return requests.get(f"{url}/hub/api/", timeout=5).ok

        wait_for("the hub answering", answering, start_seconds, log)
        yield live
    finally:
        # The accounts' servers first: asked to stop them, a loaded hub took over a minute
        # (each server is interrupted, then terminated, then killed, in turn); finding them
        # gone, it stops at once.
        for name in accounts:
            stop_processes_of(name)
        if process is not None:
            stop_hub(process)
        for name in accounts:
            stop_processes_of(name)
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def stop_hub(process: subprocess.Popen, seconds: float = 120) -> None:
    """Stop the hub (it stops every server it started) and whatever is left in its group."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass
    try:  # whatever the hub left in its process group (its proxy, if it failed early)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def shared_python(root: Path, base: Path) -> Path:
    """This course's Python as a trust server installs it, where every account can run it.

    The running environment may live in a private folder (here: a Python under /root), so
    a venv of the system's Python of the same version is made in ``base``, holding this
    environment's packages (hard links: the same files, copied in a moment), JupyterLab's files
    and settings (links) and with its own kernel. Its packages are its own, inside it, as in a
    trust's /opt/icp: ``icp grade``'s sandbox shows notebooks the grading Python's folders only.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = Path("/usr/bin") / version
    if not system.exists():
        raise HubUnavailable(
            f"needs {system} (the same Python version, where every account can run it)"
        )
    ours = Path(sys.prefix)
    here = ours / "lib" / version / "site-packages"
    for needed in (root, here):
        closed = [p for p in (needed, *needed.parents) if not p.stat().st_mode & stat.S_IXOTH]
        if closed:
            raise HubUnavailable(
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
        raise HubUnavailable(
            f"could not install {_NEED_NEWER_PYTHON} for Python {found}: {fitted.stderr}"
        )


def stop_processes_of(account: str) -> None:
    """Stop what is still running as a throwaway account (its servers, if the hub left any)."""
    listed = subprocess.run(["pgrep", "-u", account], capture_output=True, text=True)
    for pid in listed.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
