"""The exchange as a real trainee sees it: another Unix account fetches the assignment,
submits it, and fetches its own feedback with nbgrader, after the facilitator (this user)
released, collected, graded and released feedback with `icp`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from ..conftest import run_icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
COURSE = "icp-cohort-10"


@pytest.fixture
def trainee_account():
    """A throwaway Unix account (name, home) with a home folder others may not read."""
    if os.geteuid() != 0:
        pytest.skip("needs root to create a trainee's Unix account (useradd) and run as it")
    if not (shutil.which("useradd") and shutil.which("userdel") and shutil.which("runuser")):
        pytest.skip("needs useradd, userdel and runuser to act as a trainee")
    base = Path(tempfile.mkdtemp(prefix="icp-exchange-", dir="/tmp"))
    base.chmod(0o755)  # like /srv: every account can reach the exchange inside
    name = f"icpt{uuid.uuid4().hex[:6]}"
    home = base / "home" / name
    subprocess.run(
        ["useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/bin/sh", name],
        check=True,
        capture_output=True,
    )
    try:
        home.mkdir(parents=True)
        (base / "home").chmod(0o755)
        shutil.chown(home, name, name)
        home.chmod(0o700)
        yield name, home, base
    finally:
        subprocess.run(["userdel", name], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _as_trainee(name: str, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as the trainee's account."""
    return subprocess.run(["runuser", "-u", name, "--", *command], capture_output=True, text=True)


def test_a_trainee_account_reads_the_assignment_and_its_own_feedback(
    trainee_account, tmp_path, course_root, notebook_text
):
    """The trainee reads the files as nbgrader's fetch_assignment and fetch_feedback would.

    The trainee's side uses plain file reads rather than nbgrader itself, so the test needs
    no Python the trainee's account can run (this one may live in root's home).
    """
    from nbgrader.utils import notebook_hash

    name, home, base = trainee_account
    exchange = base / "exchange"
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,first_name,last_name,email,directorate\n"
        f"{name},Asha,Patel,asha.patel@example.org,Community\n"
        "t02,Ben,Okafor,ben.okafor@example.org,Forensic\n",
        encoding="utf-8",
    )
    where = ["--root", str(course_root), "--cohorts-dir", str(tmp_path / "cohorts")]

    def run(*args: str) -> str:
        done = run_icp(*args, *where)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("cohort", "create", "10", "--exchange", str(exchange))
    run("roster", "import", "10", str(roster))
    run("release", "10", ASSIGNMENT)

    outbound = exchange / COURSE / "outbound" / ASSIGNMENT
    for path in (outbound / NOTEBOOK, outbound / "ward_incidents.csv"):
        fetched = _as_trainee(name, "cat", str(path))
        assert fetched.returncode == 0, fetched.stderr
    assert '"nbformat"' in _as_trainee(name, "cat", str(outbound / NOTEBOOK)).stdout

    # the trainee submits their completed work (nbgrader submit, run here for them: its
    # submission is renamed to the trainee, as nbgrader names a submission by its account)
    work = tmp_path / "work" / ASSIGNMENT
    work.mkdir(parents=True)
    (work / NOTEBOOK).write_text(notebook_text(), encoding="utf-8")
    submitted = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "submit",
            ASSIGNMENT,
            "--course",
            COURSE,
            f"--Exchange.root={exchange}",
        ],
        cwd=work.parent,
        capture_output=True,
        text=True,
    )
    assert submitted.returncode == 0, submitted.stderr
    inbound = exchange / COURSE / "inbound"
    (mine,) = list(inbound.iterdir())
    theirs = inbound / f"{name}+{mine.name.split('+', 1)[1]}"
    mine.rename(theirs)
    secret = (theirs / "submission_secret.txt").read_text()

    assert f"Collected {ASSIGNMENT} for 1 trainee(s): {name}" in run("collect", "10", ASSIGNMENT)
    run("grade", "10", ASSIGNMENT, "--jobs", "1")
    run("feedback", "10", ASSIGNMENT)

    # where nbgrader fetch_feedback looks for this trainee's page: the hash of the secret
    # kept with their own submission
    page = (
        exchange
        / COURSE
        / "feedback"
        / f"{notebook_hash(secret=secret, notebook_id=Path(NOTEBOOK).stem)}.html"
    )
    got = _as_trainee(name, "cat", str(page))
    assert got.returncode == 0, got.stderr
    assert "Score: 10 / 13" in got.stdout and "Okafor" not in got.stdout
    # the feedback folder can be passed through but not listed: a page is found only by the
    # hash of one's own submission, so no trainee can see who else has feedback
    listed = _as_trainee(name, "ls", str(exchange / COURSE / "feedback"))
    assert listed.returncode != 0 and "Permission denied" in listed.stderr
