"""Realistic wrong answers kept as fixtures, to prove that each exercise's tests catch them.

A fixture file (``tests/fixtures/<assignment>/wrong_answers.yml``) lists, per notebook,
answers a trainee might plausibly give, which solution cell each replaces, and which
test cells must then score below full marks::

    notebook: getting-started.ipynb
    wrong_answers:
      - cell: ex2-answer
        loses: [ex2-check]
        why: counted the days instead of adding the incidents
        code: |
          weekly_total = len(daily_incidents)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from icp_helpers.course.answers import with_answers
from icp_helpers.errors import UsageError
from icp_helpers.files import read_yaml


@dataclass(frozen=True)
class WrongAnswer:
    """One plausible wrong answer: replace solution cell ``cell`` of ``notebook`` with ``code``."""

    notebook: str
    cell: str
    code: str
    why: str
    loses: tuple[str, ...]


def load_wrong_answers(path: Path) -> list[WrongAnswer]:
    """Read a wrong-answer fixture file, rejecting entries that lack a field.

    >>> import tempfile
    >>> from pathlib import Path
    >>> text = '''
    ... notebook: a.ipynb
    ... wrong_answers:
    ...   - {cell: ex1-answer, loses: [ex1-check], why: off by one, code: "x = 1"}
    ... '''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "w.yml").write_text(text)
    ...     load_wrong_answers(Path(tmp) / "w.yml")[0].loses
    ('ex1-check',)
    """
    data = read_yaml(path, what="a wrong-answer fixture file")
    documents = data if isinstance(data, list) else [data]
    answers = []
    for document in documents:
        notebook = document.get("notebook")
        for number, entry in enumerate(document.get("wrong_answers") or [], start=1):
            missing = [key for key in ("cell", "loses", "why", "code") if not entry.get(key)]
            if not notebook or missing:
                raise UsageError(
                    f"{path}: wrong answer {number} of {notebook or 'a notebook'} lacks "
                    f"{', '.join(missing) or 'the notebook name'}; every entry needs "
                    "cell, loses, why and code."
                )
            answers.append(
                WrongAnswer(
                    notebook=notebook,
                    cell=entry["cell"],
                    code=entry["code"],
                    why=entry["why"],
                    loses=tuple(entry["loses"]),
                )
            )
    return answers


def with_wrong_answer(
    notebook: nbformat.NotebookNode, answer: WrongAnswer
) -> nbformat.NotebookNode:
    """Return a copy of ``notebook`` whose solution cell ``answer.cell`` holds the wrong code."""
    return with_answers(notebook, {answer.cell: answer.code}, name=answer.notebook)


def _solutions(source_folder: Path) -> dict[str, nbformat.NotebookNode]:
    return {
        path.name: nbformat.read(path, as_version=4)
        for path in sorted(source_folder.glob("*.ipynb"))
    }


def wrong_answer_submissions(
    source_folder: Path, answers: list[WrongAnswer]
) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """One submission per wrong answer, keyed ``wrong-01``, ``wrong-02``, ... in fixture order.

    Each submission holds every notebook of the assignment, as a trainee would hand in:
    the source solutions, with the one wrong answer in place.
    """
    solutions = _solutions(source_folder)
    submissions = {}
    for number, answer in enumerate(answers, start=1):
        submission = dict(solutions)
        submission[answer.notebook] = with_wrong_answer(solutions[answer.notebook], answer)
        submissions[f"wrong-{number:02d}"] = submission
    return submissions


def pack_wrong_answers(answers: list[WrongAnswer], lost: list[set[str]]) -> list[list[int]]:
    """Group wrong answers so that each group can be handed in as one submission.

    ``lost[i]`` is the set of test cells that wrong answer ``i`` loses (as its fixture
    declares, or as it was seen to lose when handed in alone). Two answers share a group
    only if they replace different cells and lose no test cell in common, so a group's lost
    cells are exactly the union of its members' (and each lost cell names the one answer
    that lost it) unless the answers interact. An answer that loses nothing stays alone.
    Groups are filled first come, first served; each holds answer indices in fixture order.

    >>> a = WrongAnswer("n.ipynb", "ex1-answer", "x = 0", "zero", ("ex1-check",))
    >>> b = WrongAnswer("n.ipynb", "ex1-answer", "x = 2", "two", ("ex1-check",))
    >>> c = WrongAnswer("n.ipynb", "ex2-answer", "y = 0", "zero", ("ex2-check",))
    >>> pack_wrong_answers([a, b, c], [{"ex1-check"}, {"ex1-check"}, {"ex2-check"}])
    [[0, 2], [1]]
    >>> pack_wrong_answers([a, c], [{"ex1-check", "ex2-check"}, {"ex2-check"}])
    [[0], [1]]
    """
    groups: list[list[int]] = []
    for index, answer in enumerate(answers):
        home = None
        if lost[index]:
            home = next(
                (
                    group
                    for group in groups
                    if lost[group[0]]
                    and all(
                        (answers[m].notebook, answers[m].cell) != (answer.notebook, answer.cell)
                        and not lost[m] & lost[index]
                        for m in group
                    )
                ),
                None,
            )
        if home is None:
            groups.append([index])
        else:
            home.append(index)
    return groups


def packed_submissions(
    source_folder: Path, answers: list[WrongAnswer], groups: list[list[int]]
) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """One submission per group of :func:`pack_wrong_answers`, keyed ``pack-01``, ...: the
    source solutions with every wrong answer of the group in place."""
    solutions = _solutions(source_folder)
    submissions = {}
    for number, group in enumerate(groups, start=1):
        submission = dict(solutions)
        for name in {answers[m].notebook for m in group}:
            replace = {
                answers[m].cell: answers[m].code for m in group if answers[m].notebook == name
            }
            submission[name] = with_answers(solutions[name], replace, name=name)
        submissions[f"pack-{number:02d}"] = submission
    return submissions
