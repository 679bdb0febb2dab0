"""The PostgreSQL gradebook, against a real server: the whole cycle, and two cohorts graded
at once on one server without interfering with each other."""

from __future__ import annotations

import subprocess
import sys

import pytest

from icp_helpers.facilitator.cohort_folder import create_cohort
from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.gradebook import GradebookError, gradebook_url
from icp_helpers.facilitator.release import release
from icp_helpers.facilitator.report import write_report
from icp_helpers.facilitator.roster import import_roster

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
ON_TIME = (2024, 9, 26, 9, 0, 0)


def _databases(server: str) -> set[str]:
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(server)
    with (
        psycopg2.connect(
            dbname="postgres", user=url.username, host=url.host, port=url.port
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cursor.fetchall()}


def _setup(course_root, where, cohort, url, roster, schedule=None):
    folder, _ = create_cohort(course_root, cohort, where=where, db_url=url, schedule_file=schedule)
    import_roster(folder, roster)
    release(folder, ASSIGNMENT)
    return folder


def _scores(folder) -> dict[str, float]:
    with folder.gradebook() as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}


def test_whole_cycle_on_postgresql(
    tmp_path, course_root, roster_file, postgres_url, postgres_server, notebook_text, write_zip
):
    folder = _setup(course_root, tmp_path / "c", "10", postgres_url, roster_file)
    assert folder.db_url == postgres_url.replace("postgresql://", "postgresql+psycopg2://")
    assert postgres_url.rsplit("/", 1)[1] in _databases(postgres_server)
    assert not (folder.root / "gradebook.db").exists()
    mail = write_zip(
        tmp_path / "m.zip",
        [(f"t01_{NOTEBOOK}", notebook_text(), ON_TIME), (f"t02_{NOTEBOOK}", "{broken", ON_TIME)],
    )
    collect(folder, ASSIGNMENT, mail)
    from icp_helpers.facilitator.grade import grade_cohort

    report = grade_cohort(folder.root, ASSIGNMENT, jobs=2)
    assert {o.trainee: o.outcome for o in report.outcomes} == {
        "t01": "graded",
        "t02": "corrupt",
        "t03": "missing",
        "t04": "missing",
    }
    assert _scores(folder) == {"t01": 10.0, "t02": 0.0}  # the corrupt file scores nothing
    made = write_report(folder)
    assert "Patel" not in made.progress_csv.read_text()  # progress names trainees by id
    assert ",t01,Patel,Asha,asha.patel@example.org,10.0" in made.grades_csv.read_text()


def test_two_cohorts_graded_at_once_on_one_server(
    tmp_path, course_root, roster_file, postgres_server, notebook_text, write_zip
):
    import uuid

    tag = uuid.uuid4().hex[:8]
    ten = _setup(course_root, tmp_path / "c", "10", f"{postgres_server}icp_ten_{tag}", roster_file)
    other_roster = tmp_path / "eleven.csv"
    other_roster.write_text(
        "id,first_name,last_name,email,directorate\n"
        "s01,Zara,Ali,zara@example.org,Primary Care\n"
        "s02,Yusuf,Khan,yusuf@example.org,Forensic Services\n"
    )
    eleven = _setup(
        course_root,
        tmp_path / "c",
        "11",
        f"{postgres_server}icp_eleven_{tag}",
        other_roster,
        schedule=course_root / "course" / "cohorts" / "template.yml",
    )
    blank, complete = notebook_text("blank"), notebook_text()
    collect(
        ten,
        ASSIGNMENT,
        write_zip(
            tmp_path / "10.zip",
            [(f"t01_{NOTEBOOK}", complete, ON_TIME), (f"t02_{NOTEBOOK}", blank, ON_TIME)],
        ),
    )
    collect(
        eleven,
        ASSIGNMENT,
        write_zip(
            tmp_path / "11.zip",
            [
                (f"s01_{NOTEBOOK}", blank, (2025, 9, 20, 9, 0, 0)),
                (f"s02_{NOTEBOOK}", complete, (2025, 9, 20, 9, 0, 0)),
            ],
        ),
    )
    icp = [sys.executable, "-m", "icp_helpers.cli", "grade"]
    where = ["--root", str(course_root), "--cohorts-dir", str(tmp_path / "c"), "--jobs", "2"]
    both = [
        subprocess.Popen(
            [*icp, cohort, ASSIGNMENT, *where],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cohort in ("10", "11")
    ]
    for process in both:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    assert _scores(ten) == {"t01": 10.0, "t02": 0.0}
    assert _scores(eleven) == {"s01": 0.0, "s02": 10.0}
    with ten.gradebook() as gradebook:
        assert {s.id for s in gradebook.students} == {"t01", "t02", "t03", "t04"}
    with eleven.gradebook() as gradebook:
        assert {s.id for s in gradebook.students} == {"s01", "s02"}


def test_a_server_address_gives_each_cohort_its_own_database(tmp_path):
    server = "postgresql://coach:secret@db.example.org:5432"
    assert gradebook_url(tmp_path, "10", server).endswith(":5432/icp_cohort_10")
    assert gradebook_url(tmp_path, "11", server + "/").endswith(":5432/icp_cohort_11")
    assert gradebook_url(tmp_path, "10", "postgres://coach@db/").startswith(
        "postgresql+psycopg2://coach@db/"
    )
    assert gradebook_url(tmp_path, "10", server + "/trust_icp").endswith("/trust_icp")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://coach@db/icp", "runs on SQLite .* or PostgreSQL"),
        ("not a url", "is not a database address"),
    ],
)
def test_unusable_addresses_are_refused_before_anything_is_made(
    tmp_path, course_root, url, expected
):
    with pytest.raises(GradebookError, match=expected):
        create_cohort(course_root, "10", where=tmp_path, db_url=url)
    assert not (tmp_path / "10").exists()


def test_an_unreachable_server_is_named_without_its_password(tmp_path, course_root):
    import socket

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://coach:hunter2@127.0.0.1:{port}/"
    with pytest.raises(GradebookError) as caught:
        create_cohort(course_root, "10", where=tmp_path, db_url=url)
    message = str(caught.value)
    assert "cannot reach the PostgreSQL server" in message and "hunter2" not in message
    assert "coach:***@" in message
    assert not (tmp_path / "10").exists()
