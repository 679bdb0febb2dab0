"""Each trainee's whole programme on one page, about that trainee only, in a folder of
their own to share with them alone."""

from __future__ import annotations

import re
import stat

import pytest

from .conftest import ASSIGNMENT, icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

TRAINEES = {
    "t01": ("Asha", "Patel", "asha.patel@example.org"),
    "t02": ("Ben", "Okafor", "ben.okafor@example.org"),
    "t03": ("Cerys", "Jones", "cerys.jones@example.org"),
    "t04": ("Dariusz", "Nowak", "dariusz.nowak@example.org"),
    "t05": ("Eilidh", "Campbell", "eilidh.campbell@example.org"),
    "t06": ("Farah", "Hussain", "farah.hussain@example.org"),
}


def test_each_trainees_programme_is_one_page_about_them_only(six_graded):
    assert icp(six_graded, "feedback", "10", ASSIGNMENT).returncode == 0
    made = icp(six_graded, "report", "10")
    assert made.returncode == 0, made.stderr
    folder = six_graded.root / "reports" / "trainees"
    assert f"Each trainee's programme:     {folder}" in made.stdout
    assert sorted(path.name for path in folder.iterdir()) == sorted(TRAINEES)
    pages = {t: (folder / t / "programme.html").read_text(encoding="utf-8") for t in TRAINEES}
    scores = {}
    for trainee, page in pages.items():
        first, last, _ = TRAINEES[trainee]
        assert f"{first} {last} ({trainee})" in page
        for other, (o_first, o_last, o_email) in TRAINEES.items():
            if other == trainee:
                continue
            assert not re.search(rf"\b{other}\b", page), (trainee, other)
            assert o_first not in page and o_last not in page and o_email not in page
        scores[trainee] = re.search(r"(\d+)/13 so far, 3 awaiting marking", page)[1]
        assert stat.S_IMODE((folder / trainee / "programme.html").stat().st_mode) == 0o600
    # each page shows its own marks and no one else's
    for trainee, page in pages.items():
        others = {score for other, score in scores.items() if score != scores[trainee]}
        assert not [s for s in others if f"{s}/13" in page], trainee
    assert scores["t01"] == "10" and scores["t02"] != "10"
    t01 = pages["t01"]
    # the feedback beside the page, as the feedback zip lays it out
    link = f"{ASSIGNMENT}-feedback/getting-started.html"
    assert f'href="{link}"' in t01
    own = six_graded.root / "feedback" / "t01" / ASSIGNMENT / "getting-started.html"
    assert (folder / "t01" / link).read_bytes() == own.read_bytes()
    # outstanding work and dates in the cohort's time zone, summer and winter
    assert "Fri 27 Sep 2024 17:00 BST" in t01
    assert "01-coach-and-system" in t01 and "Thu 31 Oct 2024 17:00 GMT" in t01
    assert not [name for name, *_ in TRAINEES.values() if name in made.stdout + made.stderr]
