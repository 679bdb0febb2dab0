"""icp release and icp collect: cohort due dates, zips for e-mail, the exchange, and matching
e-mailed notebooks to trainees without ever dropping a file."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
import zipfile

import pytest

from icp_helpers.facilitator.cohort_folder import create_cohort
from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.release import release
from icp_helpers.facilitator.roster import import_roster

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
ON_TIME = (2024, 9, 26, 14, 30, 0)
LATE = (2024, 9, 28, 9, 0, 0)


def test_release_zips_the_learner_version_with_the_cohort_due_date(released):
    archive = released.root / "outbox" / f"icp-cohort-10-{ASSIGNMENT}.zip"
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        note = opened.read(f"{ASSIGNMENT}/README.txt").decode()
        learner = opened.read(f"{ASSIGNMENT}/{NOTEBOOK}").decode()
    assert {f"{ASSIGNMENT}/{NOTEBOOK}", f"{ASSIGNMENT}/ward_incidents.csv"} <= names
    assert "Due: Friday 27 September 2024 at 17:00 (Europe/London)" in note
    assert "raise NotImplementedError()" in learner and "BEGIN SOLUTION" not in learner
    assert (released.root / "release" / ASSIGNMENT / NOTEBOOK).is_file()


def test_release_without_a_name_releases_what_is_due_by_a_date(cohort):
    london = cohort.schedule().zone
    assert release(cohort, when=dt.datetime(2024, 9, 1, tzinfo=london)) == []
    made = release(cohort, when=dt.datetime(2024, 10, 3, tzinfo=london))
    assert [item.assignment for item in made] == ["00-getting-started", "01-coach-and-system"]


def test_releasing_an_unknown_assignment_names_the_real_ones(cohort):
    with pytest.raises(ValueError, match="no assignment '07-typo'.*00-getting-started"):
        release(cohort, "07-typo")


def _everything_on_disk(folder) -> set[bytes]:
    found = set()
    for base in ("submitted", "unmatched", "superseded"):
        for path in (folder.root / base).rglob("*"):
            if path.is_file():
                found.add(path.read_bytes())
    return found


def test_collect_matches_by_id_email_and_name_and_keeps_every_other_file(
    released, tmp_path, notebook_text, write_zip
):
    complete, blank = notebook_text(), notebook_text("blank")
    entries = [
        (f"t01_{NOTEBOOK}", complete, ON_TIME),  # by id
        (f"From ben.okafor@example.org/{NOTEBOOK}", complete, LATE),  # by e-mail, late
        (f"Jones, Cerys - {NOTEBOOK}", blank, ON_TIME),  # by name, surname first
        (f"old/T03-{NOTEBOOK}", complete, (2024, 9, 20, 9, 0, 0)),  # older copy for t03
        (f"scan0001 {NOTEBOOK}", complete, ON_TIME),  # nobody named
        (f"t01 and t02 {NOTEBOOK}", complete, ON_TIME),  # two trainees named
        ("t04 notes.docx", b"PK not a notebook", ON_TIME),  # not a notebook
        ("__MACOSX/._t01.ipynb", b"resource fork", ON_TIME),  # operating-system clutter
    ]
    report = collect(released, ASSIGNMENT, write_zip(tmp_path / "mail.zip", entries))
    assert sorted(report.collected) == ["t01", "t02", "t03"]
    assert report.missing == ["t04"]
    reasons = dict(report.unmatched)
    assert "no trainee id, e-mail or name" in reasons[f"scan0001 {NOTEBOOK}"]
    assert "more than one trainee (t01, t02)" in reasons[f"t01 and t02 {NOTEBOOK}"]
    assert "not a notebook" in reasons["t04 notes.docx"]
    assert "older copy for t03" in reasons[f"old/T03-{NOTEBOOK}"]
    # the newer (blank) copy is t03's submission; nothing sent was lost
    t03 = released.root / "submitted" / "t03" / ASSIGNMENT
    assert (t03 / NOTEBOOK).read_text() == blank
    on_disk = _everything_on_disk(released)
    for _, content, _ in entries[:-1]:
        assert (content if isinstance(content, bytes) else content.encode()) in on_disk
    assert (report.kept_in / "REPORT.txt").read_text().count("\n") == 4
    # the data file the notebook reads is supplied; times are kept for late flags
    assert (t03 / "ward_incidents.csv").is_file()
    stamp = (released.root / "submitted" / "t02" / ASSIGNMENT / "timestamp.txt").read_text()
    assert stamp.startswith("2024-09-28 08:00:00")  # 09:00 BST
    mode = stat.S_IMODE((t03 / NOTEBOOK).stat().st_mode)
    assert mode & 0o077 == 0


def test_collecting_again_keeps_the_earlier_submission(
    released, tmp_path, notebook_text, write_zip
):
    first = write_zip(tmp_path / "one.zip", [(f"t01_{NOTEBOOK}", notebook_text("blank"), ON_TIME)])
    second = write_zip(tmp_path / "two.zip", [(f"t01_{NOTEBOOK}", notebook_text(), LATE)])
    collect(released, ASSIGNMENT, first)
    collect(released, ASSIGNMENT, second)
    kept = list((released.root / "superseded" / ASSIGNMENT).glob("t01-*/" + NOTEBOOK))
    assert len(kept) == 1 and kept[0].read_text() == notebook_text("blank")
    current = released.root / "submitted" / "t01" / ASSIGNMENT / NOTEBOOK
    assert current.read_text() == notebook_text()
    # an older batch (or the same zip again) never replaces newer work, and is still kept
    again = collect(released, ASSIGNMENT, first)
    assert current.read_text() == notebook_text()
    assert (
        "not newer than t01's submission already collected (2024-09-28 09:00)"
        in (again.unmatched[0][1])
    )
    assert (again.kept_in / f"t01_{NOTEBOOK}").read_text() == notebook_text("blank")
    assert len(list((released.root / "superseded" / ASSIGNMENT).iterdir())) == 1


def test_collect_refuses_what_it_cannot_use(released, tmp_path):
    not_zip = tmp_path / "mail.zip"
    not_zip.write_text("this is an e-mail, not a zip")
    with pytest.raises(ValueError, match="cannot open .* as a zip file"):
        collect(released, ASSIGNMENT, not_zip)
    with pytest.raises(ValueError, match="has no nbgrader exchange; collect e-mailed notebooks"):
        collect(released, ASSIGNMENT)


def test_collect_needs_a_roster(tmp_path, course_root, notebook_text, write_zip):
    folder, _ = create_cohort(course_root, "10", where=tmp_path / "c")
    mail = write_zip(tmp_path / "m.zip", [(f"t01_{NOTEBOOK}", notebook_text(), ON_TIME)])
    with pytest.raises(ValueError, match="has no roster yet"):
        collect(folder, ASSIGNMENT, mail)
    assert not any((folder.root / "submitted").iterdir())


def test_exchange_release_and_collect(tmp_path, course_root, roster_file, notebook_text):
    exchange = tmp_path / "exchange"
    folder, _ = create_cohort(course_root, "10", where=tmp_path / "c", exchange=exchange)
    import_roster(folder, roster_file)
    made = release(folder, ASSIGNMENT)
    assert made[0].destination == f"exchange {exchange}"
    outbound = exchange / "icp-cohort-10" / "outbound" / ASSIGNMENT / NOTEBOOK
    assert outbound.is_file()
    # a trainee submits with nbgrader from their own folder (as this user, who is not on the
    # roster); a copy stands in for trainee t01's own submission
    work = tmp_path / "home" / ASSIGNMENT
    work.mkdir(parents=True)
    (work / NOTEBOOK).write_text(notebook_text())
    submitted = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "submit",
            ASSIGNMENT,
            "--course",
            "icp-cohort-10",
            f"--Exchange.root={exchange}",
        ],
        cwd=work.parent,
        capture_output=True,
        text=True,
    )
    assert submitted.returncode == 0, submitted.stderr
    inbound = exchange / "icp-cohort-10" / "inbound"
    (mine,) = list(inbound.iterdir())
    user = mine.name.split("+")[0]
    import shutil

    shutil.copytree(mine, inbound / mine.name.replace(f"{user}+", "t01+", 1))
    report = collect(folder, ASSIGNMENT)
    assert list(report.collected) == ["t01"]
    assert report.unmatched == [
        (f"exchange-{user}", f"submitted as {user!r}, who is not on the roster")
    ]
    assert (report.kept_in / f"exchange-{user}" / NOTEBOOK).is_file()
    assert not (folder.root / "submitted" / user).exists()
    assert (folder.root / "submitted" / "t01" / ASSIGNMENT / "ward_incidents.csv").is_file()
    # graded feedback goes back through the exchange, not into e-mail zips
    from icp_helpers.facilitator.feedback import generate_feedback
    from icp_helpers.facilitator.grade import grade_cohort

    assert [o.outcome for o in grade_cohort(folder.root, ASSIGNMENT).outcomes][0] == "graded"
    (made,) = generate_feedback(folder, ASSIGNMENT)
    assert made.trainee == "t01" and made.zip_file is None
    assert len(list((exchange / "icp-cohort-10" / "feedback").glob("*.html"))) == 1


def test_cli_release_and_collect(released, tmp_path, course_root, notebook_text, write_zip):
    where = ["--root", str(course_root), "--cohorts-dir", str(released.root.parent)]
    icp = [sys.executable, "-m", "icp_helpers.cli"]
    out = subprocess.run(
        [*icp, "release", "10", ASSIGNMENT, *where], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert f"Released {ASSIGNMENT} (due Fri 27 Sep 2024 17:00) to " in out.stdout
    mail = write_zip(
        tmp_path / "m.zip",
        [
            (f"t01_{NOTEBOOK}", notebook_text(), ON_TIME),
            ("unknown.ipynb", notebook_text(), ON_TIME),
        ],
    )
    got = subprocess.run(
        [*icp, "collect", "10", ASSIGNMENT, "--zip", str(mail), *where],
        capture_output=True,
        text=True,
    )
    assert got.returncode == 0, got.stderr
    assert "Collected 00-getting-started for 1 trainee(s): t01" in got.stdout
    assert "nothing from 3: t02, t03, t04" in got.stdout
    assert "unknown.ipynb: no trainee id, e-mail or name" in got.stdout
    assert "Patel" not in got.stdout
