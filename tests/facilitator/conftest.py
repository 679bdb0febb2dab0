"""Fixtures for the facilitator commands: a private cohort folder per test, real nbgrader.

The cohort folders are made by the real commands once per session and copied per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import build_once, run_icp

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "facilitator"


@pytest.fixture(scope="session")
def cohort_hub():
    """Cohort 10 with two trainees on a running hub, 00 released by the grading account (a
    ``LiveHub``, see tests/facilitator/live_hub.py), started once per test worker and shared
    by the live hub tests and the round trip; skips the test when this machine cannot run a
    hub (not root, no proxy, no useradd). Running its create-accounts.sh a second time
    changes nothing."""
    import subprocess
    import uuid

    pytest.importorskip("jupyterhub", reason="pip install '.[facilitator]' (JupyterHub)")
    pytest.importorskip("requests")
    from .live_hub import HubUnavailable, running_hub

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


@pytest.fixture
def course_root() -> Path:
    return ROOT


def _copy_cohort(template: Path, where: Path):
    """A copy of the cohort folder ``template`` in ``where``, its gradebook address moved along.

    Cohort folders are built once per session (see tests/conftest.py) and copied per test;
    cohort.json is the only file that names the folder itself (the SQLite gradebook's path).
    """
    import json
    import shutil

    from icp_helpers.facilitator.cohort_folder import SETTINGS_FILE, folder_at
    from icp_helpers.facilitator.gradebook import gradebook_url

    root = where / template.name
    shutil.copytree(template, root, symlinks=True, ignore=shutil.ignore_patterns(".built"))
    settings_file = root / SETTINGS_FILE
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    settings["db_url"] = gradebook_url(root.resolve(), settings["cohort"])
    settings_file.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return folder_at(root)


@pytest.fixture(scope="session")
def cohort_template(shared_folder) -> Path:
    """Cohort 10 as ``icp cohort create 10`` makes it, built once per session."""
    from icp_helpers.facilitator.cohort_folder import create_cohort

    def build(folder: Path) -> None:
        create_cohort(ROOT, "10", where=folder)

    return build_once(shared_folder / "cohort-created", build) / "10"


@pytest.fixture(scope="session")
def released_template(shared_folder) -> Path:
    """Cohort 10 with the roster imported and assignment 00 released as a zip, built once."""
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.release import release
    from icp_helpers.facilitator.roster import import_roster

    def build(folder: Path) -> None:
        created, _ = create_cohort(ROOT, "10", where=folder)
        import_roster(created, FIXTURES / "roster.csv")
        release(created, ASSIGNMENT)

    return build_once(shared_folder / "cohort-released", build) / "10"


@pytest.fixture
def cohort(cohort_template, tmp_path):
    """Cohort 10 set up in this test's own folder, with the SQLite gradebook."""
    return _copy_cohort(cohort_template, tmp_path / "cohorts")


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
    import nbformat

    from icp_helpers.course.answers import filled_release

    blank = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    if kind == "blank":
        return nbformat.writes(blank)
    source = nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    replace = {} if answer is None else {"ex2-answer": answer}
    return nbformat.writes(filled_release(blank, source, replace=replace))


def _write_zip(path: Path, entries: list[tuple[str, str | bytes, tuple]]) -> Path:
    """A zip of (name, content, date_time) entries, like a saved batch of e-mail attachments.

    A name may be a ``zipfile.ZipInfo`` instead, for an entry with its own attributes (such
    as a symbolic link); its own date is used.
    """
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, content, when in entries:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, when)
            archive.writestr(info, content)
    return path


@pytest.fixture
def released(released_template, tmp_path):
    """Cohort 10 with the roster imported and assignment 00 released as a zip."""
    return _copy_cohort(released_template, tmp_path / "cohorts")


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


def point_biserial(exercise, rest) -> float:
    """scipy's point-biserial correlation, the reference for discrimination. scipy.stats is
    imported only when a test asks: it takes a second, and every test worker collects."""
    from scipy.stats import pointbiserialr

    return float(pointbiserialr(exercise, rest).statistic)


