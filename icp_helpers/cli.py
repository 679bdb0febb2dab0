"""The ``icp`` command line: a thin layer that parses arguments and calls the package.

Exit status: 0 when all went well; 1 when a command ran but found problems (``icp check``,
``icp grade``); 2 for a mistake the user can put right (bad arguments, or an
:class:`~icp_helpers.errors.IcpError`, shown as one line naming the problem and the fix);
70 for a bug in icp (shown with its traceback, to be reported); 130 when stopped.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from icp_helpers import __version__
from icp_helpers.errors import IcpError
from icp_helpers.extras import missing_tool, need_facilitator_tools

#: Exit status for a bug in icp itself (``EX_SOFTWARE`` in sysexits.h).
BUG_EXIT = 70


def _course_root(value: str) -> Path:
    root = Path(value).resolve()
    if not (root / "nbgrader_config.py").is_file() or not (root / "source").is_dir():
        raise argparse.ArgumentTypeError(
            f"{root} is not a course folder (it needs nbgrader_config.py and source/); "
            "run icp from the repository root or pass --root."
        )
    return root


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse type for a number above zero (``int`` or ``float``).

    >>> _positive(int)("4")
    4
    >>> _positive(float)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 0 is not above zero; give a positive number, e.g. 2
    """

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a number; give a positive number, e.g. 2"
            ) from None
        if value <= 0:
            raise argparse.ArgumentTypeError(
                f"{text} is not above zero; give a positive number, e.g. 2"
            )
        return value

    parse.__name__ = kind.__name__
    return parse


