"""Times in the cohort's time zone (Europe/London): the formgrader (nbgrader's
NbGraderAPI.timezone and timestamp_format, set in the cohort's nbgrader config), the
exchange's timestamps, and the grades CSV; GMT in winter, BST in summer."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from .conftest import ASSIGNMENT, icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

# What the formgrader shows, asked as it asks: nbgrader's app reads the cohort's
# nbgrader_config.py from the folder it runs in and gives its config to NbGraderAPI.
FORMGRADER = """
import datetime as dt, json, zoneinfo
from nbgrader.apps.api import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.abc import Exchange
from nbgrader.utils import parse_utc

app = NbGrader()
app.load_config_file()
api = NbGraderAPI(CourseDirectory(parent=app), Authenticator(parent=app), parent=app)
summer = dt.datetime(2024, 9, 27, 17, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
stamp = summer.strftime(Exchange(parent=app).timestamp_format)
print(json.dumps({
    "due": api.get_assignment("00-getting-started")["display_duedate"],
    "submitted": {s["student"]: s["display_timestamp"]
                  for s in api.get_submissions("00-getting-started")},
    "stamp": str(parse_utc(stamp)),
}))
"""


def test_the_formgrader_shows_times_in_the_cohorts_zone(six_graded):
    shown = subprocess.run(
        [sys.executable, "-c", FORMGRADER], cwd=six_graded.root, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout.splitlines()[-1])
    assert found["due"] == "2024-09-27 17:00:00 BST"  # 16:00 UTC
    assert found["submitted"]["t01"] == "2024-09-26 09:00:00 BST"
    # an exchange timestamp in the cohort's zone reads back as the right moment (UTC)
    assert found["stamp"] == "2024-09-27 16:00:00"


def test_the_grades_csv_gives_times_in_the_cohorts_zone(six_graded):
    assert icp(six_graded, "report", "10").returncode == 0
    grades = six_graded.root / "reports" / "grades.csv"
    with grades.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["t01"]["duedate"] == "2024-09-27 17:00:00 BST"
    assert rows["t01"]["timestamp"] == "2024-09-26 09:00:00 BST"
    assert rows["t01"]["assignment"] == ASSIGNMENT
