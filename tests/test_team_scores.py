"""Every team's progress score, and every statement about its chart, agrees with its data set.

The course tells the stories of three teams with data sets: Willow ward (``violence``), the
North CMHT (``did_not_attend``) and Cedar ward (``falls``). Their monthly scores live in one place
(:func:`icp_helpers.portfolio.directorate_scores`); these tests chart each data set as it stood at
the end of each scored month (centre line frozen on the data dictionary's baseline, as the
notebooks do) and check that the score is one the chart can carry:

* 2.5 or more needs a PDSA cycle that had started by then (the course's PDSA log);
* 2.5 or less needs a chart with no signal of improvement (on the run chart or the control chart);
* 3.5 or more ("further improvement in the measures") needs a signal of improvement on the
  team's control chart;
* 4.0 or more ("half or more of the goals") needs the months since the change to average at least
  half the way from the baseline to the aim;
* 4.5 or more ("data show the impact sustained") needs the latest six months all on the better side
  of the baseline centre line;
* 5.0 needs the latest six months to average at or better than the aim.

The notebooks' scores (sponsor updates, the answers of the score exercises) must equal the history
where it has that month, and satisfy the same rules where it does not; and the notebooks' sentences
that count months on a chart must count what the data show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from icp_helpers.charts import control_chart, run_chart
from icp_helpers.datasets import describe, load
from icp_helpers.pdsa import load_cycles
from icp_helpers.portfolio import directorate_scores

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
NOTEBOOKS = {
    "04": SOURCE / "04-testing-changes" / "testing-changes.ipynb",
    "06": SOURCE / "06-sustain-spread-report" / "sustain-spread-report.ipynb",
    "06c": SOURCE / "06-sustain-spread-report" / "capstone.ipynb",
}


@dataclass(frozen=True)
class Team:
    data_set: str
    y: str
    n: str
    chart: str
    multiply: int
    rate: str
    aim: float
    cycles: tuple[str, ...]


WILLOW = "Willow ward: fewer violent incidents"
NORTH = "North CMHT: fewer missed appointments"
CEDAR = "Cedar ward: fewer falls"
TEAMS = {
    # The aims are the ones the notebooks state (capstone; 06 Sections 2 and 3).
    WILLOW: Team(
        "violence",
        "incidents",
        "occupied_bed_days",
        "u",
        1000,
        "rate_per_1000_obd",
        20,
        ("Willow",),
    ),
    NORTH: Team(
        "did_not_attend", "dnas", "appointments", "p", 100, "dna_pct", 12, ("Calls", "DNA")
    ),
    CEDAR: Team(
        "falls", "falls", "occupied_bed_days", "u", 1000, "rate_per_1000_obd", 9, ("Falls",)
    ),
}


def _to(team: Team, month: str) -> pd.DataFrame:
    data = load(team.data_set)
    return data[data["month"] <= pd.Period(month, freq="M").to_timestamp()]


def _better(team: Team, values: pd.Series, centre: pd.Series) -> pd.Series:
    lower = describe(team.data_set).improvement_direction == "lower"
    return values < centre if lower else values > centre


def _improvement_signal(team: Team, result) -> bool:
    """A point flagged by any rule, after the change, on the better side of the centre line."""
    spec = describe(team.data_set)
    points = result.points
    better = set(points.loc[_better(team, points["y"], points["cl"]), "x"])
    flagged = result.signals["x"]
    return any(x in better for x in flagged[flagged >= pd.Timestamp(spec.change_date)])


@dataclass(frozen=True)
class Evidence:
    tested: bool
    run_signal: bool
    control_signal: bool
    share_of_aim: float
    held_six_months: bool
    latest_six_mean: float


def evidence(team_name: str, month: str) -> Evidence:
    """What the team's data (and PDSA log) show at the end of ``month``."""
    team = TEAMS[team_name]
    spec = describe(team.data_set)
    data = _to(team, month)
    end = pd.Period(month, freq="M").to_timestamp(how="end")
    log = load_cycles(SOURCE / "04-testing-changes" / "pdsa_log.yaml")
    tested = any(
        cycle.cycle_id.startswith(team.cycles) and pd.Timestamp(cycle.start) <= end for cycle in log
    )
    if len(data) <= spec.baseline_points:  # no chart beyond the baseline yet: nothing to show
        return Evidence(tested, False, False, 0.0, False, float("nan"))
    run = run_chart(data, x="month", y=team.rate, freeze=spec.baseline_points)
    control = control_chart(
        data,
        x="month",
        y=team.y,
        n=team.n,
        chart=team.chart,
        multiply=team.multiply,
        freeze=spec.baseline_points,
        rules="hcdg",
    )
    points = control.points
    baseline = float(points["cl"].iloc[0])
    after = points[points["x"] >= pd.Timestamp(spec.change_date)]
    share = (baseline - after["y"].mean()) / (baseline - team.aim) if len(after) else 0.0
    latest = points.tail(6)
    return Evidence(
        tested=tested,
        run_signal=_improvement_signal(team, run),
        control_signal=_improvement_signal(team, control),
        share_of_aim=float(share),
        held_six_months=bool(_better(team, latest["y"], latest["cl"]).all()) and len(after) >= 6,
        latest_six_mean=float(latest["y"].mean()),
    )