def _build(args: argparse.Namespace) -> int:
    from icp_helpers.course.cli_commands import build

    built = build(args.root, args.assignments or None)
    print(f"Regenerated release/ from source/ for {len(built)} assignment(s): {', '.join(built)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from icp_helpers.course.cli_commands import check

    return 1 if check(args.root) else 0


def _facilitator(verb: str):
    """The handler for a facilitator command, imported only when it is run."""

    def handler(args: argparse.Namespace) -> int:
        from icp_helpers.facilitator import commands

        return getattr(commands, verb)(args)

    return handler


def _add_common(command: argparse.ArgumentParser, cohort: bool = True) -> None:
    command.add_argument(
        "--root", type=_course_root, default=".", help="the course folder (default: here)"
    )
    if cohort:
        command.add_argument("cohort", metavar="COHORT", help="the cohort number, e.g. 10")
        command.add_argument(
            "--cohorts-dir",
            type=Path,
            help="where cohort folders live (default: $ICP_COHORTS_DIR or <course>/cohorts)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icp",
        description="Improvement Coaching Programme: build, check and run the course and cohorts.",
    )
    parser.add_argument("--version", action="version", version=f"icp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler, summary: str, cohort: bool = True, into=commands):
        command = into.add_parser(name, help=summary, description=summary)
        _add_common(command, cohort)
        command.set_defaults(handler=handler)
        return command

    build = add("build", _build, "regenerate release/ from source/ with nbgrader", cohort=False)
    build.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="only these")
    add("check", _check, "check every assignment against the course's gates", cohort=False)

    cohort = commands.add_parser("cohort", help="a cohort's schedule and course folder")
    cohort_verbs = cohort.add_subparsers(dest="verb", metavar="VERB", required=True)
    create = add(
        "create",
        _facilitator("cohort_create"),
        "set up a cohort's folder and gradebook",
        into=cohort_verbs,
    )
    create.add_argument(
        "--db-url",
        help="gradebook server, e.g. postgresql://user@host/ "
        "(default: $ICP_DB_URL, else SQLite in the cohort folder)",
    )
    create.add_argument(
        "--exchange",
        type=Path,
        help="nbgrader exchange folder on a shared machine or JupyterHub "
        "(default: none; releases are zipped for e-mail)",
    )
    hub = add(
        "hub",
        _facilitator("cohort_hub"),
        "write a ready-to-run JupyterHub for a cohort (accounts, formgrader, exchange)",
        into=cohort_verbs,
    )
    hub.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write")
    hub.add_argument(
        "--facilitator",
        action="append",
        default=[],
        metavar="NAME",
        help="a facilitator's account (repeat for each): the hub's admins, who reach the "
        "formgrader",
    )
    hub.add_argument(
        "--auth",
        choices=["pam", "native"],
        default="pam",
        help="how people log in: pam, the server's Unix passwords (default), or native, "
        "passwords kept by the hub (NativeAuthenticator)",
    )
    hub.add_argument("--port", type=_positive(int), default=8000, help="the hub's port (8000)")
    hub.add_argument(
        "--python",
        type=Path,
        help="the course's Python that the hub and everyone's servers run, in a folder every "
        "account can read, e.g. /opt/icp/bin/python (default: the one running icp)",
    )
    hub.epilog = (
        "Account names are the roster ids in lower case; an id that cannot be a Unix name "
        "(a letter first, then letters, digits or '-') is refused. See DIR/README.md."
    )
    kubernetes = add(
        "kubernetes",
        _facilitator("cohort_kubernetes"),
        "write Zero to JupyterHub's Helm values for a cohort on Kubernetes (not run here)",
        into=cohort_verbs,
    )
    kubernetes.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder to write"
    )
    kubernetes.add_argument(
        "--facilitator",
        action="append",
        default=[],
        metavar="NAME",
        help="a facilitator's hub user name (repeat for each): the hub's admins, whose servers "
        "have the formgrader",
    )
    kubernetes.add_argument(
        "--image",
        default="icp-course:latest",
        help="the image built from kubernetes/Dockerfile, as the cluster pulls it "
        "(default: icp-course:latest)",
    )
    kubernetes.add_argument(
        "--gradebook-secret",
        default="icp-gradebook",
        metavar="NAME",
        help="the Kubernetes Secret whose key 'url' holds the gradebook's address "
        "(default: icp-gradebook)",
    )
    kubernetes.add_argument(
        "--storage-class",
        metavar="NAME",
        help="the cluster's storage class for shared (ReadWriteMany) volumes, e.g. azurefile "
        "(default: the cluster's default)",
    )
    for verb, summary in [
        ("show", "check a cohort's schedule and print its calendar"),
        ("ics", "write the cohort's calendar as an iCalendar file"),
    ]:
        command = add(verb, _facilitator(f"cohort_{verb}"), summary, into=cohort_verbs)
        if verb == "ics":
            command.add_argument("-o", "--output", type=Path, help="file to write")
    for command in (create, *cohort_verbs.choices.values()):
        if "--schedule" not in command._option_string_actions:
            command.add_argument(
                "--schedule", type=Path, help="the schedule (default: course/cohorts/COHORT.yml)"
            )

    roster = commands.add_parser("roster", help="a cohort's trainees")
    roster_verbs = roster.add_subparsers(dest="verb", metavar="VERB", required=True)
    imported = add(
        "import",
        _facilitator("roster_import"),
        "import or update trainees from a CSV (id, names, email, directorate)",
        into=roster_verbs,
    )
    imported.add_argument("csv", type=Path, metavar="ROSTER.csv")

    released = add(
        "release",
        _facilitator("release"),
        "generate and release assignments with the cohort's due dates",
    )
    released.add_argument(
        "assignment",
        nargs="?",
        metavar="ASSIGNMENT",
        help="this one (default: every assignment whose release date has come)",
    )
    released.add_argument("--on", metavar="DATE", help="release what is due by this date")
    collected = add(
        "collect",
        _facilitator("collect"),
        "collect submissions from the exchange or a zip of e-mailed notebooks",
    )
    collected.add_argument("assignment", metavar="ASSIGNMENT")
    collected.add_argument("--zip", type=Path, metavar="FILE", help="a zip of e-mailed notebooks")
    collected.add_argument(
        "--names",
        action="store_true",
        help="list the names of files not collected, which may name trainees (default: "
        "only the reasons; the names are always in the folder's REPORT.txt)",
    )
    graded = add("grade", _facilitator("grade"), "autograde every submission of an assignment")
    graded.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. 00-getting-started")
    graded.epilog = (
        "Each notebook runs in its own fresh process, in an operating-system sandbox "
        "(bubblewrap: it sees only its own files, no network, nothing of the course, "
        "roster or gradebook), under time, memory, file and process limits; without "
        "bubblewrap, grading refuses unless --no-sandbox. "
        "Answers that reach into the tests are flagged for manual grading. Only new or "
        "changed submissions are graded unless --force; stopping part way is safe. "
        "Exit status 1 means some submission needs your attention (see the table)."
    )
    _add_grading_options(graded, regrade=True)
    fed = add("feedback", _facilitator("feedback"), "per-trainee HTML feedback")
    fed.add_argument("assignment", metavar="ASSIGNMENT")
    reported = add(
        "report",
        _facilitator("report"),
        "grades CSV, progress per trainee, assessment quality, the cohort dashboard and "
        "each trainee's programme page",
    )
    reported.add_argument(
        "--names",
        action="store_true",
        help="also write dashboard-names.html, which shows trainees' names (dashboard.html "
        "always shows ids only)",
    )
    reported.add_argument(
        "--with-cohorts",
        nargs="+",
        default=[],
        metavar="COHORT",
        help="also read these cohorts' gradebooks (in the same cohorts folder) for the "
        "assessment quality of each exercise, e.g. --with-cohorts 8 9",
    )

    shown = commands.add_parser(
        "demo",
        help="the whole cycle on cohort 10 with synthetic trainees",
        description="Run the whole cycle on cohort 10 with synthetic "
        "trainees: create, import, release, collect, grade, feedback, "
        "report.",
    )
    _add_common(shown, cohort=False)
    shown.add_argument(
        "--cohorts-dir",
        type=Path,
        help="where to put the demo cohort (default: <course>/cohorts/demo)",
    )
    shown.add_argument(
        "--assignments",
        nargs="+",
        metavar="ASSIGNMENT",
        help="which assignments (default: the first two; 'all' for every one)",
    )
    _add_grading_options(shown, timeout=30)
    shown.set_defaults(handler=_facilitator("demo"))
    return parser


