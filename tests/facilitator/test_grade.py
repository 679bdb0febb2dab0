"""icp grade: every submission graded by the grading engine on nbgrader's gradebook; bad
submissions are reported with a reason, the batch carries on, and the gradebook only ever
holds complete gradings (even after Ctrl-C), which a re-run builds on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from icp_helpers.facilitator.grade import grade_cohort, one_grader
from icp_helpers.facilitator.roster import import_roster

from .conftest import icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
ON_TIME = (2024, 9, 26, 14, 30, 0)
LATE = (2024, 9, 28, 9, 0, 0)
LOOP = "while True:\n    pass"


def _gradebook_state(folder) -> dict[str, list]:
    with folder.gradebook() as gradebook:
        return {
            s.student.id: [
                g.score for n in s.notebooks for g in n.grades if g.cell.cell_type == "code"
            ]
            for s in gradebook.assignment_submissions(ASSIGNMENT)
        }


def _ledger(folder) -> dict:
    path = folder.root / "grading" / f"{ASSIGNMENT}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def test_one_bad_submission_never_stops_the_batch(released, tmp_path, notebook_text, write_zip):
    extra = tmp_path / "more.csv"
    extra.write_text("id,first_name,last_name,email,directorate\nt05,Ed,Lam,ed@example.org,X\n")
    import_roster(released, extra)
    complete = notebook_text()
    mail = write_zip(
        tmp_path / "mail.zip",
        [
            (f"t01_{NOTEBOOK}", complete, ON_TIME),
            (f"t02_{NOTEBOOK}", notebook_text(answer="import os\nos._exit(1)"), LATE),
            (f"t03_{NOTEBOOK}", complete[: len(complete) // 2], ON_TIME),
            (f"t04_{NOTEBOOK}", notebook_text(answer=LOOP), ON_TIME),
        ],
    )
    from icp_helpers.facilitator.collect import collect

    collect(released, ASSIGNMENT, mail)
    seen = []
    report = grade_cohort(
        released.root,
        ASSIGNMENT,
        jobs=2,
        timeout=10,  # a short whole-notebook limit stops the loop (the honest work needs ~1 s)
        progress=lambda outcome, done, total: seen.append((done, total, outcome.trainee)),
    )
    outcomes = {o.trainee: o for o in report.outcomes}
    assert {t: o.outcome for t, o in outcomes.items()} == {
        "t01": "graded",
        "t02": "kernel_died",
        "t03": "corrupt",
        "t04": "timed_out",
        "t05": "missing",
    }
    assert (outcomes["t01"].score, outcomes["t01"].max_score, outcomes["t01"].late) == (
        10,
        13,
        False,
    )
    assert outcomes["t02"].late and "stopped" in outcomes["t02"].reason
    assert "not valid JSON" in outcomes["t03"].reason
    assert "stopped after 10 s" in outcomes["t04"].reason
    assert report.counts() == {
        "corrupt": 1,
        "timed_out": 1,
        "kernel_died": 1,
        "graded": 1,
        "missing": 1,
    }
    assert sorted(t for _, _, t in seen) == ["t01", "t02", "t03", "t04"] and seen[-1][:2] == (4, 4)
    # every submission has complete grades: the broken ones score zero where they failed
    state = _gradebook_state(released)
    assert sorted(state) == ["t01", "t02", "t03", "t04"]
    assert None not in sum(state.values(), [])
    assert sum(state["t01"]) == 10 and sum(state["t03"]) == 0
    assert sum(state["t02"]) < 10 and sum(state["t04"]) < 10
    graded_copies = sorted(p.parts[-3] for p in (released.root / "autograded").rglob("*.ipynb"))
    assert graded_copies == ["t01", "t02", "t04"]  # the corrupt file has nothing to show
    assert {t: e["outcome"] for t, e in _ledger(released).items()} == {
        t: o.outcome for t, o in outcomes.items()
    }


def test_an_interrupted_run_is_finished_by_the_next_without_regrading(
    released, tmp_path, notebook_text, write_zip
):
    from icp_helpers.facilitator.collect import collect

    entries = [
        (f"t01_{NOTEBOOK}", notebook_text(), ON_TIME),
        (f"t02_{NOTEBOOK}", notebook_text(answer="weekly_total = 0"), ON_TIME),
    ]
    collect(released, ASSIGNMENT, write_zip(tmp_path / "m.zip", entries))

    def stop_after_one(outcome, done, total):
        raise KeyboardInterrupt

    try:
        grade_cohort(released.root, ASSIGNMENT, progress=stop_after_one)
    except KeyboardInterrupt:
        pass
    first = list(_gradebook_state(released))
    assert len(first) == 1  # one submission recorded whole, the other not at all
    again = grade_cohort(released.root, ASSIGNMENT, jobs=2)
    by_trainee = {o.trainee: o for o in again.outcomes}
    assert [t for t, o in by_trainee.items() if o.unchanged] == first
    assert by_trainee["t01"].outcome == by_trainee["t02"].outcome == "graded"
    assert (by_trainee["t01"].score, by_trainee["t02"].score) == (10, 9)
    state = _gradebook_state(released)
    assert sorted(state) == ["t01", "t02"] and (sum(state["t01"]), sum(state["t02"])) == (10, 9)
    forced = grade_cohort(released.root, ASSIGNMENT, force=True)
    assert not any(o.unchanged for o in forced.outcomes)
    assert _gradebook_state(released) == state


def test_ctrl_c_stops_grading_without_leaving_half_a_gradebook(
    released, tmp_path, course_root, notebook_text, write_zip
):
    from icp_helpers.facilitator.collect import collect

    entries = [(f"{t}_{NOTEBOOK}", notebook_text(answer=LOOP), ON_TIME) for t in ("t01", "t02")]
    collect(released, ASSIGNMENT, write_zip(tmp_path / "m.zip", entries))
    grading = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "icp_helpers.cli",
            "grade",
            "10",
            ASSIGNMENT,
            "--jobs",
            "1",
            "--root",
            str(course_root),
            "--cohorts-dir",
            str(released.root.parent),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as at a terminal, even where this suite was started with SIGINT ignored (a
        # background job, nohup): Python only turns SIGINT into KeyboardInterrupt if it is
        # not ignored when the program starts.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    laid_out = released.root / "autograded" / "t01" / ASSIGNMENT
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not laid_out.is_dir():
        time.sleep(0.2)
    time.sleep(3)  # the first notebook is running its endless loop
    grading.send_signal(signal.SIGINT)
    out, err = grading.communicate(timeout=120)
    assert grading.returncode == 130, err
    assert "stopped; nothing was left half-written" in err
    assert _gradebook_state(released) == {}
    assert all(entry["outcome"] != "running" for entry in _ledger(released).values())
    assert not any((released.root / "autograded").rglob("*.ipynb"))


def test_cli_grade_prints_a_table_and_fails_when_a_submission_did(
    released, tmp_path, notebook_text, write_zip
):
    from icp_helpers.facilitator.collect import collect

    entries = [
        (f"t01_{NOTEBOOK}", notebook_text(), LATE),
        (f"t02_{NOTEBOOK}", "{not json", ON_TIME),
    ]
    collect(released, ASSIGNMENT, write_zip(tmp_path / "m.zip", entries))
    done = icp(released, "grade", "10", ASSIGNMENT)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("t01") and "graded" in line and "10/13" in line and "yes" in line
        for line in lines
    )
    assert any(line.startswith("No grades for t02: their submission could not be graded (a corrupt")
               for line in lines)
    assert lines[-1] == f"{ASSIGNMENT}: 1 corrupt notebook, 1 graded, 2 no submission."
    assert "[" in done.stderr and "2/2" in done.stderr  # the progress bar
    for private in ("Patel", "Okafor", "example.org"):
        assert private not in done.stdout + done.stderr


def test_late_work_is_flagged_not_penalised_unless_the_cohort_says_zero(
    tmp_path, course_root, roster_file, notebook_text, write_zip
):
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.collect import collect
    from icp_helpers.facilitator.release import release

    schedule = tmp_path / "10.yml"
    text = (course_root / "course" / "cohorts" / "10.yml").read_text()
    schedule.write_text(text.replace("late_policy: flag", "late_policy: zero"))
    results = {}
    for policy, schedule_file in (("flag", None), ("zero", schedule)):
        folder, _ = create_cohort(
            course_root, "10", where=tmp_path / policy, schedule_file=schedule_file
        )
        import_roster(folder, roster_file)
        release(folder, ASSIGNMENT)
        mail = write_zip(
            tmp_path / f"{policy}.zip",
            [
                (f"t01_{NOTEBOOK}", notebook_text(), LATE),
                (f"t02_{NOTEBOOK}", notebook_text(), ON_TIME),
            ],
        )
        collect(folder, ASSIGNMENT, mail)
        report = grade_cohort(folder.root, ASSIGNMENT, jobs=2)
        results[policy] = {
            o.trainee: (o.score, o.late) for o in report.outcomes if o.score is not None
        }
    assert results["flag"] == {"t01": (10.0, True), "t02": (10.0, False)}
    assert results["zero"] == {"t01": (0.0, True), "t02": (10.0, False)}


SLOW_BUT_RIGHT = "import time\ntime.sleep(8)\nweekly_total = sum(daily_incidents)"


def test_killed_outright_the_gradebook_holds_only_whole_gradings_and_a_rerun_finishes(
    released, tmp_path, course_root, notebook_text, write_zip
):
    from icp_helpers.facilitator.collect import collect

    trainees = ["t01", "t02", "t03", "t04"]
    # graded in this order, one at a time: the kill comes once two are recorded, while t03's
    # eight-second answer is running, so it always lands part way through the batch (with
    # every notebook equally quick, a busy machine could finish all four before the kill)
    answers = {"t01": None, "t02": None, "t03": SLOW_BUT_RIGHT, "t04": SLOW_BUT_RIGHT}
    entries = [(f"{t}_{NOTEBOOK}", notebook_text(answer=answers[t]), ON_TIME) for t in trainees]
    collect(released, ASSIGNMENT, write_zip(tmp_path / "m.zip", entries))
    command = [sys.executable, "-m", "icp_helpers.cli", "grade", "10", ASSIGNMENT]
    command += ["--jobs", "1", "--root", str(course_root)]
    command += ["--cohorts-dir", str(released.root.parent)]
    grading = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_ledger(released)) < 2:
        time.sleep(0.05)
    grading.send_signal(signal.SIGKILL)  # no chance to tidy up
    grading.wait()
    assert (released.root / "grading" / f"{ASSIGNMENT}.lock").is_file()  # left behind
    recorded = _gradebook_state(released)
    assert 2 <= len(recorded) < len(trainees)  # killed part way through the batch
    assert all(sum(scores) == 10 and None not in scores for scores in recorded.values())
    again = grade_cohort(released.root, ASSIGNMENT)
    by_trainee = {o.trainee: o for o in again.outcomes}
    assert {t: (by_trainee[t].outcome, by_trainee[t].score) for t in trainees} == {
        t: ("graded", 10.0) for t in trainees
    }
    assert sorted(t for t in trainees if by_trainee[t].unchanged) == sorted(recorded)
    assert {t: sum(s) for t, s in _gradebook_state(released).items()} == {t: 10 for t in trainees}


def test_without_a_sandbox_grading_refuses_unless_told_and_then_warns(
    released, tmp_path, course_root, notebook_text, write_zip
):
    import os

    from icp_helpers.facilitator.collect import collect

    collect(
        released,
        ASSIGNMENT,
        write_zip(tmp_path / "m.zip", [(f"t01_{NOTEBOOK}", notebook_text(), ON_TIME)]),
    )
    command = [sys.executable, "-m", "icp_helpers.cli", "grade", "10", ASSIGNMENT]
    command += ["--root", str(course_root), "--cohorts-dir", str(released.root.parent)]
    # a machine without bubblewrap: nothing on PATH but the Python tools
    no_bwrap = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    no_bwrap.pop("ICP_GRADE_WITHOUT_SANDBOX", None)
    refused = subprocess.run(command, capture_output=True, text=True, env=no_bwrap)
    assert refused.returncode != 0
    assert "cannot grade safely here: bubblewrap (bwrap) is not installed" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _gradebook_state(released) == {}
    warned = subprocess.run(
        [*command, "--no-sandbox"], capture_output=True, text=True, env=no_bwrap
    )
    assert warned.returncode == 0, warned.stderr
    assert "WARNING: --no-sandbox" in warned.stderr
    assert sum(_gradebook_state(released)["t01"]) == 10


def _every_file(folder) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder.root)): path.read_bytes()
        for path in folder.root.rglob("*")
        if path.is_file() and not path.is_symlink()
    }


def test_a_second_grader_stops_at_once_and_changes_nothing(
    released, tmp_path, course_root, notebook_text, write_zip
):
    from icp_helpers.facilitator.collect import collect

    collect(
        released,
        ASSIGNMENT,
        write_zip(tmp_path / "m.zip", [(f"t01_{NOTEBOOK}", notebook_text(), ON_TIME)]),
    )
    command = [sys.executable, "-m", "icp_helpers.cli", "grade", "10", ASSIGNMENT]
    command += ["--root", str(course_root), "--cohorts-dir", str(released.root.parent)]
    lock = released.root / "grading" / f"{ASSIGNMENT}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    # This process takes the grading lock as icp grade does and holds it for as long as the
    # second grader takes to start, however loaded the machine (a first grader kept busy by a
    # slow answer let go of it too soon on a loaded machine).
    with one_grader(lock, f"{ASSIGNMENT} of cohort 10"):
        before = _every_file(released)
        second = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert second.returncode == 2, second.stderr
        assert (
            f"icp grade: {ASSIGNMENT} of cohort 10 is already being graded by process "
            f"{os.getpid()} on " in second.stderr
        )
        assert "Wait for it to finish, or stop it (Ctrl-C where it runs)" in second.stderr
        assert "Traceback" not in second.stderr and second.stdout == ""
        assert _every_file(released) == before
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert _ledger(released)["t01"]["outcome"] == "graded"
    # the lock file stays behind, naming the last grader, and blocks nobody
    assert "process " in lock.read_text() and f"process {os.getpid()} " not in lock.read_text()
    again = grade_cohort(released.root, ASSIGNMENT)
    assert [(o.trainee, o.outcome, o.unchanged) for o in again.outcomes][0] == (
        "t01",
        "graded",
        True,
    )
