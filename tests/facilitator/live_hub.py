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
class RunningHub:
    """A cohort's hub, running: where it answers and who can log in."""

    url: str
    passwords: dict[str, str]  # every throwaway account's password
    trainees: tuple[str, ...]
    facilitator: str
    grader: str  # owns the cohort folder; icp and the formgrader run as it
    folder: Any  # the cohort's CohortFolder
    base: Path  # everything made lives here (cohorts, exchange, hub, venv, hub.log)
    log: Path
    process: subprocess.Popen


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
) -> Iterator[RunningHub]:
    """Cohort 10 of the course at ``root`` on a running hub; the trainees' ids as given.

    ``assignment`` is released into the exchange before the hub starts. A facilitator and a
    grading account are made too (names ``icpf...`` and ``icpg...``).
    """
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.hub import HubPorts, write_hub
    from icp_helpers.facilitator.release import release
    from icp_helpers.facilitator.roster import import_roster

    check_machine()
    tag = uuid.uuid4().hex[:6]
    facilitator, grader = f"icpf{tag}", f"icpg{tag}"
    accounts = [*trainees, facilitator, grader]
    base = Path(tempfile.mkdtemp(prefix="icp-hub-", dir="/tmp"))
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
        release(folder, assignment)  # into the exchange, as the facilitators would
        passwords = {name: secrets.token_urlsafe(PASSWORD_LENGTH) for name in accounts}
        subprocess.run(
            ["chpasswd"],
            input="".join(f"{n}:{p}\n" for n, p in passwords.items()),
            text=True,
            check=True,
        )
        log = base / "hub.log"
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
        url = f"http://127.0.0.1:{ports.public}"

        def answering() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the hub stopped:\n{log.read_text()[-3000:]}")
            return requests.get(f"{url}/hub/api/", timeout=5).ok

        wait_for("the hub answering", answering, start_seconds, log)
        yield RunningHub(
            url, passwords, tuple(trainees), facilitator, grader, folder, base, log, process
        )
    finally:
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
    a venv of the system's Python of the same version is made in ``base``, reading this
    environment's packages (``.pth``), JupyterLab's files and settings (links) and with its
    own kernel.
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
    (site_packages / "icp_course.pth").write_text(f"import site; site.addsitedir({str(here)!r})\n")
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


def stop_processes_of(account: str) -> None:
    """Stop what is still running as a throwaway account (its servers, if the hub left any)."""
    listed = subprocess.run(["pgrep", "-u", account], capture_output=True, text=True)
    for pid in listed.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