def problems_with(team_name: str, month: str, score: float) -> list[str]:
    """Why ``score`` in ``month`` does not agree with the team's data (empty: it agrees)."""
    seen = evidence(team_name, month)
    found = []
    if score >= 2.5 and not seen.tested:
        found.append("2.5 or more, but no PDSA cycle had started")
    if score <= 2.5 and (seen.run_signal or seen.control_signal):
        found.append("2.5 or less, but the chart shows a signal of improvement")
    if score >= 3.5 and not seen.control_signal:
        found.append("3.5 or more, but the chart shows no signal of improvement yet")
    if score >= 4.0 and seen.share_of_aim < 0.5:
        found.append(f"4.0 or more, but only {seen.share_of_aim:.0%} of the way to the aim")
    if score >= 4.5 and not seen.held_six_months:
        found.append("4.5 or more, but the latest six months are not all better than baseline")
    if score >= 5.0 and not seen.latest_six_mean <= TEAMS[team_name].aim:
        found.append("5.0, but the aim is not met")
    return found


def _history() -> pd.DataFrame:
    return directorate_scores()


def _team_rows() -> list[tuple[str, str, float]]:
    table = _history()
    rows = table[table["project"].isin(TEAMS)]
    return [(row.project, row.month, row.score) for row in rows.itertuples()]


@pytest.mark.parametrize(("team", "month", "score"), _team_rows())
def test_each_monthly_score_agrees_with_the_teams_chart(team, month, score):
    assert problems_with(team, month, score) == [], (team, month, score)


def test_the_rules_catch_the_scores_the_course_used_to_give():
    # 04 used to score Cedar ward 2.0 and the North CMHT ("Northgate") 2.5 in December 2024,
    # when both charts showed a signal of improvement.
    assert problems_with(CEDAR, "2024-12", 2.0)
    assert problems_with(NORTH, "2024-12", 2.5)
    assert problems_with(WILLOW, "2024-07", 3.5)  # Willow's u chart: no signal until September
    assert problems_with(WILLOW, "2025-05", 5.0)  # about 22 per 1,000 bed days: aim of 20 not met


def _cells(key: str) -> dict[str, str]:
    book = nbformat.read(NOTEBOOKS[key], as_version=4)
    return {cell.get("id", ""): cell.source for cell in book.cells}


def _literal(block: str, name: str) -> str | None:
    found = re.search(rf"\b{name}=([\"']?)([\w\-.: ]+)\1\s*,", block)
    return found.group(2) if found else None


def _sponsor_updates() -> list[tuple[str, str, str, str, str]]:
    """(notebook, project, month, score, previous_score) of every SponsorUpdate(...) with a
    literal project and month in the notebooks' code."""
    found = []
    for key in NOTEBOOKS:
        for source in _cells(key).values():
            for block in source.split("SponsorUpdate(")[1:]:
                project, month = _literal(block, "project"), _literal(block, "month")
                if project in TEAMS or project in set(_history()["project"]):
                    found.append(
                        (
                            key,
                            project,
                            month,
                            _literal(block, "score"),
                            _literal(block, "previous_score"),
                        )
                    )
    return found


def _previous(month: str) -> str:
    return str(pd.Period(month, freq="M") - 1)


def _claim_agrees(project: str, month: str, value: str | None) -> list[str]:
    if value is None or not re.fullmatch(r"\d\.\d", value):
        return []  # not a literal score (e.g. score=capstone_score): checked below
    score = float(value)
    history = _history()
    row = history[(history["project"] == project) & (history["month"] == month)]
    if len(row):
        return (
            []
            if row["score"].iloc[0] == score
            else [
                f"{project} {month}: {score} in a notebook, {row['score'].iloc[0]} in the history"
            ]
        )
    return problems_with(project, month, score) if project in TEAMS else []


def test_the_notebooks_sponsor_updates_use_the_teams_scores():
    updates = _sponsor_updates()
    assert {(project, month) for _, project, month, *_ in updates} >= {
        (CEDAR, "2024-12"),
        (NORTH, "2025-03"),
        (WILLOW, "2025-05"),
        ("Crisis team: follow-up within 72 hours", "2024-12"),
    }
    wrong = []
    for key, project, month, score, previous in updates:
        wrong += [f"{key}: {text}" for text in _claim_agrees(project, month, score)]
        wrong += [f"{key}: {text}" for text in _claim_agrees(project, _previous(month), previous)]
    assert wrong == []


