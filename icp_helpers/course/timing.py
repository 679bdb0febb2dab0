"""How long an assignment takes a learner, estimated from its notebooks.

The course gives each assignment a time to allow (``time_to_allow_minutes`` in
``course/syllabus.yml``, repeated in each notebook's header and in ``start-here.ipynb``).
The estimate that time must cover is written down here so that it can be checked rather
than guessed:

* reading: the words of the teaching text (markdown cells a learner is given, not answer
  cells) at :data:`READING_WORDS_PER_MINUTE`;
* exercises: :data:`MINUTES_PER_EXERCISE` for each answer cell graded by the autograder, and
  :data:`MINUTES_PER_REFLECTION` for each answer marked by a facilitator (a written
  reflection of a few hundred words).

>>> import nbformat
>>> notebook = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("word " * 300),
...     nbformat.v4.new_code_cell("answer = 1", metadata={"nbgrader": {
...         "solution": True, "grade": False, "grade_id": "ex1-answer"}}),
... ])
>>> estimate = estimated_minutes([notebook])
>>> estimate.reading, estimate.exercises, estimate.reflections, estimate.total
(2.0, 1, 0, 8.0)
>>> allowance([notebook])
10
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import nbformat

READING_WORDS_PER_MINUTE = 150
MINUTES_PER_EXERCISE = 6
MINUTES_PER_REFLECTION = 15
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class TimeEstimate:
    """The parts of an assignment's estimated time: minutes of reading, and how many
    exercises and reflections it asks for."""

    words: int
    exercises: int
    reflections: int

    @property
    def reading(self) -> float:
        """Minutes to read the teaching text."""
        return self.words / READING_WORDS_PER_MINUTE

    @property
    def total(self) -> float:
        """Minutes in all: reading, exercises and reflections."""
        return (
            self.reading
            + self.exercises * MINUTES_PER_EXERCISE
            + self.reflections * MINUTES_PER_REFLECTION
        )


def estimated_minutes(notebooks: Iterable[nbformat.NotebookNode]) -> TimeEstimate:
    """The time estimate of an assignment made of ``notebooks`` (source or release)."""
    words = exercises = reflections = 0
    for notebook in notebooks:
        for cell in notebook.cells:
            nbgrader = cell.get("metadata", {}).get("nbgrader", {})
            if nbgrader.get("solution"):
                if nbgrader.get("grade"):
                    reflections += 1
                else:
                    exercises += 1
            elif cell.cell_type == "markdown":
                words += len(_WORD.findall(cell.source))
    return TimeEstimate(words, exercises, reflections)


def allowance(notebooks: Iterable[nbformat.NotebookNode]) -> int:
    """The time to allow for an assignment: its estimate rounded up to 5 minutes."""
    return 5 * math.ceil(estimated_minutes(notebooks).total / 5)
