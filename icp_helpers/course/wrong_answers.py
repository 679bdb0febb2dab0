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


def wrong_answer_submissions(
    source_folder: Path, answers: list[WrongAnswer]
) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """One submission per wrong answer, keyed ``wrong-01``, ``wrong-02``, ... in fixture order.

    Each submission holds every notebook of the assignment, as a trainee would hand in:
    the source solutions, with the one wrong answer in place.
    """
    solutions = {
        path.name: nbformat.read(path, as_version=4)
        for path in sorted(source_folder.glob("*.ipynb"))
    }
    submissions = {}
    for number, answer in enumerate(answers, start=1):
        submission = dict(solutions)
        submission[answer.notebook] = with_wrong_answer(solutions[answer.notebook], answer)
        submissions[f"wrong-{number:02d}"] = submission
    return submissions
