"""icp release and icp collect: cohort due dates, zips for e-mail, the exchange, and matching
e-mailed notebooks to trainees without ever dropping a file."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
import zipfile
from zoneinfo import ZoneInfo

import pytest

from icp_helpers.facilitator.cohort_folder import create_cohort
from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.release import release
from icp_helpers.facilitator.roster import import_roster

from ..conftest import run_icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

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
    assert "# YOUR CODE HERE" in learner and "BEGIN SOLUTION" not in learner
    assert "NotImplementedError" not in learner  # Run All must reach check_your_work()
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
    assert report.ignored == [("__MACOSX/._t01.ipynb", "macOS metadata")]
    assert (report.kept_in / "REPORT.txt").read_text().count("\n") == 5
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
        "not newer than t01's submission already collected (2024-09-28 09:00 BST)"
        in (again.unmatched[0][1])
    )
    assert (again.kept_in / f"t01_{NOTEBOOK}").read_text() == notebook_text("blank")
    assert len(list((released.root / "superseded" / ASSIGNMENT).iterdir())) == 1


def _symlink(name: str, target: str) -> zipfile.ZipInfo:
    """A zip entry for a symbolic link, as ``zip --symlinks`` stores one on Unix."""
    info = zipfile.ZipInfo(name, ON_TIME)
    info.create_system = 3  # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _in_london(when: dt.datetime) -> tuple:
    """``when`` as a zip entry's date (local time, two-second steps) in the cohort's zone."""
    local = when.astimezone(ZoneInfo("Europe/London"))
    return (*local.timetuple()[:5], local.second // 2 * 2)


def test_a_future_dated_entry_is_kept_aside_and_never_blocks_later_genuine_work(
    released, tmp_path, notebook_text, write_zip
):
    complete, blank = notebook_text(), notebook_text("blank")
    soon = _in_london(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2))  # a clock a bit fast
    forged = write_zip(
        tmp_path / "forged.zip",
        [
            (f"t01_{NOTEBOOK}", blank, (2099, 1, 1, 0, 0, 0)),
            (f"t02_{NOTEBOOK}", complete, ON_TIME),
            (f"t02 resent {NOTEBOOK}", blank, (2099, 1, 1, 0, 0, 0)),
            (f"t03_{NOTEBOOK}", complete, soon),
        ],
    )
    first = collect(released, ASSIGNMENT, forged)
    assert sorted(first.collected) == ["t02", "t03"]
    reasons = dict(first.unmatched)
    assert sorted(reasons) == [f"t01_{NOTEBOOK}", f"t02 resent {NOTEBOOK}"]
    assert "dated 2099-01-01 00:00 GMT, after this collection" in reasons[f"t01_{NOTEBOOK}"]
    assert (first.kept_in / f"t01_{NOTEBOOK}").read_text() == blank
    assert not (released.root / "submitted" / "t01").exists()
    t02 = released.root / "submitted" / "t02" / ASSIGNMENT / NOTEBOOK
    assert t02.read_text() == complete
    # the trainee's genuine work, sent later, is collected
    genuine = write_zip(tmp_path / "genuine.zip", [(f"t01_{NOTEBOOK}", complete, LATE)])
    second = collect(released, ASSIGNMENT, genuine)
    assert list(second.collected) == ["t01"] and second.unmatched == []
    t01 = released.root / "submitted" / "t01" / ASSIGNMENT
    assert (t01 / NOTEBOOK).read_text() == complete
    assert (t01 / "timestamp.txt").read_text().startswith("2024-09-28 08:00:00")


def test_a_future_date_collected_before_it_was_refused_blocks_nothing(
    released, tmp_path, notebook_text, write_zip
):
    blank, complete = notebook_text("blank"), notebook_text()
    collect(
        released, ASSIGNMENT, write_zip(tmp_path / "a.zip", [(f"t01_{NOTEBOOK}", blank, ON_TIME)])
    )
    t01 = released.root / "submitted" / "t01" / ASSIGNMENT
    (t01 / "timestamp.txt").write_text("2099-01-01 00:00:00.000000 UTC\n")  # an older collection
    genuine = write_zip(tmp_path / "b.zip", [(f"t01_{NOTEBOOK}", complete, LATE)])
    report = collect(released, ASSIGNMENT, genuine)
    assert report.used == [(f"t01_{NOTEBOOK}", "t01")] and report.unmatched == []
    assert (t01 / NOTEBOOK).read_text() == complete
    (kept,) = (released.root / "superseded" / ASSIGNMENT).glob(f"t01-20990101T000000/{NOTEBOOK}")
    assert kept.read_text() == blank


def test_links_and_paths_out_of_the_zip_are_refused_and_never_extracted(
    released, tmp_path, notebook_text, write_zip
):
    escaping = notebook_text(answer="weekly_total = 101")
    entries = [
        (_symlink(f"t01_{NOTEBOOK}", "../../roster.csv"), "../../roster.csv", ON_TIME),
        (f"../../t02_{NOTEBOOK}", escaping, ON_TIME),
        (f"/tmp/t03_{NOTEBOOK}", escaping, ON_TIME),
        (f"mail/..\\..\\t04_{NOTEBOOK}", escaping, ON_TIME),
    ]
    report = collect(released, ASSIGNMENT, write_zip(tmp_path / "mail.zip", entries))
    assert report.collected == {} and report.unmatched == [] and report.used == []
    assert report.refused == [
        (f"t01_{NOTEBOOK}", "a symbolic link, not a file"),
        *[
            (name, "its path leads out of the zip (absolute, or with '..')")
            for name, *_ in entries[1:]
        ],
    ]
    assert not any((released.root / "submitted").iterdir())
    assert _everything_on_disk(released) == {
        (report.kept_in / "REPORT.txt").read_bytes()
    }  # the report, and nothing extracted
    assert not list(tmp_path.rglob(f"t0?_{NOTEBOOK}"))
    assert "symbolic link" in (report.kept_in / "REPORT.txt").read_text()


def test_every_entry_of_a_zip_is_in_the_report(released, tmp_path, notebook_text, write_zip):
    complete = notebook_text()
    entries = [
        ("mail/", b"", ON_TIME),  # a folder
        (f"mail/t01_{NOTEBOOK}", complete, ON_TIME),  # used
        (f"mail/old/t01_{NOTEBOOK}", complete, (2024, 9, 20, 9, 0, 0)),  # an older copy
        (f"mail/scan0001 {NOTEBOOK}", complete, ON_TIME),  # nobody named
        (f"mail/t02_{NOTEBOOK}", complete, (2099, 1, 1, 0, 0, 0)),  # dated in the future
        ("mail/t03 notes.docx", b"PK not a notebook", ON_TIME),
        (_symlink(f"mail/t04_{NOTEBOOK}", "../../roster.csv"), "../../roster.csv", ON_TIME),
        (f"../t04_{NOTEBOOK}", complete, ON_TIME),  # leads out of the zip
        ("__MACOSX/", b"", ON_TIME),
        (f"__MACOSX/mail/._t01_{NOTEBOOK}", b"resource fork", ON_TIME),
        ("mail/.DS_Store", b"Bud1", ON_TIME),
        (f"mail/.ipynb_checkpoints/t01_{NOTEBOOK}", complete, ON_TIME),
    ]
    mail = write_zip(tmp_path / "mail.zip", entries)
    report = collect(released, ASSIGNMENT, mail)
    with zipfile.ZipFile(mail) as archive:
        in_zip = archive.namelist()
    accounted = report.used + report.unmatched + report.refused + report.ignored
    assert len(accounted) == len(in_zip) == len(entries)
    assert sorted(name for name, _ in accounted) == sorted(in_zip)
    assert report.used == [(f"mail/t01_{NOTEBOOK}", "t01")]
    assert [reason for _, reason in report.ignored] == [
        "a folder",
        "macOS metadata",
        "macOS metadata",
        "macOS metadata",
        "hidden (a name starting with a dot)",
    ]
    listed = (report.kept_in / "REPORT.txt").read_text().splitlines()
    assert len(listed) == len(in_zip) - len(report.used)


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
    out = run_icp("release", "10", ASSIGNMENT, *where)
    assert out.returncode == 0, out.stderr
    assert f"Released {ASSIGNMENT} (due Fri 27 Sep 2024 17:00 BST) to " in out.stdout
    mail = write_zip(
        tmp_path / "m.zip",
        [
            (f"t01_{NOTEBOOK}", notebook_text(), ON_TIME),
            ("unknown.ipynb", notebook_text(), ON_TIME),
            (_symlink("Asha Patel.ipynb", "../../roster.csv"), "../../roster.csv", ON_TIME),
            ("__MACOSX/._Patel.ipynb", b"resource fork", ON_TIME),
        ],
    )
    got = run_icp("collect", "10", ASSIGNMENT, "--zip", str(mail), *where)
    assert got.returncode == 0, got.stderr
    assert "Collected 00-getting-started for 1 trainee(s): t01" in got.stdout
    assert "nothing from 3 (no file of theirs in the zip): t02, t03, t04" in got.stdout
    assert "    - no trainee id, e-mail or name" in got.stdout
    assert "unknown.ipynb" not in got.stdout  # file names may name trainees: only in REPORT.txt
    assert "1 refused, not extracted: a symbolic link, not a file (1)" in got.stdout
    assert "1 ignored: macOS metadata (1)" in got.stdout
    report = released.root / "unmatched" / ASSIGNMENT
    (listed,) = report.glob("*/REPORT.txt")
    assert f"Every file not collected is listed in {listed}" in got.stdout
    assert len(listed.read_text().splitlines()) == 3
    assert "Patel" not in got.stdout
