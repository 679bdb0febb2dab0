"""The ``icp`` command line: a thin layer that parses arguments and calls the package."""

from __future__ import annotations

import argparse
import sys

from icp_helpers import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icp",
        description="Improvement Coaching Programme: build, check and run the course.",
    )
    parser.add_argument("--version", action="version", version=f"icp {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
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