def _add_grading_options(
    command: argparse.ArgumentParser, *, timeout: float = 600, regrade: bool = False
) -> None:
    cores = os.cpu_count() or 1
    command.add_argument(
        "--jobs",
        type=_positive(int),
        default=cores,
        help=f"notebooks graded at once (default: the number of cores, {cores})",
    )
    command.add_argument(
        "--timeout",
        type=_positive(float),
        default=timeout,
        help=f"seconds one notebook may run before it is stopped ({timeout:g})",
    )
    command.add_argument(
        "--memory-mb",
        type=_positive(int),
        default=1024,
        help="memory one notebook may use, in MB, before it is stopped (1024)",
    )
    command.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run notebooks without the operating-system sandbox (only for work you trust; "
        "for a machine without Linux and bubblewrap)",
    )
    if regrade:
        command.add_argument(
            "--force",
            action="store_true",
            help="grade again submissions already graded and unchanged since",
        )


def _run(args: argparse.Namespace) -> int:
    """Run the command, turning the machine's faults into the :class:`IcpError` that explains
    them: a full disk or a place that cannot be written (:func:`~icp_helpers.files.
    storage_problem`), a gradebook database that cannot be used, and facilitator tools that
    are not installed (:mod:`icp_helpers.extras`)."""
    need_facilitator_tools()  # every command builds, checks or runs the course with nbgrader
    try:
        return args.handler(args)
    except ModuleNotFoundError as error:
        missing = missing_tool(error)
        if missing is None:
            raise
        raise missing from None
    except OSError as error:
        from icp_helpers.files import storage_problem

        problem = storage_problem(error)
        if problem is None:
            raise
        raise problem from None
    except Exception as error:
        database = sys.modules.get("sqlalchemy.exc")
        if database is None or not isinstance(error, database.OperationalError):
            raise
        from icp_helpers.facilitator.gradebook import gradebook_unusable

        raise gradebook_unusable(error, _gradebook_url(args)) from None


def _gradebook_url(args: argparse.Namespace) -> str | None:
    """The address of the gradebook of the cohort a command names, if it has one."""
    try:
        from icp_helpers.facilitator.cohort_folder import open_cohort

        return open_cohort(args.root, args.cohort, where=args.cohorts_dir).db_url
    except (AttributeError, IcpError, OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    name = " ".join(part for part in (args.command, getattr(args, "verb", None)) if part)
    try:
        return _run(args)
    except IcpError as error:  # a mistake the user can put right: the message says how
        first, *details = str(error).splitlines() or [type(error).__name__]
        print(f"icp {name}: {first}", file=sys.stderr)
        for line in details:  # e.g. the end of a failed nbgrader command's log
            print(f"    {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("icp: stopped; nothing was left half-written.", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print(
            f"icp {name}: this is a bug in icp {__version__}, not a mistake of yours; please "
            "report it to the course team with the command you ran and the traceback above.",
            file=sys.stderr,
        )
        return BUG_EXIT


if __name__ == "__main__":
    sys.exit(main())
