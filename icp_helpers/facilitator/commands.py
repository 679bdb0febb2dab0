"""What each facilitator command prints: calls the modules of this package and reports back.

Every function takes the parsed command-line arguments and returns the exit status. Output
names trainees by id only (never names or e-mails), so it is safe to keep in logs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from icp_helpers.facilitator.calendar import calendar_ics, calendar_text
from icp_helpers.facilitator.cohort import LATE_POLICIES, load_schedule
from icp_helpers.facilitator.cohort_folder import create_cohort, open_cohort, schedule_path
from icp_helpers.facilitator.privacy import masked_url
from icp_helpers.files import atomic_write_text


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


def cohort_show(args: argparse.Namespace) -> int:
    print(calendar_text(_schedule(args)), end="")
    return 0


def cohort_ics(args: argparse.Namespace) -> int:
    schedule = _schedule(args)
    output = args.output or Path(f"icp-cohort-{schedule.cohort}.ics")
    atomic_write_text(output, calendar_ics(schedule))
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
