"""Every CSV icp writes for people to open is safe in a spreadsheet: a roster value that looks
like a formula is stored as text (OWASP's CSV-injection advice), the file is UTF-8 with a BOM
so Excel shows accented names, and icp still reads back exactly what was imported."""

from __future__ import annotations

import csv
import io

import pytest

from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.grade import grade_cohort
from icp_helpers.facilitator.roster import read_roster

from ..conftest import run_icp

pytestmark = pytest.mark.slow  # real nbgrader export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Each value would run as a formula in Excel if stored raw; Zoë's name needs the BOM.
ROSTER = (
    "Trainee ID,First name,Last name,Email,Directorate\n"
    't01,"=HYPERLINK(""http://x"",""y"")",Patel,asha.patel@example.org,+1\n'
    "t02,Zoë,-2+3,-2+3@example.org,@SUM(A1:A9)\n"
    't03,"\tCerys",Jones,cerys.jones@example.org,"\'=quoted already"\n'
    "t04,Dariusz,Nowak,dariusz.nowak@example.org,Specialist Children's Services\n"
)


def _cells(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_roster_grades_and_progress_csv_hold_no_formulas(
    released, tmp_path, course_root, notebook_text, write_zip
):
    roster = tmp_path / "formulas.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    where = ["--root", str(course_root), "--cohorts-dir", str(released.root.parent)]
    imported = run_icp("roster", "import", "10", str(roster), *where)
    assert imported.returncode == 0, imported.stderr
    stored = _cells(released.roster_file)
    assert _formula_cells(stored) == []
    assert ["t01", '\'=HYPERLINK("http://x","y")', "Patel", "asha.patel@example.org", "'+1"] in (
        stored
    )
    assert "Zoë" in stored[2]
    # icp's own reading of its roster gives back exactly what was imported
    by_id = {trainee.id: trainee for trainee in read_roster(released)}
    assert by_id["t01"].first_name == '=HYPERLINK("http://x","y")'
    assert by_id["t02"].last_name == "-2+3" and by_id["t02"].email == "-2+3@example.org"
    assert by_id["t03"].first_name == "Cerys"  # the CSV reader strips surrounding blanks
    assert by_id["t03"].directorate == "'=quoted already"
    again = run_icp("roster", "import", "10", str(roster), *where)
    assert "0 added, 0 updated, 4 unchanged" in again.stdout, again.stdout + again.stderr

    mail = write_zip(
        tmp_path / "m.zip", [("t01_getting-started.ipynb", notebook_text(), (2024, 9, 26, 9, 0, 0))]
    )
    collect(released, "00-getting-started", mail)
    grade_cohort(released.root, "00-getting-started", jobs=1)
    made = run_icp("report", "10", *where)
    assert made.returncode == 0, made.stderr
    reports = released.root / "reports"
    grades = _cells(reports / "grades.csv")
    assert _formula_cells(grades) == []
    header = grades[0]
    by_student = {row[header.index("student_id")]: row for row in grades[1:]}
    assert by_student["t01"][header.index("first_name")] == '\'=HYPERLINK("http://x","y")'
    assert by_student["t02"][header.index("first_name")] == "Zoë"
    assert by_student["t02"][header.index("email")] == "'-2+3@example.org"
    assert by_student["t04"][header.index("score")] == "0.0"  # numbers stay numbers
    assert _formula_cells(_cells(reports / "progress.csv")) == []


def test_numbers_stay_numeric_and_only_text_is_neutralised():
    from icp_helpers.files import spreadsheet_csv

    text = spreadsheet_csv(
        ["trainee", "score", "note"],
        [["-1", -1.0, "-1"], ["@t", "-2.5", "=1+1"]],
        numeric=["score"],
    )
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[1:] == [["'-1", "-1.0", "'-1"], ["'@t", "-2.5", "'=1+1"]]
    assert text.startswith("\ufeff")
