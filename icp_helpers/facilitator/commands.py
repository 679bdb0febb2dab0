"""What each facilitator command prints: calls the modules of this package and reports back.

Every function takes the parsed command-line arguments and returns the exit status. Output
names trainees by id only (never names or e-mails, nor the names of e-mailed files, which
often hold them), so it is safe to keep in logs; ``--names`` is the facilitator's explicit
request to see them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from icp_helpers.errors import UsageError
from icp_helpers.facilitator.cohort import LATE_POLICIES, load_schedule
from icp_helpers.facilitator.cohort_calendar import calendar_ics, calendar_text
from icp_helpers.facilitator.cohort_folder import create_cohort, open_cohort, schedule_path
from icp_helpers.facilitator.privacy import masked_url
from icp_helpers.files import atomic_write

if TYPE_CHECKING:  # the grading engine is imported only when a command needs it
    from icp_helpers.facilitator.grade import Outcome


def _schedule(args: argparse.Namespace):
    path = args.schedule or schedule_path(args.root, args.cohort)
    return load_schedule(path, args.root / "course" / "syllabus.yml")


def _folder(args: argparse.Namespace):
    return open_cohort(args.root, args.cohort, where=args.cohorts_dir)


def cohort_create(args: argparse.Namespace) -> int:
    folder, schedule = create_cohort(
        args.root,
        args.cohort,
        where=args.cohorts_dir,
        schedule_file=args.schedule,
        db_url=args.db_url,
        exchange=args.exchange,
    )
    print(f"Cohort {folder.cohort} is ready in {folder.root}")
    print(f"  course id:  {folder.course_id}")
    print(f"  gradebook:  {masked_url(folder.db_url)}")
    print(f"  exchange:   {folder.exchange or 'none (releases are zipped for e-mail)'}")
    print(f"  late work:  {LATE_POLICIES[schedule.late_policy]}")
    print(f"  {len(schedule.sessions)} sessions, {len(schedule.assignments)} assignments dated.")
    print(f"Next: icp roster import {folder.cohort} roster.csv")
    return 0


def cohort_hub(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.hub import AUTHENTICATORS, HubPorts, write_hub

    folder = _folder(args)
    hub = write_hub(
        folder,
        args.out,
        facilitators=args.facilitator,
        auth=args.auth,
        ports=HubPorts(public=args.port),
        python=args.python,
    )
    print(f"JupyterHub for cohort {folder.cohort} written to {hub.folder}")
    print(f"  trainees:      {len(hub.trainees)} account(s) ({', '.join(hub.trainees)})")
    print(f"  facilitators:  {', '.join(hub.facilitators)} (admins; formgrader as {hub.grader})")
    print(f"  log in with:   {AUTHENTICATORS[hub.auth]}")
    print(f"  exchange:      {hub.exchange}")
    print(f"  gradebook:     {masked_url(folder.db_url)}")
    print(f"Next: sudo sh {hub.folder / 'create-accounts.sh'}, then see {hub.folder / 'README.md'}")
    return 0


def cohort_kubernetes(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.hub_kubernetes import KubernetesPlan, write_kubernetes

    folder = _folder(args)
    plan = KubernetesPlan(
        image=args.image, gradebook_secret=args.gradebook_secret, storage_class=args.storage_class
    )
    values, storage = write_kubernetes(folder, args.out, facilitators=args.facilitator, plan=plan)
    print(f"Zero to JupyterHub values for cohort {folder.cohort} written to {values}")
    print(f"  shared volumes: {storage} (kubectl apply -f {storage.name})")
    print(f"  image:          {plan.image} (build it from kubernetes/Dockerfile)")
    secret = plan.gradebook_secret
    print(f"  gradebook:      from the Secret {secret} (key 'url'), never in the file")
    print("Not run here: see the facilitator guide, chapter 7, 'Past one server: Kubernetes'.")
    return 0


def cohort_show(args: argparse.Namespace) -> int:
    print(calendar_text(_schedule(args)), end="")
    return 0


def cohort_ics(args: argparse.Namespace) -> int:
    schedule = _schedule(args)
    output = args.output or Path(f"icp-cohort-{schedule.cohort}.ics")
    atomic_write(output, calendar_ics(schedule))
    print(
        f"Wrote {len(schedule.sessions)} sessions and {len(schedule.assignments)} due dates "
        f"to {output}; trainees can import it into Outlook or any calendar."
    )
    return 0


def roster_import(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.roster import import_roster

    summary = import_roster(_folder(args), args.csv)
    print(
        f"Roster of cohort {args.cohort}: {len(summary.added)} added, {len(summary.updated)} "
        f"updated, {len(summary.unchanged)} unchanged."
    )
    if summary.kept:
        print(
            f"  {len(summary.kept)} trainee(s) already on the roster are not in this file and "
            f"were kept: {', '.join(summary.kept)}"
        )
    return 0


def release(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.release import release as release_assignments

    folder = _folder(args)
    when = _when(args.on, folder) if args.on else None
    released = release_assignments(folder, args.assignment, when=when)
    if not released:
        print(
            f"Nothing to release: no assignment's release date has come for cohort "
            f"{folder.cohort}. Name one: icp release {folder.cohort} ASSIGNMENT"
        )
        return 0
    for item in released:
        print(
            f"Released {item.assignment} (due {item.due:%a %d %b %Y %H:%M %Z}) to "
            f"{item.destination}"
        )
        if item.warning:
            print(f"  WARNING: {item.warning}")
    return 0


def collect(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.collect import collect as collect_submissions

    folder = _folder(args)
    report = collect_submissions(folder, args.assignment, args.zip)
    new = sorted(set(report.collected) - set(report.unchanged))
    print(f"Collected {args.assignment} for {len(new)} trainee(s): {', '.join(new) or 'none'}")
    if report.unchanged:
        print(
            f"  {len(report.unchanged)} unchanged (already collected): "
            f"{', '.join(sorted(report.unchanged))}"
        )
    if report.missing:
        where = "in the zip" if args.zip else "in the exchange"
        print(
            f"  nothing from {len(report.missing)} (no file of theirs {where}): "
            f"{', '.join(report.missing)}"
        )
    if report.unmatched:
        print(f"  {len(report.unmatched)} file(s) could not be matched; kept in {report.kept_in}:")
        for name, reason in report.unmatched:  # file names may name trainees: only if asked
            print(f"    {name}: {reason}" if args.names else f"    - {reason}")
        if not args.names:
            print("    (REPORT.txt there gives each file's name; --names lists them here)")
    if report.refused:
        print(f"  {len(report.refused)} refused, not extracted: {_tally(report.refused)}")
    if report.ignored:
        print(f"  {len(report.ignored)} ignored: {_tally(report.ignored)}")
    if report.kept_in:
        print(f"  Every file not collected is listed in {report.kept_in / 'REPORT.txt'}")
    return 0


def _tally(entries: list[tuple[str, str]]) -> str:
    """The reasons of (file, reason) pairs with how often each came, leaving out the files.

    >>> _tally([("a/", "a folder"), ("b/", "a folder"), ("._x", "macOS metadata")])
    'a folder (2), macOS metadata (1)'
    """
    from collections import Counter

    counts = Counter(reason for _, reason in entries)
    return ", ".join(f"{reason} ({count})" for reason, count in counts.items())


def grade(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.grade import grade_cohort
    from icp_helpers.facilitator.outcomes import (
        LABELS,
        NOTHING_YET,
        PROBLEMS,
        UNUSABLE,
        why_not_graded,
    )
    from icp_helpers.grading.report import flags_by_reason

    folder = _folder(args)
    if args.no_sandbox:
        _warn_without_sandbox()
    bar = _ProgressBar(args.assignment)
    report = grade_cohort(
        folder.root,
        args.assignment,
        jobs=args.jobs,
        progress=bar,
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        force=args.force,
        sandbox=False if args.no_sandbox else None,
    )
    bar.close()
    print(f"{'trainee':<10} {'outcome':<26} {'score':>9}  late  reason")
    left_out = set(NOTHING_YET) | set(UNUSABLE)
    not_graded = [o for o in report.outcomes if o.outcome in left_out]  # said below, with why
    for o in (o for o in report.outcomes if o.outcome not in left_out):
        score = f"{o.score:g}/{o.max_score:g}" if o.score is not None else "-"
        reason = o.reason + (" (unchanged since it was graded)" if o.unchanged else "")
        print(f"{o.trainee:<10} {o.label:<26} {score:>9}  {'yes' if o.late else '   '}   {reason}")
        for line in flags_by_reason((flag["grade_id"], flag["tampering"]) for flag in o.flagged):
            print(f"{'':<10} needs manual grading: {line}")
    for o in not_graded:
        why = why_not_graded(o.outcome, folder.cohort, args.assignment)
        detail = f": {o.reason.rstrip('.')}" if o.outcome in UNUSABLE and o.reason else ""
        print(f"No grades for {o.trainee}: {why}{detail}.")
    _print_remarking({o.trainee: o.remark for o in report.outcomes})
    counts = ", ".join(f"{n} {LABELS[k]}" for k, n in report.counts().items())
    print(f"{args.assignment}: {counts}.")
    problems = sum(n for k, n in report.counts().items() if k in PROBLEMS)
    return 1 if problems else 0


def _print_remarking(cells: dict[str, tuple[str, ...]]) -> None:
    """The trainees whose hand marks were cleared by a changed answer (ids and cells only).

    >>> _print_remarking({"t01": ("reflection",), "t02": ()})
    Needs re-marking (the answer changed since it was marked): t01 (reflection)
    """
    listed = [f"{trainee} ({', '.join(found)})" for trainee, found in cells.items() if found]
    if listed:
        print(f"Needs re-marking (the answer changed since it was marked): {', '.join(listed)}")


def feedback(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.feedback import generate_feedback
    from icp_helpers.facilitator.mail_merge import write_mail_merge

    folder = _folder(args)
    made = generate_feedback(folder, args.assignment)
    pages = sum(len(item.pages) for item in made)
    print(f"Feedback for {args.assignment}: {pages} page(s) for {len(made)} trainee(s).")
    for item in made:
        where = item.zip_file or (item.pages[0].parent if item.pages else "-")
        print(f"  {item.trainee}: {where}")
    merge = write_mail_merge(folder, args.assignment, made)
    if merge is not None:
        print(f"Mail-merge list: {merge}")
        print("  (id, names, e-mail and feedback zip of each trainee: keep it to facilitators)")
    done = {item.trainee for item in made if item.pages}
    for trainee, why in _not_graded(folder, args.assignment, done).items():
        print(f"No feedback for {trainee}: {why}.")
    return 0


def _not_graded(folder, assignment: str, done: set[str]) -> dict[str, str]:
    """Why each trainee on the roster but not in ``done`` has nothing (ids only)."""
    from icp_helpers.facilitator.grade import read_ledger
    from icp_helpers.facilitator.outcomes import why_not_graded
    from icp_helpers.facilitator.roster import read_roster

    ledger = read_ledger(folder, assignment)
    reasons = {}
    for trainee in read_roster(folder):
        if trainee.id in done:
            continue
        submitted = (folder.root / "submitted" / trainee.id / assignment).is_dir()
        outcome = ledger.get(trainee.id, {}).get(
            "outcome", "not_graded" if submitted else "missing"
        )
        reasons[trainee.id] = why_not_graded(outcome, folder.cohort, assignment)
    return reasons


def report(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.assessment_quality import pooled_rows
    from icp_helpers.facilitator.outcomes import why_not_graded
    from icp_helpers.facilitator.report import write_report

    folder = _folder(args)
    made = write_report(folder, names=args.names, with_cohorts=args.with_cohorts)
    print(f"Grades (nbgrader export CSV): {made.grades_csv}")
    print(f"Progress per trainee:         {made.progress_csv}")
    print(f"Assessment quality:           {made.quality_csv}")
    print(f"Cohort dashboard:             {made.dashboard}")
    if made.named_dashboard is not None:
        print(f"Dashboard with names:         {made.named_dashboard}")
        print("  (it shows trainees' names: keep it to facilitators; share dashboard.html)")
    print(f"Each trainee's programme:     {made.trainee_pages}")
    print("  (a folder per trainee, with their feedback: share each only with its trainee)")
    exercises = pooled_rows(made.quality)
    nothing = exercises[exercises["measures_nothing"] != ""]
    if len(nothing):
        print(
            f"{len(nothing)} of {len(exercises)} exercise(s) measure nothing (see the "
            f"dashboard): {', '.join(f'{r.assignment} {r.grade_id}' for r in nothing.itertuples())}"
        )
    for row in made.progress[made.progress["score"].isna()].itertuples():
        why = why_not_graded(str(row.outcome), folder.cohort, str(row.assignment))
        print(f"No marks for {row.trainee} on {row.assignment}: {why}.")
    remarking = made.progress[made.progress["needs_remarking"] != ""]
    _print_remarking(
        {
            f"{row.trainee} {row.assignment}": tuple(row.needs_remarking.split(", "))
            for row in remarking.itertuples()
        }
    )
    return 0


def demo(args: argparse.Namespace) -> int:
    from icp_helpers.facilitator.demo import run_demo

    return run_demo(
        args.root,
        where=args.cohorts_dir,
        assignments=args.assignments,
        jobs=args.jobs,
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        sandbox=False if args.no_sandbox else None,
    )


def _warn_without_sandbox() -> None:
    print(
        "WARNING: --no-sandbox: trainees' notebooks will run as you, with your access to the "
        "course, the roster, the gradebook and this machine. Use it only for work you trust.",
        file=sys.stderr,
    )


def _when(text: str, folder):
    import datetime as dt

    try:
        day = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--on {text!r} is not a date; write it as YYYY-MM-DD.") from None
    zone = folder.schedule().zone
    return day.replace(tzinfo=zone) if day.tzinfo is None else day


class _ProgressBar:
    """A one-line progress bar on stderr, naming trainees by id only."""

    def __init__(self, label: str, width: int = 30):
        self.label, self.width, self.shown = label, width, False

    def __call__(self, outcome: Outcome, done: int, total: int) -> None:

        filled = int(self.width * done / max(total, 1))
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} {outcome.trainee:<10}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:

        if self.shown:
            sys.stderr.write("\n")
