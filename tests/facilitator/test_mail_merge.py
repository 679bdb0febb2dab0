"""icp feedback for an e-mail cohort writes a mail-merge list: id, names, e-mail and the
feedback zip for each trainee, in that file only, never printed."""

from __future__ import annotations

import csv
import stat
import zipfile
from pathlib import Path

import pytest

from .conftest import ASSIGNMENT, icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

NAMES = ["Asha", "Patel", "Ben", "Okafor", "Eilidh", "Campbell", "Farah", "Hussain"]


def test_feedback_writes_a_mail_merge_list_and_prints_no_names(six_graded):
    fed = icp(six_graded, "feedback", "10", ASSIGNMENT)
    assert fed.returncode == 0, fed.stderr
    merge = six_graded.root / "outbox" / "feedback" / ASSIGNMENT / "mail-merge.csv"
    assert f"Mail-merge list: {merge}" in fed.stdout
    assert stat.S_IMODE(merge.stat().st_mode) == 0o600
    assert merge.read_bytes().startswith(b"\xef\xbb\xbf")  # opens in Excel
    with merge.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "first_name", "last_name", "email", "feedback_file"]
    assert [row["id"] for row in rows] == ["t01", "t02", "t03", "t04", "t05", "t06"]
    t01 = rows[0]
    assert (t01["first_name"], t01["last_name"], t01["email"]) == (
        "Asha",
        "Patel",
        "asha.patel@example.org",
    )
    for row in rows:
        attachment = Path(row["feedback_file"])
        assert attachment == merge.parent / f"{row['id']}.zip"
        with zipfile.ZipFile(attachment) as archive:
            page = archive.read(f"{ASSIGNMENT}-feedback/getting-started.html")
        own = six_graded.root / "feedback" / row["id"] / ASSIGNMENT / "getting-started.html"
        assert page == own.read_bytes()
    printed = fed.stdout + fed.stderr
    assert "@" not in printed and not [name for name in NAMES if name in printed]
