"""`icp` prints trainee ids only: no name or e-mail address reaches its output (which ends up
in logs) unless the facilitator asks with --names, and the named dashboard is a separate file
from the ids-only one."""

from __future__ import annotations

import re

import pytest

from .conftest import icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
ON_TIME = (2024, 9, 26, 9, 0, 0)
EARLIER = (2024, 9, 25, 9, 0, 0)

ROSTER = (
    "id,first_name,last_name,email,directorate\n"
    "t01,Xanthippe,Quarrington,xq.unusual@example.org,Community\n"
    "t02,Ptolemy,Vandersloot,p.vandersloot@example.org,Forensic\n"
    "t03,Cerys,Jones,cerys.jones@example.org,Children\n"
)
SECRETS = ["Xanthippe", "Quarrington", "xq.unusual", "Ptolemy", "Vandersloot", "Yolanda"]


def _shown(secrets: list[str], text: str) -> list[str]:
    return [secret for secret in secrets if secret.lower() in text.lower()]


def test_commands_print_ids_never_names_or_emails(released, tmp_path, notebook_text, write_zip):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")

    def run(*args: str, code: int = 0) -> str:
        done = icp(released, *args)
        assert done.returncode == code, done.stdout + done.stderr
        return done.stdout + done.stderr

    output = run("roster", "import", "10", str(roster))
    mail = write_zip(
        tmp_path / "mail.zip",
        [
            (f"Xanthippe Quarrington - {NOTEBOOK}", notebook_text(), ON_TIME),
            (f"Quarrington Xanthippe - {NOTEBOOK}", notebook_text(), EARLIER),  # older copy
            (f"p.vandersloot@example.org/{NOTEBOOK}", notebook_text(), ON_TIME),
            (f"Yolanda Ferreira-Xu - {NOTEBOOK}", notebook_text(), ON_TIME),  # not on roster
            ("Xanthippe Quarrington - notes.docx", b"not a notebook", ON_TIME),
        ],
    )
    collected = run("collect", "10", ASSIGNMENT, "--zip", str(mail))
    assert "Collected 00-getting-started for 2 trainee(s): t01, t02" in collected
    assert "3 file(s) could not be matched" in collected
    (report_txt,) = (released.root / "unmatched" / ASSIGNMENT).glob("*/REPORT.txt")
    assert "Yolanda Ferreira-Xu" in report_txt.read_text()  # the private file names them
    output += collected
    output += run("grade", "10", ASSIGNMENT, "--jobs", "1")
    output += run("feedback", "10", ASSIGNMENT)
    output += run("report", "10")
    assert _shown(SECRETS, output) == []

    named = run("collect", "10", ASSIGNMENT, "--zip", str(mail), "--names")
    assert "Yolanda Ferreira-Xu" in named  # asked for: the file names are listed

    reports = released.root / "reports"
    ids_only = (reports / "dashboard.html").read_bytes()
    reported = run("report", "10", "--names")
    assert (reports / "dashboard.html").read_bytes() == ids_only or not _shown(
        SECRETS, (reports / "dashboard.html").read_text()
    )
    words = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", ids_only.decode())
    assert _shown(SECRETS, words) == [] and "t01" in words
    assert "Xanthippe Quarrington" in (reports / "dashboard-names.html").read_text()
    assert "dashboard-names.html" in reported
    assert _shown(SECRETS, reported) == []
    assert _shown(SECRETS, (reports / "progress.csv").read_text(encoding="utf-8-sig")) == []


def test_a_bad_roster_line_is_named_by_line_not_by_its_email(released, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,first_name,last_name,email,directorate\n"
        "t01,Xanthippe,Quarrington,xq.unusual@example,Community\n",
        encoding="utf-8",
    )
    done = icp(released, "roster", "import", "10", str(roster))
    assert done.returncode == 2
    assert "line 2: the e-mail address of t01 is malformed" in done.stderr
    assert _shown(SECRETS, done.stdout + done.stderr) == []
