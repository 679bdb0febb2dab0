"""Find answers given away in plain sight: stated in a notebook's text or its answer cells.

A learner should have to work out every answer. The course's gate runs each notebook with its
solution, collects the answers each answer cell stores (:func:`answer_names`, read back as
plain values), and looks for them (:func:`given_away`) in what a learner reads before
answering: the markdown text and the code answer cells come pre-filled with.

Only tell-tale forms of an answer count (:func:`tell_tales`), so that the small numbers every
teaching text uses (7 days, 24 months, a score of 2.5) do not: a decimal with 3 or more
significant figures (and, for a proportion, the same as a percentage), a whole number of 3 or
more digits, a date written as YYYY-MM-DD, and a list of two or more items written out.
Text answers (the choices of a multiple-choice exercise) are listed as options in the question
itself, so they do not count here.

>>> given_away("The rate is 8 / 538 × 1,000 ≈ 14.9 per 1,000.", {"ex1": [14.869888]})
['ex1: 14.9']
>>> given_away("Allow about 45 minutes.", {"ex2": [45.0, "no signal"]})
[]
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence

__all__ = ["answer_names", "given_away", "tell_tales"]

_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


def answer_names(cell_source: str) -> list[str]:
    """The names an answer cell's solution stores its answers under, in order.

    Only plain assignments at the top level of the solution count (a function the learner
    writes is checked by calling it, not by a stored value).

    >>> answer_names('x = 1\\n### BEGIN SOLUTION\\nrate = 2 / 3\\na, b = 1, 2\\n'
    ...              'def f():\\n    y = 3\\n### END SOLUTION\\nrate')
    ['rate', 'a', 'b']
    """
    names: list[str] = []
    for region in _SOLUTION.findall(cell_source):
        for statement in ast.parse(region).body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    elements = target.elts if isinstance(target, ast.Tuple) else [target]
                    names += [e.id for e in elements if isinstance(e, ast.Name)]
    return names


def _significant_digits(text: str) -> int:
    return len(text.lstrip("-").replace(".", "").lstrip("0"))


def _decimal_forms(number: float) -> set[str]:
    forms = set()
    for figures in range(3, 8):
        text = f"{number:.{figures}g}"
        if "e" not in text and _significant_digits(text) >= 3:
            forms.add(text)
    return forms


def tell_tales(answer: object) -> set[str]:
    """The forms in which ``answer`` would give itself away if a learner read it.

    ``answer`` is a plain value as JSON holds it; a date is ``{"date": "YYYY-MM-DD"}``.

    >>> sorted(tell_tales(0.8125))
    ['0.812', '0.8125', '81.2', '81.25']
    >>> tell_tales(25.0), tell_tales(7), tell_tales("shift"), tell_tales(341)
    (set(), set(), set(), {'341'})
    >>> sorted(tell_tales(["E", "C", "B"])), tell_tales({"date": "2024-06-01"})
    (['["E","C","B"]'], {'2024-06-01'})
    """
    if isinstance(answer, bool) or answer is None or isinstance(answer, str):
        return set()
    if isinstance(answer, dict):
        return {str(answer["date"])} if "date" in answer else set()
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    if isinstance(answer, int):
        return {str(answer), f"{answer:,}"} if abs(answer) >= 100 else set()
    if isinstance(answer, float):
        forms = _decimal_forms(answer)
        if 0 < abs(answer) < 1:
            forms |= _decimal_forms(answer * 100)
        return forms
    if isinstance(answer, list):
        forms = {f"[{','.join(json.dumps(item) for item in answer)}]"} if len(answer) > 1 else set()
        for item in answer:
            forms |= tell_tales(item)
        return forms
    return set()


def _found(form: str, text: str, squeezed: str) -> bool:
    if form.startswith("["):
        return re.sub(r"\s+", "", form[1:-1]) in squeezed  # a list, written out, any spacing
    return re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", text) is not None


def given_away(text: str, answers: Mapping[str, Sequence[object]]) -> list[str]:
    """Which answers ``text`` gives away, as ``"exercise: form"`` lines (empty when none).

    ``answers`` holds each exercise's answers (by its answer cell's grade_id). A number
    counts only as a whole number in the text (14.9 is not found in 114.9 or 14.95).

    >>> given_away('Try `["A", "B"]`; the order is ["B", \\'A\\'].', {"ex1": [["B", "A"]]})
    ['ex1: ["B","A"]']
    >>> given_away("Limits of 114.9 and 14.95", {"ex1": [14.869888]})
    []
    """
    squeezed = re.sub(r"\s+", "", text).replace("'", '"')
    found = []
    for exercise, values in answers.items():
        for value in values:
            for form in sorted(tell_tales(value)):
                if _found(form, text, squeezed):
                    found.append(f"{exercise}: {form}")
    return found
