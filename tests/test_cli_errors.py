"""The icp command tells a user's mistake (one line, exit 2) from a bug (traceback, exit 70)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from icp_helpers import cli
from icp_helpers.aims import AimError
from icp_helpers.check import CheckFailed
from icp_helpers.course.nbgrader_runner import NbgraderError
from icp_helpers.diagrams.driver import DriverDiagramError
from icp_helpers.diagrams.fishbone import FishboneError
from icp_helpers.diagrams.process_map import ProcessMapError
from icp_helpers.errors import IcpError, UsageError
from icp_helpers.facilitator.cohort import ScheduleError
from icp_helpers.facilitator.cohort_folder import CohortFolderError
from icp_helpers.facilitator.gradebook import GradebookError
from icp_helpers.facilitator.roster import RosterError
from icp_helpers.fields import FieldError
from icp_helpers.files import DataFileError
from icp_helpers.reports import SponsorUpdateError

ROOT = Path(__file__).resolve().parents[1]
ICP = Path(sys.executable).with_name("icp")


def _icp(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert ICP.is_file(), f"no icp command at {ICP}; install the project with `make venv`"
    env = dict(os.environ, MPLBACKEND="Agg")
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run(
        [str(ICP), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "error",
    [
        AimError,
        CheckFailed,
        CohortFolderError,
        DataFileError,
        DriverDiagramError,
        FieldError,
        FishboneError,
        GradebookError,
        NbgraderError,
        ProcessMapError,
        RosterError,
        ScheduleError,
        SponsorUpdateError,
        UsageError,
    ],
)
def test_every_user_facing_error_is_an_icp_error(error):
    assert issubclass(error, IcpError)


def test_a_users_mistake_is_one_line_and_exit_2(tmp_path):
    refused = _icp("cohort", "show", "99", "--schedule", str(tmp_path / "99.yml"))
    assert refused.returncode == 2
    assert refused.stderr.startswith("icp cohort show: cannot read a cohort schedule")
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr


def test_a_bug_shows_its_traceback_and_asks_for_a_report(tmp_path):
    # A fault put into the real command: cohort calendars break with a KeyError.
    (tmp_path / "sitecustomize.py").write_text(
        "import icp_helpers.facilitator.cohort_calendar as calendar\n"
        "def broken(schedule):\n"
        "    raise KeyError('a bug')\n"
        "calendar.calendar_text = broken\n",
        encoding="utf-8",
    )
    crashed = _icp("cohort", "show", "10", pythonpath=tmp_path)
    assert crashed.returncode == cli.BUG_EXIT, crashed.stderr
    assert "Traceback (most recent call last)" in crashed.stderr
    assert "KeyError: 'a bug'" in crashed.stderr
    assert "this is a bug in icp" in crashed.stderr and "please report it" in crashed.stderr


def test_an_nbgrader_failure_is_a_message_with_its_log_not_a_traceback(monkeypatch, capsys):
    def failing(args):
        raise NbgraderError("`nbgrader generate_assignment` failed in /course:\n[ERROR] no file")

    monkeypatch.setattr(cli, "_build", failing)
    assert cli.main(["build", "--root", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "icp build: `nbgrader generate_assignment` failed in /course:",
        "    [ERROR] no file",
    ]


def test_a_number_that_must_be_positive_is_refused_by_the_parser():
    refused = _icp("grade", "10", "00-getting-started", "--jobs", "0")
    assert refused.returncode == 2
    assert "--jobs: 0 is not above zero" in refused.stderr
