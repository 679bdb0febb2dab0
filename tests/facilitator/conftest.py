"""Fixtures for the facilitator commands: a private cohort folder per test, real nbgrader."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "facilitator"


@pytest.fixture
def course_root() -> Path:
    return ROOT


@pytest.fixture
def cohort(tmp_path):
    """Cohort 10 set up in this test's own folder, with the SQLite gradebook."""
    from icp_helpers.facilitator.cohort_folder import create_cohort

    folder, _ = create_cohort(ROOT, "10", where=tmp_path / "cohorts")
    return folder


@pytest.fixture
def roster_file(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text((FIXTURES / "roster.csv").read_text(encoding="utf-8"), encoding="utf-8")
    return path


ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"


def _notebook_text(kind: str = "complete", answer: str | None = None) -> str:
    """The assignment 00 notebook as a trainee might send it.

    ``complete``: the release with every answer filled in from the source; ``blank``: the
    release untouched; ``answer``: complete except the exercise 2 answer cell holds ``answer``.
    """
    import copy

    import nbformat

    blank = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    if kind == "blank":
        return nbformat.writes(blank)
    source = nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    filled = copy.deepcopy(blank)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
            if answer is not None and grade_id == "ex2-answer":
                cell.source = answer
    return nbformat.writes(filled)


def _write_zip(path: Path, entries: list[tuple[str, str | bytes, tuple]]) -> Path:
    """A zip of (name, content, date_time) entries, like a saved batch of e-mail attachments."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, content, when in entries:
            archive.writestr(zipfile.ZipInfo(name, when), content)
    return path


@pytest.fixture
def released(cohort, roster_file):
    """Cohort 10 with the roster imported and assignment 00 released as a zip."""
    from icp_helpers.facilitator.release import release
    from icp_helpers.facilitator.roster import import_roster

    import_roster(cohort, roster_file)
    release(cohort, ASSIGNMENT)
    return cohort


@pytest.fixture
def notebook_text():
    """Make assignment 00 notebooks as trainees send them (see ``_notebook_text``)."""
    return _notebook_text


@pytest.fixture
def write_zip():
    """Make a zip of e-mail attachments (see ``_write_zip``)."""
    return _write_zip


def _postgres_program(name: str) -> str | None:
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, name).is_file():
            return str(Path(folder, name))
    return None


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server address for the tests, with no database named.

    ``$ICP_TEST_POSTGRES_URL`` if set (``.ci/run`` sets it); otherwise a private, throwaway
    server started here with initdb and pg_ctl (as the ``postgres`` user when run as root),
    one per test worker, stopped at the end.
    """
    import os
    import shutil
    import subprocess
    import tempfile

    if os.environ.get("ICP_TEST_POSTGRES_URL"):
        yield os.environ["ICP_TEST_POSTGRES_URL"].rstrip("/") + "/"
        return
    initdb, pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip(
            "no PostgreSQL server: ICP_TEST_POSTGRES_URL is unset and initdb/pg_ctl are not "
            "installed (apt-get install postgresql; .ci/run does this)"
        )
    base = Path(tempfile.mkdtemp(prefix="icp-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the test server")
        os.chown(base, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(
        [
            *as_user,
            initdb,
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        **run,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_user,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(base / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        ],
        **run,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database name on the test server, unique to this test."""
    import uuid

    return f"{postgres_server}icp_test_{uuid.uuid4().hex[:12]}"
