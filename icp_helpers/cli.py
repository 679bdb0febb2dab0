"""The ``icp`` command line: a thin layer that parses arguments and calls the package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from icp_helpers import __version__


def _course_root(value: str) -> Path:
    root = Path(value).resolve()
    if not (root / "nbgrader_config.py").is_file() or not (root / "source").is_dir():
        raise argparse.ArgumentTypeError(
            f"{root} is not a course folder (it needs nbgrader_config.py and source/); "
            "run icp from the repository root or pass --root."
        )
    return root


def _build(args: argparse.Namespace) -> int:
    from icp_helpers.course.cli_commands import build

    try:
        built = build(args.root, args.assignments or None)
    except ValueError as error:
        print(f"icp build: {error}", file=sys.stderr)
        return 2
    print(f"Regenerated release/ from source/ for {len(built)} assignment(s): {', '.join(built)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from icp_helpers.course.cli_commands import check

    return 1 if check(args.root) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icp",
        description="Improvement Coaching Programme: build, check and run the course.",
    )
    parser.add_argument("--version", action="version", version=f"icp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, handler, summary in [
        ("build", _build, "regenerate release/ from source/ with nbgrader"),
        ("check", _check, "check every assignment against the course's gates"),
    ]:
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument(
            "--root", type=_course_root, default=".", help="the course folder (default: here)"
        )
        command.set_defaults(handler=handler)
        if name == "build":
            command.add_argument(
                "assignments", nargs="*", metavar="ASSIGNMENT", help="only these (default: all)"
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