def icp(folder, *args: str):
    """Run the real ``icp`` command line on the cohorts beside ``folder``'s (in this test
    process: see ``run_icp``)."""
    return run_icp(*args, "--root", str(ROOT), "--cohorts-dir", str(folder.root.parent))


#: Two more trainees for a cohort of six (the fewest that give a discrimination is five).
MORE_TRAINEES = (
    "Trainee ID,First name,Last name,Email,Directorate\n"
    "t05,Eilidh,Campbell,eilidh.campbell@example.org,Estates and Facilities\n"
    "t06,Farah,Hussain,farah.hussain@example.org,Pharmacy\n"
)
#: Realistic wrong answers (from tests/fixtures/00-getting-started/wrong_answers.yml).
WRONG = {
    "ex1-answer": "incidents_april = 14\nbed_days_april = 560\n"
    "rate_april = incidents_april / bed_days_april\n",
    "ex2-answer": "weekly_total = len(daily_incidents)\n",
    "ex4-answer": "n_months = len(ward.columns)\n",
}
#: What each of the six trainees got wrong; ex3, ex5, ex6 and ex7 everyone gets right.
SIX_MISTAKES = {
    "t01": (),
    "t02": ("ex2-answer",),
    "t03": ("ex1-answer", "ex2-answer"),
    "t04": ("ex4-answer",),
    "t05": ("ex1-answer", "ex2-answer", "ex4-answer"),
    "t06": (),
}
SIX_SENT = (2024, 9, 26, 9, 0, 0)  # Thursday 26 September 2024, 09:00 in London (BST)


@pytest.fixture(scope="session")
def six_graded_template(shared_folder, released_template) -> Path:
    """Cohort 10 with six trainees (:data:`SIX_MISTAKES`), each sending assignment 00 on
    time by e-mail, collected and graded by the real commands. Built once per session."""
    import nbformat

    from icp_helpers.course.answers import filled_release

    def build(folder: Path) -> None:
        cohort = _copy_cohort(released_template, folder)
        roster = folder / "more.csv"
        roster.write_text(MORE_TRAINEES, encoding="utf-8")
        imported = icp(cohort, "roster", "import", "10", str(roster))
        assert imported.returncode == 0, imported.stderr
        blank = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
        source = nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
        sent = [
            (
                f"{trainee}_{NOTEBOOK}",
                nbformat.writes(
                    filled_release(blank, source, replace={cell: WRONG[cell] for cell in cells})
                ),
                SIX_SENT,
            )
            for trainee, cells in SIX_MISTAKES.items()
        ]
        mail = _write_zip(folder / "mail.zip", sent)
        collected = icp(cohort, "collect", "10", ASSIGNMENT, "--zip", str(mail))
        assert collected.returncode == 0, collected.stdout + collected.stderr
        graded = icp(cohort, "grade", "10", ASSIGNMENT, "--jobs", "2")
        assert graded.returncode == 0, graded.stdout + graded.stderr

    return build_once(shared_folder / "cohort-six-graded", build) / released_template.name


@pytest.fixture
def six_graded(six_graded_template, tmp_path):
    """A copy of :func:`six_graded_template` of this test's own."""
    return _copy_cohort(six_graded_template, tmp_path / "cohorts")


def as_another_cohort(template: Path, where: Path, cohort: str):
    """A copy of the cohort folder ``template`` in ``where`` as cohort ``cohort``: another
    cohort's folder and gradebook, with the same trainees and marks."""
    import json

    from icp_helpers.facilitator.cohort_folder import SETTINGS_FILE, folder_at
    from icp_helpers.facilitator.gradebook import gradebook_url

    copied = _copy_cohort(template, where / "copying")
    root = copied.root.rename(where / cohort)
    (where / "copying").rmdir()
    settings = json.loads((root / SETTINGS_FILE).read_text(encoding="utf-8"))
    settings["cohort"] = cohort
    settings["db_url"] = gradebook_url(root.resolve(), cohort)
    (root / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return folder_at(root)