#: The answer of each score exercise: (notebook, variable) -> (team, month).
SCORE_ANSWERS = {
    ("04", "cedar_score"): (CEDAR, "2024-12"),
    ("06c", "capstone_score"): (WILLOW, "2025-05"),
}


@pytest.mark.parametrize(("where", "team_month"), list(SCORE_ANSWERS.items()))
def test_score_exercise_answers_agree_with_the_team(where, team_month):
    key, name = where
    hidden = "\n".join(_cells(key).values())
    answer = re.search(rf"check_number\({name}, (\d\.\d)", hidden)
    assert answer, f"no hidden check of {name} in {key}"
    team, month = team_month
    assert _claim_agrees(team, month, answer.group(1)) == []
    assert problems_with(team, month, float(answer.group(1))) == []


def test_no_notebook_types_its_own_score_history_for_the_directorates_teams():
    teams = {name.split(":")[0].split(" ward")[0] for name in _history()["project"]}
    assert {"Willow", "Cedar", "North CMHT"} <= teams
    for key in NOTEBOOKS:
        for cell_id, source in _cells(key).items():
            typed = re.search(r"[\"']score[\"']\s*:\s*\[", source)
            named = sorted(team for team in teams | {"Northgate"} if team in source)
            assert not (typed and named), (
                f"{key} cell {cell_id} types scores for {named}: load them with "
                "directorate_scores()"
            )


def _run_below(team_name: str, month: str) -> int:
    team = TEAMS[team_name]
    spec = describe(team.data_set)
    chart = run_chart(_to(team, month), x="month", y=team.rate, freeze=spec.baseline_points)
    better = _better(team, chart.points["y"], chart.points["cl"]).tolist()
    count = 0
    for point in reversed(better):
        if not point:
            break
        count += 1
    return count


WORDS = {
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
#: Sentences that count months on a team's run chart: (notebook, cell id, team, month).
RUN_CLAIMS = [
    ("04", "ex9-text", CEDAR, "2024-12"),
    ("04", "grow-cedar-text", CEDAR, "2024-10"),  # the team that feels stuck (Section 7)
]


@pytest.mark.parametrize(("key", "cell_id", "team", "month"), RUN_CLAIMS)
def test_months_in_a_row_on_the_chart_are_what_the_data_show(key, cell_id, team, month):
    text = _cells(key)[cell_id]
    said = re.search(
        r"(\w+)\s+months\s+in\s+a\s+row\s+below\s+the\s+(?:frozen\s+)?(?:baseline\s+)?median", text
    )
    assert said, f"{key} {cell_id} no longer counts months below the median"
    assert WORDS.get(said.group(1), said.group(1)) == _run_below(team, month)
    flat = " ".join(text.split())
    signal_said = "not yet a signal" not in flat and "no signal" not in flat
    assert signal_said == evidence(team, month).run_signal


def test_the_portfolio_chart_is_described_as_the_table_has_it():
    from icp_helpers.portfolio import portfolio_table

    table = portfolio_table(_history(), months=3).set_index("project")
    text = " ".join(_cells("06")["06-34"].split())
    assert "Cedar ward moved up from 3.5 to 4.5" in text
    assert table.loc[CEDAR, ["previous_score", "latest_score", "status"]].tolist() == [
        3.5,
        4.5,
        "moving",
    ]
    assert "the North CMHT is sustaining at 4.5" in text
    assert table.loc[NORTH, ["latest_score", "status"]].tolist() == [4.5, "sustaining"]
    assert "Every other project shows as stuck" in text
    others = table.drop([CEDAR, NORTH])
    assert set(others["status"]) == {"stuck"}
    assert "the crisis team has been at 2.5 for twelve months" in text
    crisis = table.loc["Crisis team: follow-up within 72 hours"]
    assert (crisis["latest_score"], crisis["months_at_level"]) == (2.5, 12)
    assert "Willow ward shows as stuck at 4.0" in text
    assert table.loc[WILLOW, "latest_score"] == 4.0


def test_the_team_that_feels_stuck_has_the_score_history_the_text_gives():
    # 04 Section 7 coaches Cedar ward in October 2024, when its score had not moved for months.
    text = " ".join(_cells("04")["grow-cedar-text"].split())
    said = re.search(r"score had been (\d\.\d) \([a-z ]+\) for (\w+) months, since (\w+)\.", text)
    assert said, "04 grow-cedar-text no longer gives Cedar ward's score history"
    history = _history()
    cedar = history[(history["project"] == CEDAR) & (history["month"] <= "2024-10")]
    scores = cedar["score"].tolist()
    held = next(i for i, s in enumerate(reversed(scores)) if s != scores[-1])
    since = pd.Period(cedar["month"].iloc[-held], freq="M").strftime("%B")
    assert (float(said.group(1)), WORDS[said.group(2)], said.group(3)) == (scores[-1], held, since)
