"""One storyline: every team the course names is known, and each data set is one team's story.

The register is icp_helpers/datasets/data/projects.yaml. These checks read what a learner or a
course author reads (the source notebooks, the example files that come with them, the data
dictionaries, the helpers' docstrings, the course documents and the notebooks' wrong-answer
fixtures) and fail on drift such as the `violence` data set told as Brick Lane ward in one
notebook and Willow ward in another, a DNA aim dated March 2026 in one and March 2025 in the
other, or a Pareto file that treats the violence data set's ward as two wards.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from icp_helpers.datasets import PROJECTS, describe, load, names
from icp_helpers.datasets.projects import OTHER_TEAMS, Project

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ("January February March April May June July August September October November "
          "December").split()
MONTH = rf"(?:{'|'.join(MONTHS)})"

# Words that start a capitalised phrase before "ward", "team" or "CMHT" without naming one.
NOT_NAMES = set("""
A An The This That These Each Every All Any Another One Two Three Four Five Our Your My Their Its
His Her Same Which Whole Other Next Most Both Adult Acute Older Community Crisis Admin Project QI
NHS Home Treatment Resolution Psychosis Memory Eating Disorders Inpatient Outpatient Mental Health
Falls Violence Ward Team Clinic Trust Directorate Improvement Coaching Stuck Adopting If Why How
Where Find For From To Of At By Or And Example Real Quiet Predictable Weekly Specific Own Ranking
On Safe Noisy Evening Tuesday Thursday Daytime Write
""".split())
NAME = r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"
NAMED = [  # (pattern, how the name is told)
    re.compile(rf"\b({NAME}) (?:ward|Ward)\b"),
    re.compile(rf"\b({NAME}) (?:CMHT|community mental health team|team)\b"),
]
KNOWN_TEAMS = {project.team for project in PROJECTS.values()} | set(OTHER_TEAMS)
KNOWN_PLACES = {name.rsplit(" ", 1)[0] for name in KNOWN_TEAMS}  # "Willow", "North", ...
TEAM_SETTING = {project.team: project.setting for project in PROJECTS.values()}
TEAM_OF = {name: project for project in PROJECTS.values() for name in project.data_sets}
CHANGE_WORDS = {  # words a sentence uses for each project's change
    "willow_violence": r"Safewards",
    "north_cmht_dna": r"(?:text|message) reminders",
    "cedar_falls": r"bundle",
    "north_cmht_waits": r"triage huddle",
    "cedar_aggression": r"[Ll]ife-story",
}
AIM_WORDS = {  # words a sentence uses for each project's measure, when it gives an aim
    "willow_violence": r"violen",
    "north_cmht_dna": r"DNA|did-not-attend|missed appointments|not attended",
    "cedar_falls": r"falls",
}

# Cells that other helpers own in this session, still telling an old name or date: each one is
# listed in the report and must fail its check until they change it (then remove it from here).
PENDING: dict[tuple[str, str], str] = {}


def notebook_units(path: Path) -> Iterator[tuple[str, str, set[str]]]:
    """(cell id, text, data sets the cell loads) for each sentence or string a learner reads."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        loaded = set(re.findall(r"""(?:load|describe)\(\s*["'](\w+)["']""", cell.source))
        for text in units_of(cell.source, code=cell.cell_type == "code"):
            yield cell.get("id", "?"), text, loaded


def units_of(text: str, *, code: bool) -> list[str]:
    """Sentences of prose, or the strings and comments of code (implicit joins made)."""
    if code:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return text.splitlines()
        strings = [node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        return strings + re.findall(r"#.*", text)
    prose = re.sub(r"\s*\n\s*", " ", text)
    return re.split(r"(?<=[.!?:])\s+(?=[-*A-Z\"(`|>])|\s\|\s|\s- ", prose)


def course_files() -> list[Path]:
    """Every course text besides the notebooks: example files, docs, dictionaries, fixtures."""
    patterns = ["source/*/*.csv", "source/*/*.yaml", "source/*/*.yml", "README.md",
                "CONTRIBUTING.md", "course/*.md", "course/*.yml", "course/rubrics/*.yml",
                "icp_helpers/**/*.py", "icp_helpers/datasets/data/dictionaries.yaml",
                "tests/fixtures/*/wrong_answers.yml", "tests/fixtures/tools/*.yaml",
                "tests/fixtures/tools/*.json", "tests/fixtures/tools/*.csv"]
    return sorted({path for pattern in patterns for path in ROOT.glob(pattern) if path.is_file()})


def all_units() -> Iterator[tuple[str, str, set[str]]]:
    for path in sorted(ROOT.glob("source/*/*.ipynb")) + [ROOT / "start-here.ipynb"]:
        for cell_id, text, loaded in notebook_units(path):
            yield f"{path.relative_to(ROOT)}#{cell_id}", text, loaded
    for path in course_files():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            yield f"{path.relative_to(ROOT)}:{number}", line, set()


@cache
def units() -> list[tuple[str, str, set[str]]]:
    """Every unit of text, read once by the test worker that first needs them."""
    return list(all_units())


def unknown_names(text: str) -> set[str]:
    found = set()
    for pattern in NAMED:
        for match in pattern.finditer(text):
            words = match.group(1).split()
            while words and words[0] in NOT_NAMES:
                words = words[1:]
            if words and " ".join(words) not in KNOWN_PLACES:
                found.add(match.group(0)[match.group(0).index(words[0]):])
    return found


def failures(check: Callable[[str, set[str]], str]) -> dict[str, list[str]]:
    """Where each unit of text fails ``check``, with the problem it names."""
    found: dict[str, list[str]] = {}
    for where, text, loaded in units():
        problem = check(text, loaded)
        if problem:
            found.setdefault(where, []).append(problem)
    return found


def assert_none_but_pending(found: dict[str, list[str]]) -> None:
    unexpected = {where: problems for where, problems in found.items()
                  if tuple(where.split("#", 1)) not in PENDING}
    assert not unexpected, "\n".join(f"{where}: {'; '.join(p)}"
                                     for where, p in sorted(unexpected.items()))


def test_every_named_team_ward_and_cmht_is_in_the_register() -> None:
    def check(text: str, loaded: set[str]) -> str:
        names_ = unknown_names(text)
        return f"unknown team(s) {sorted(names_)} in {text[:90]!r}" if names_ else ""
    assert_none_but_pending(failures(check))


def test_each_data_set_is_only_told_as_its_own_teams_story() -> None:
    data_set_names = "|".join(sorted(names(), key=len, reverse=True))
    mention = re.compile(rf"`({data_set_names})`|\b({data_set_names}) data set")

    def check(text: str, loaded: set[str]) -> str:
        told = {m.group(1) or m.group(2) for m in mention.finditer(text)}
        teams_of_cell = {TEAM_OF[name].team for name in loaded if name in TEAM_OF}
        if len(teams_of_cell) == 1 and not told:  # a code cell about one team's data
            told = {name for name in loaded if name in TEAM_OF}
        for name in told & set(TEAM_OF):
            own = TEAM_OF[name].team
            others = [other for other in sorted(KNOWN_TEAMS - {own}) if other in text]
            if others and own not in text:  # named instead of its own team, not beside it
                return f"`{name}` is {own}'s data set but {others} is named with it"
        return ""
    assert_none_but_pending(failures(check))


def test_every_aim_date_given_for_a_team_is_its_projects_aim_date() -> None:
    deadline = re.compile(rf"\b[Bb]y (?:\d{{1,2}} )?({MONTH}) (\d{{4}})")

    def check(text: str, loaded: set[str]) -> str:
        for project in PROJECTS.values():
            if project.aim_date is None or project.team not in text:
                continue
            if not re.search(AIM_WORDS[project.key], text, re.IGNORECASE):
                continue
            for month, year in deadline.findall(text):
                if (month, int(year)) != (f"{project.aim_date:%B}", project.aim_date.year):
                    return (f"{project.team}'s aim is due {project.aim_date:%B %Y}, "
                            f"not {month} {year}")
        return ""
    assert_none_but_pending(failures(check))


SETTING_CLASHES = {  # words that describe a different kind of place from the team's own
    "Willow ward": r"older[- ]adult|older people|18-bed",
    "Cedar ward": r"adult acute|21-bed",
}


def test_each_ward_is_always_the_same_kind_of_ward() -> None:
    def check(text: str, loaded: set[str]) -> str:
        named = [team for team in KNOWN_TEAMS if team in text]
        if len(named) == 1 and named[0] in SETTING_CLASHES:
            clash = re.search(SETTING_CLASHES[named[0]], text)
            if clash:
                return f"{named[0]} is {TEAM_SETTING[named[0]]}, not {clash.group(0)!r}"
        return ""
    assert_none_but_pending(failures(check))


def change_claims(project: Project, text: str) -> list[str]:
    """Months that ``text`` says the project's change started in, or its baseline counts."""
    if not re.search(CHANGE_WORDS[project.key], text) or re.search(r"PDSA|cycle", text):
        return []
    started = re.findall(
        rf"(?:(?:started|introduced|began|starts?)(?: on the ward)? (?:in|on|from) "
        rf"|(?:[Ff]rom|since) )(?:\d{{1,2}} )?({MONTH} \d{{4}})"
        rf"|({MONTH} \d{{4}}),? when [^.]*?(?:started|was introduced|began)", text)
    wrong = [a or b for a, b in started if (a or b) != f"{project.change_start:%B %Y}"]
    counts = re.findall(r"(?:after|the) \**(\d+)\** (?:baseline )?months(?! (?:after|since))",
                        text)
    wrong += [f"{n} baseline months" for n in counts if int(n) != project.baseline_points]
    return wrong


def test_every_change_date_and_baseline_told_agrees_with_the_dictionary() -> None:
    def check(text: str, loaded: set[str]) -> str:
        for project in PROJECTS.values():
            wrong = change_claims(project, text)
            if wrong:
                return (f"{project.team}'s change ({project.key}) started "
                        f"{project.change_start:%B %Y} after {project.baseline_points} "
                        f"baseline points; the text says {wrong}")
        return ""
    assert_none_but_pending(failures(check))


def test_the_pareto_file_counts_the_violence_data_sets_ward_once_under_its_own_name() -> None:
    triggers = pd.read_csv(ROOT / "source/01-coach-and-system/incident_triggers.csv",
                           parse_dates=["date"])
    monthly = triggers.groupby(["ward", triggers["date"].dt.to_period("M")]).size()
    violence = load("violence").set_index(load("violence")["month"].dt.to_period("M"))
    team = describe("violence").project
    assert team is not None
    matching = [ward for ward in triggers["ward"].unique()
                if monthly[ward].to_dict() == violence["incidents"].reindex(monthly[ward].index)
                .to_dict()]
    assert matching == [team.team.removesuffix(" ward")]
    assert {f"{ward} ward" for ward in triggers["ward"].unique()} <= KNOWN_TEAMS


def test_the_pending_list_names_only_cells_that_still_fail() -> None:
    still_failing = {where for where, text, _ in units() if unknown_names(text)}
    stale = [key for key in PENDING if "#".join(key) not in still_failing]
    if stale:
        pytest.fail(f"Remove from PENDING (now fixed): {stale}")
