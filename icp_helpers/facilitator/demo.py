"""``icp demo``: the whole cycle on cohort 10 with synthetic trainees and submissions.

Creates the demo cohort in ``cohorts/demo/10`` (replacing an earlier demo there, never
anything else), imports a roster of twelve invented trainees, releases the assignments,
e-mails back (as one zip) submissions of every kind, then collects, grades, writes feedback
and the report, and prints a summary table and where the dashboard is.

Which assignments: the first two of the syllabus that have notebooks (00 and one more),
which keeps the demo to a few minutes; ``--assignments all`` runs every one, or name some.

The submissions per assignment, by trainee: complete on time, complete but late, partial,
one with a common mistake (from ``demo_data/``: a few of the course's wrong-answer fixtures),
one with a mistake hidden by switching the checks off (flagged for manual grading), an
untouched notebook,
a corrupt file, one that crashes its kernel, one that never finishes (stopped at the time
limit), one sent twice (the newer copy is used), one sent under a name nobody can match,
and one trainee who sends nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import time
import zipfile
from pathlib import Path

import nbformat

from icp_helpers.course.answers import filled_release
from icp_helpers.course.release import assignment_names
from icp_helpers.course.wrong_answers import load_wrong_answers, with_wrong_answer
from icp_helpers.errors import UsageError
from icp_helpers.facilitator.cohort_folder import create_cohort
from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.dashboard import autograded_percent
from icp_helpers.facilitator.feedback import generate_feedback
from icp_helpers.facilitator.grade import grade_cohort
from icp_helpers.facilitator.outcomes import LABELS
from icp_helpers.facilitator.privacy import private_folder, private_umask, write_private_text
from icp_helpers.facilitator.release import release
from icp_helpers.facilitator.report import write_report
from icp_helpers.facilitator.roster import COLUMNS, import_roster
from icp_helpers.files import spreadsheet_csv
from icp_helpers.grading.sandbox import sandbox_problem

MARKER = ".icp-demo"
#: Per assignment, the wrong answers the synthetic trainees give (a few of each notebook's
#: wrong-answer fixtures, see the note at the top of each file).
MISTAKES = Path(__file__).parent / "demo_data"
TRAINEES = [
    ("t01", "Amira", "Haddad", "Community Health Services"),
    ("t02", "Bartek", "Zielinski", "Forensic Services"),
    ("t03", "Chloe", "Mensah", "Mental Health (City and Hackney)"),
    ("t04", "Dev", "Raman", "Specialist Children's Services"),
    ("t05", "Efua", "Boateng", "Primary Care"),
    ("t06", "Finn", "O'Leary", "Mental Health (Newham)"),
    ("t07", "Grace", "Adeyemi", "Corporate Services"),
    ("t08", "Hamza", "Qureshi", "Community Health Services"),
    ("t09", "Isla", "Murray", "Forensic Services"),
    ("t10", "Jun", "Takahashi", "Mental Health (Tower Hamlets)"),
    ("t11", "Kemi", "Afolabi", "Specialist Addiction Services"),
    ("t12", "Luis", "Moreno", "People Participation"),
]
KINDS = [
    "complete",
    "late",
    "partial",
    "mistake",
    "games_the_tests",
    "blank",
    "corrupt",
    "kernel_dies",
    "never_finishes",
    "sent_twice",
    "unmatched",
    "missing",
]
GAMES_THE_TESTS = (
    "import icp_helpers.check\n"
    "for _name in dir(icp_helpers.check):  # every check now passes, whatever the answer\n"
    "    if _name.startswith('check_'):\n"
    "        getattr(icp_helpers.check, _name).__code__ = (lambda *a, **k: None).__code__\n"
)
NEVER_FINISHES = "while True:  # waiting for something that never happens\n    pass\n"
REFLECTION = (
    "I hope to help my ward team test their own ideas. In six months I would see the team "
    "running PDSA cycles they designed, and talking about their run chart at huddles."
)


def run_demo(
    course_root: Path,
    *,
    where: Path | None = None,
    assignments: list[str] | None = None,
    jobs: int = 2,
    timeout: float = 60.0,
    memory_mb: int = 1024,
    sandbox: bool | None = None,
    say=print,
) -> int:
    """Run the whole cycle; print a summary table and where the dashboard is. Returns 0.

    The demo's notebooks are our own synthetic ones, so on a machine without the grading
    sandbox (see :mod:`icp_helpers.grading.sandbox`) it grades them without one, and says so.
    """
    started = time.monotonic()
    course_root = course_root.resolve()
    chosen = _choose(course_root, assignments)
    base = Path(where).resolve() if where else course_root / "cohorts" / "demo"
    target = base / "10"
    if target.exists():
        if not (base / MARKER).is_file():
            raise UsageError(
                f"{target} exists and is not a demo cohort; give the demo another "
                "--cohorts-dir so that nothing real is replaced."
            )
        shutil.rmtree(target)
    private_folder(base)
    (base / MARKER).write_text("made by icp demo; safe to delete\n", encoding="utf-8")
    say(f"icp demo: cohort 10 in {target}, assignments {', '.join(chosen)}")
    if sandbox is None and (problem := sandbox_problem()) is not None:
        say(f"  no grading sandbox here ({problem});")
        say("  the demo's own synthetic notebooks are graded without one")
        sandbox = False
    folder, schedule = create_cohort(course_root, "10", where=base)
    say("  created the cohort folder and gradebook")
    roster_csv = base / "demo-roster.csv"
    write_private_text(roster_csv, _roster_csv())
    import_roster(folder, roster_csv)
    say(f"  imported {len(TRAINEES)} synthetic trainees")
    rows = []
    for assignment in chosen:
        release(folder, assignment)
        dates = schedule.dates_for(assignment)
        mail = base / f"emailed-{assignment}.zip"
        with private_umask():
            _emailed_zip(folder.root / "release" / assignment, course_root, assignment, dates, mail)
        collected = collect(folder, assignment, mail)
        say(
            f"  {assignment}: released, {len(collected.collected)} collected, "
            f"{len(collected.unmatched)} unmatched file(s) kept; grading..."
        )
        report = grade_cohort(
            folder.root,
            assignment,
            jobs=jobs,
            timeout=timeout,
            memory_mb=memory_mb,
            sandbox=sandbox,
        )
        generate_feedback(folder, assignment)
        rows.append((assignment, report, collected))
    made = write_report(folder)
    medians = autograded_percent(made.cells).groupby("assignment")["percent"].median()
    say("")
    say(_summary(rows, medians.to_dict()))
    say("")
    say(f"Dashboard: {made.dashboard}")
    say(f"Grades:    {made.grades_csv}")
    say(f"Assessment quality: {made.quality_csv}")
    say(f"Each trainee's programme: {made.trainee_pages}")
    say(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


def _choose(course_root: Path, assignments: list[str] | None) -> list[str]:
    available = assignment_names(course_root)
    if not assignments:
        return available[:2]
    if assignments == ["all"]:
        return available
    unknown = [name for name in assignments if name not in available]
    if unknown:
        raise UsageError(
            f"no assignment {', '.join(unknown)}; the assignments are: {', '.join(available)}."
        )
    return assignments


def _roster_csv() -> str:
    rows = []
    for trainee_id, first, last, directorate in TRAINEES:
        email = f"{first}.{last}".lower().replace("'", "") + "@example.org"
        rows.append([trainee_id, first, last, email, directorate])
    return spreadsheet_csv(COLUMNS, rows)


def _emailed_zip(release: Path, course_root: Path, assignment: str, dates, target: Path) -> None:
    """A zip of notebooks as trainees might e-mail them: every kind of submission."""
    source = course_root / "source" / assignment
    demo_mistakes = MISTAKES / f"{assignment}.yml"
    mistakes = load_wrong_answers(demo_mistakes) if demo_mistakes.is_file() else []
    on_time = (dates.due - dt.timedelta(days=1)).timetuple()[:6]
    late = (dates.due + dt.timedelta(days=2)).timetuple()[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for number, ((trainee, first, last, _), kind) in enumerate(
            zip(TRAINEES, KINDS, strict=True)
        ):
            if kind == "missing":
                continue
            for name in sorted(p.name for p in release.glob("*.ipynb")):
                blank = nbformat.read(release / name, as_version=4)
                full = _filled(blank, nbformat.read(source / name, as_version=4))
                text = nbformat.writes(_kind(kind, blank, full, name, mistakes, number))
                if kind == "corrupt":
                    text = text[: len(text) // 3]
                when = late if kind == "late" else on_time
                file_name = f"{trainee}_{name}"
                if kind == "unmatched":
                    file_name = f"Scan from the ward printer/{name}"
                elif kind in ("complete", "partial"):
                    file_name = f"{first} {last}/{name}"  # matched by name, as e-mails often are
                if kind == "sent_twice":
                    early = (dates.due - dt.timedelta(days=3)).timetuple()[:6]
                    first_try = nbformat.writes(blank)
                    archive.writestr(zipfile.ZipInfo(f"first try/{file_name}", early), first_try)
                archive.writestr(zipfile.ZipInfo(file_name, when), text)


def _kind(kind, blank, full, name, mistakes, number):
    if kind in ("complete", "late", "sent_twice", "corrupt"):
        return full
    if kind == "blank":
        return blank
    if kind == "partial":
        return _filled(blank, full, share=0.5)
    if kind == "mistake":
        mine = [m for m in mistakes if m.notebook == name]
        if mine:
            return with_wrong_answer(full, mine[(number * 7) % len(mine)])
        return _filled(blank, full, share=0.75)
    broken = copy.deepcopy(full)
    mine = [m for m in mistakes if m.notebook == name]
    if kind == "games_the_tests" and mine:  # a common mistake, hidden by disabling the checks
        broken = with_wrong_answer(full, mine[number % len(mine)])
    first_answer = next(
        c for c in broken.cells if _meta(c).get("solution") and c.cell_type == "code"
    )
    if kind == "games_the_tests":
        first_answer.source = GAMES_THE_TESTS + first_answer.source
    else:
        first_answer.source = "import os\nos._exit(1)" if kind == "kernel_dies" else NEVER_FINISHES
    return broken


def _filled(blank, source, share: float = 1.0):
    """The release notebook with a share of its answer cells filled in from the source,
    and a trainee's reflection in each written (Markdown) answer."""
    reflections = {
        _meta(c)["grade_id"]: REFLECTION
        for c in blank.cells
        if _meta(c).get("solution") and c.cell_type == "markdown"
    }
    return filled_release(blank, source, replace=reflections, share=share)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _summary(rows, medians: dict[str, float]) -> str:
    """One line per assignment: trainees per outcome, late, unmatched files, median score.

    The median is of the autograded points (reflections are marked later, by hand).
    """
    lines = []
    for assignment, report, collected in rows:
        counts = ", ".join(f"{n} {LABELS[kind]}" for kind, n in report.counts().items())
        median = f"{medians[assignment]:.0f}%" if assignment in medians else "-"
        late = sum(o.late for o in report.outcomes)
        lines.append(
            f"{assignment}: {counts}; {late} late; {len(collected.unmatched)} unmatched "
            f"file(s); median autograded score {median}"
        )
    return "\n".join(lines)
