"""Faults of the machine, not of the facilitator: a full disk, a read-only folder and a
gradebook server that is down each end in one plain message (exit 2, no traceback), with no
partial file left and nothing in the cohort folder changed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.feedback import generate_feedback
from icp_helpers.facilitator.grade import grade_cohort
from icp_helpers.facilitator.report import write_report

from ..conftest import build_once
from .conftest import _copy_cohort, _notebook_text, _write_zip, icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under ``root``: its content's hash (files) and its mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            continue
        mode = path.lstat().st_mode
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[str(path.relative_to(root))] = (digest, mode)
    return found


def _refused_plainly(done: subprocess.CompletedProcess[str], *words: str) -> str:
    said = done.stdout + done.stderr
    assert "Traceback" not in said, said
    assert done.returncode == 2, said
    assert len(done.stderr.strip().splitlines()) == 1, said  # one plain line
    for word in words:
        assert word in done.stderr, said
    return done.stderr


@pytest.fixture(scope="session")
def graded_with_feedback_template(shared_folder, released_template) -> Path:
    """t01 complete, t02 a mistake; graded, with feedback and a report already made: built
    once per session (see ``build_once``) and copied per test."""

    def build(folder: Path) -> None:
        cohort = _copy_cohort(released_template, folder)
        mail = _write_zip(
            folder / "mail.zip",
            [
                (f"t01_{NOTEBOOK}", _notebook_text(), (2024, 9, 26, 9, 0, 0)),
                (
                    f"t02_{NOTEBOOK}",
                    _notebook_text(answer="weekly_total = 0"),
                    (2024, 9, 26, 9, 0, 0),
                ),
            ],
        )
        collect(cohort, ASSIGNMENT, mail)
        grade_cohort(cohort.root, ASSIGNMENT, jobs=2)
        generate_feedback(cohort, ASSIGNMENT)
        write_report(cohort)

    return build_once(shared_folder / "cohort-graded-with-feedback", build) / released_template.name


@pytest.fixture
def graded_with_feedback(graded_with_feedback_template, tmp_path):
    """A copy of :func:`graded_with_feedback_template` of this test's own."""
    return _copy_cohort(graded_with_feedback_template, tmp_path / "cohorts")


@contextlib.contextmanager
def _tmpfs(size_kb: int):
    """A fresh tmpfs of ``size_kb`` KiB (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs (a disk that fills up)")
    where = Path(tempfile.mkdtemp(prefix="icp-tmpfs-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        where.rmdir()


def _cohort_on(mount: Path, template: Path):
    """The cohort folder copied onto ``mount`` (its gradebook address moved along)."""
    return _copy_cohort(template, mount)


def _room_kb(root: Path) -> int:
    """Room (KiB) for a copy of ``root`` on a tmpfs, with some to spare before it is filled."""
    used = subprocess.run(["du", "-sk", str(root)], capture_output=True, text=True, check=True)
    return 2 * int(used.stdout.split()[0]) + 8192


def _fill(mount: Path) -> None:
    """Fill the rest of the disk, as another program might."""
    with contextlib.suppress(OSError), (mount / "filler").open("wb", buffering=0) as filler:
        while True:
            filler.write(b"\0" * 4096)


COMMANDS = [
    ("feedback", ["feedback", "10", ASSIGNMENT]),
    ("report", ["report", "10"]),
    ("roster", ["roster", "import", "10", "ROSTER"]),
]


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_a_full_disk_is_a_plain_message_and_changes_nothing(
    graded_with_feedback, roster_file, name, command
):
    size = _room_kb(graded_with_feedback.root)
    with _tmpfs(size) as mount:
        folder = _cohort_on(mount, graded_with_feedback.root)
        _fill(mount)
        before = _snapshot(folder.root)
        args = [str(roster_file) if part == "ROSTER" else part for part in command]
        said = _refused_plainly(icp(folder, *args), "full")
        assert str(mount) in said  # names where
        assert _snapshot(folder.root) == before


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_a_read_only_folder_is_a_plain_message_and_changes_nothing(
    graded_with_feedback, roster_file, name, command
):
    size = _room_kb(graded_with_feedback.root)
    with _tmpfs(size) as mount:
        folder = _cohort_on(mount, graded_with_feedback.root)
        before = _snapshot(folder.root)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        args = [str(roster_file) if part == "ROSTER" else part for part in command]
        said = _refused_plainly(icp(folder, *args), "read-only")
        assert str(mount) in said
        assert _snapshot(folder.root) == before


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe goes


DB_COMMANDS = [
    ("roster", ["roster", "import", "10", "ROSTER"]),
    ("release", ["release", "10", ASSIGNMENT]),
    ("grade", ["grade", "10", ASSIGNMENT, "--jobs", "1", "--force"]),
    ("feedback", ["feedback", "10", ASSIGNMENT]),
    ("report", ["report", "10"]),
]


@pytest.mark.parametrize(("name", "command"), DB_COMMANDS, ids=[name for name, _ in DB_COMMANDS])
def test_a_gradebook_server_that_is_down_is_a_plain_message(
    graded_with_feedback, roster_file, name, command
):
    folder = graded_with_feedback
    settings_file = folder.root / "cohort.json"
    settings = json.loads(settings_file.read_text())
    url = f"postgresql+psycopg2://coach:s3cret@127.0.0.1:{_closed_port()}/icp_cohort_10"
    settings["db_url"] = url
    settings_file.write_text(json.dumps(settings))
    before = _snapshot(folder.root)
    args = [str(roster_file) if part == "ROSTER" else part for part in command]
    said = _refused_plainly(icp(folder, *args), "127.0.0.1", "coach:***@")
    assert "s3cret" not in said
    after = _snapshot(folder.root)
    changed = {path for path, seen in after.items() if before.get(path) != seen}
    # the grading lock names the last grader, whether or not it got further (see grade.py)
    assert changed - {f"grading/{ASSIGNMENT}.lock"} == set()
    assert set(before) - set(after) == set()
    shutil.rmtree(folder.root, ignore_errors=True)
