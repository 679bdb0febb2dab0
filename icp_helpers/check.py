"""Checking helpers that the notebooks' self-checks and hidden tests call.

Every check compares **exact types first, then values**, so an object that
claims to equal everything, a number stored as text, or a percentage on the
wrong scale scores nothing. A failed check raises :class:`CheckFailed` (an
``AssertionError``, so nbgrader counts the test cell as failed) with a hint that
says what is wrong and where to look, never the expected answer.

>>> check_integer(7, 7, name="weekly_total")
>>> check_integer("7", 7, name="weekly_total")
Traceback (most recent call last):
...
icp_helpers.check.CheckFailed: `weekly_total` should be a whole number, but it is text (str). ...

Self-check cells register themselves with :func:`visible_check`, so the last cell
of a notebook can run them all again with :func:`check_your_work`.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import os
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from icp_helpers.errors import IcpError

__all__ = [
    "CheckFailed",
    "answer_digest",
    "check_answer",
    "check_between",
    "check_choice",
    "check_columns",
    "check_dataframe",
    "check_figure",
    "check_integer",
    "check_list",
    "check_number",
    "check_option",
    "check_plotted",
    "check_proportion",
    "check_text",
    "check_your_work",
    "plain_numbers",
    "result_of",
    "shown",
    "visible_check",
]

INTEGER_TYPES: tuple[type, ...] = (
    int,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
)
FLOAT_TYPES: tuple[type, ...] = (float, np.float16, np.float32, np.float64)
TIMESTAMP_TYPES: tuple[type, ...] = (pd.Timestamp,)
TABLE_TYPES: tuple[type, ...] = (pd.DataFrame,)

_TYPE_WORDS = {
    str: "text (str)",
    bool: "True/False (bool)",
    np.bool_: "True/False (bool)",
    list: "a list",
    tuple: "a tuple",
    dict: "a dictionary",
    set: "a set",
    type(None): "None (nothing was assigned yet)",
    pd.DataFrame: "a table (DataFrame)",
    pd.Series: "a single column (Series)",
}


class CheckFailed(IcpError, AssertionError):
    """A self-check or hidden test found a problem; the message is the hint."""


def _describe_type(value: object) -> str:
    kind = type(value)
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    if kind in INTEGER_TYPES:
        return "a whole number (int)"
    if kind in FLOAT_TYPES:
        return "a decimal number (float)"
    return f"an object of type {kind.__name__}"


def shown(value: object) -> str:
    """How a learner's value is written in a message: numbers as plain numbers, text in
    quotation marks, a date as YYYY-MM-DD, and lists and tuples item by item.

    numpy 2 writes its numbers as ``np.int64(5)`` and ``np.float64(2.5)``; a learner reads 5
    and 2.5. Anything else is described by its type, never by its own ``repr``.

    >>> import numpy as np, pandas as pd
    >>> shown(np.int64(5)), shown(np.float64(2.5)), shown(np.str_("shift")), shown(True)
    ('5', '2.5', "'shift'", 'True')
    >>> shown([np.int64(6), np.float64(0.25), "Waiting"]), shown((np.True_, None))
    ("[6, 0.25, 'Waiting']", '(True, None)')
    >>> shown(pd.Timestamp("2024-06-01")), shown(pd.DataFrame())
    ('2024-06-01', 'a table (DataFrame)')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return str.__repr__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, pd.Timestamp):
        text = value.isoformat()
        return text.removesuffix("T00:00:00")
    if isinstance(value, list | tuple):
        inner = ", ".join(shown(item) for item in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return _describe_type(value)


def plain_numbers() -> None:
    """Show numpy's numbers as plain numbers from now on: 341, not ``np.int64(341)``.

    numpy 2 writes a number that pandas or numpy worked out with its type
    (``np.int64(341)``, ``np.float64(2.5)``), in a cell's result and inside lists and tuples.
    The notebooks' set-up cells call this so that a learner reads 341 and 2.5, as numpy 1
    showed them (numpy's ``legacy="1.25"`` print option).

    >>> import numpy as np
    >>> plain_numbers()
    >>> np.int64(341), [np.float64(2.5), np.str_("shift")]
    (341, [2.5, 'shift'])
    >>> np.set_printoptions(legacy=False)  # numpy 2's own style again
    """
    np.set_printoptions(legacy="1.25")


def result_of(function: object, *args: object, name: str, where: str = "") -> object:
    """Call a learner's function with ``args`` and give back its result.

    A function that gives back nothing (it prints its result, or has no ``return``) is told
    so plainly, and so is a name that is not a function at all. ``where`` says where to
    read about it, such as ``"(Section 6)"``.

    >>> def rate(incidents, bed_days):
    ...     return incidents / bed_days * 1000
    >>> result_of(rate, 12, 600, name="rate", where="(Section 6)")
    20.0
    >>> def printed_rate(incidents, bed_days):
    ...     incidents / bed_days * 1000
    >>> result_of(printed_rate, 12, 600, name="rate", where="(Section 6)")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `rate` gives back nothing: end it with `return ...` to give ...
    >>> result_of(20.0, 12, 600, name="rate")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `rate` should be a function made with def, but it is ...
    """
    if not callable(function):
        raise _fail(
            name,
            f"should be a function made with def, but it is {_describe_type(function)}.",
            where or None,
        )
    result = function(*args)
    if result is None:
        raise _fail(
            name,
            "gives back nothing: end it with `return ...` to give back its result, rather "
            "than print() it.",
            where or None,
        )
    return result


def _fail(name: str, problem: str, hint: str | None) -> CheckFailed:
    message = f"`{name}` {problem}"
    if hint:
        message += f" {hint}"
    return CheckFailed(message)


def _as_integer(value: object, name: str) -> int:
    if type(value) in INTEGER_TYPES and isinstance(value, numbers.Integral):
        return int(value)
    extra = " Remove the quotation marks." if type(value) is str else ""
    if type(value) in FLOAT_TYPES:
        extra = " Use a whole number (for example 12, not 12.0)."
    raise _fail(name, f"should be a whole number, but it is {_describe_type(value)}.{extra}", None)


def _as_float(value: object, name: str) -> float:
    if type(value) in INTEGER_TYPES + FLOAT_TYPES and isinstance(value, numbers.Real):
        result = float(value)
        if math.isnan(result):
            raise _fail(name, "is NaN (not a number): a calculation used a missing value.", None)
        return result
    extra = " Remove the quotation marks." if type(value) is str else ""
    raise _fail(name, f"should be a number, but it is {_describe_type(value)}.{extra}", None)


def check_integer(value: object, expected: int, *, name: str, hint: str | None = None) -> None:
    """Check that ``value`` is exactly the whole number ``expected``.

    Python and numpy integers are accepted; ``True``, ``12.0`` and ``"12"`` are not.

    >>> import numpy as np
    >>> check_integer(np.int64(12), 12, name="n_rows")
    >>> check_integer(11, 12, name="n_rows", hint="Count every row, including the first.")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `n_rows` is not the right number. Count every row, ...
    """
    if _as_integer(value, name) != int(expected):
        raise _fail(name, "is not the right number.", hint)


def check_number(
    value: object,
    expected: float,
    *,
    name: str,
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
    hint: str | None = None,
) -> None:
    """Check that ``value`` is a number close to ``expected`` (relative tolerance 1e-6).

    >>> check_number(20.833333, 20.8333333, name="rate")
    >>> check_number(20.0, 20.8333333, name="rate", hint="Divide by bed days first.")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `rate` is not the right value. Divide by bed days first.
    """
    number = _as_float(value, name)
    if not math.isclose(number, float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        raise _fail(name, "is not the right value.", hint)


def check_between(
    value: object, low: float, high: float, *, name: str, hint: str | None = None
) -> None:
    """Check that ``value`` is a number between ``low`` and ``high`` (a plausibility check).

    Visible self-checks use it to catch slips without giving the answer away.

    >>> check_between(25.0, 1, 100, name="rate_april")
    >>> check_between(0.025, 1, 100, name="rate_april", hint="Did you multiply by 1,000?")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `rate_april` is outside the range that makes sense here. ...
    """
    number = _as_float(value, name)
    if not low <= number <= high:
        raise _fail(name, "is outside the range that makes sense here.", hint)


def check_proportion(
    value: object, expected: float, *, name: str, abs_tol: float = 1e-6, hint: str | None = None
) -> None:
    """Check a proportion given on the 0–1 scale, and say so when it was given as 0–100.

    >>> check_proportion(0.25, 0.25, name="dna_rate")
    >>> check_proportion(25.0, 0.25, name="dna_rate")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `dna_rate` looks like a percentage on the 0–100 scale. ...
    """
    number = _as_float(value, name)
    if not 0 <= number <= 1:
        if 1 < number <= 100:
            raise _fail(
                name,
                "looks like a percentage on the 0–100 scale. Give a proportion between 0 and 1 "
                "(for example 0.25 for 25%).",
                None,
            )
        raise _fail(name, "should be a proportion between 0 and 1.", hint)
    if not math.isclose(number, float(expected), rel_tol=0, abs_tol=abs_tol):
        raise _fail(name, "is not the right proportion.", hint)


def check_text(
    value: object,
    expected: str,
    *,
    name: str,
    case_sensitive: bool = False,
    hint: str | None = None,
) -> None:
    """Check that ``value`` is the text ``expected`` (ignoring case and outer spaces by default).

    >>> check_text(" Incidents", "incidents", name="column")
    >>> check_text(3, "incidents", name="column")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `column` should be text in quotation marks, ...
    """
    given, wanted = _as_text(value, name).strip(), expected.strip()
    if not case_sensitive:
        given, wanted = given.casefold(), wanted.casefold()
    if given != wanted:
        raise _fail(name, "is not the right answer.", hint)


def check_choice(
    value: object,
    expected: str,
    *,
    name: str,
    options: Sequence[str],
    hint: str | None = None,
) -> None:
    """Check an answer picked from listed options; an answer that is not an option says so.

    >>> opts = ["run", "i", "p", "u"]
    >>> check_choice("u", "u", name="chart", options=opts)
    >>> check_choice("xmr", "u", name="chart", options=opts)
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `chart` should be one of 'run', 'i', 'p', 'u', but it is 'xmr'.
    """
    text = _as_option(value, name, options)
    if text.strip().casefold() != expected.strip().casefold():
        raise _fail(name, "is not the best option.", hint)


def _plain(value: object, name: str) -> object:
    """Turn a learner's scalar into a trusted Python value, rejecting look-alike objects."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is bool or kind is np.bool_:
        return bool(value)
    if kind in INTEGER_TYPES and isinstance(value, numbers.Integral):
        return int(value)
    if kind in FLOAT_TYPES and isinstance(value, numbers.Real):
        return float(value)
    if kind in TIMESTAMP_TYPES and isinstance(value, pd.Timestamp):
        return pd.Timestamp(value.value)  # rebuilt from its nanoseconds
    raise _fail(name, f"contains {_describe_type(value)}, which is not a plain value.", None)


def _same(given: object, wanted: object, rel_tol: float) -> bool:
    if isinstance(wanted, float) and type(given) in (int, float) and isinstance(given, int | float):
        return math.isclose(float(given), wanted, rel_tol=rel_tol, abs_tol=1e-12) or (
            math.isnan(wanted) and math.isnan(float(given))
        )
    return type(given) is type(wanted) and given == wanted


def check_list(
    value: object,
    expected: Sequence[object],
    *,
    name: str,
    ordered: bool = True,
    rel_tol: float = 1e-6,
    hint: str | None = None,
) -> None:
    """Check that ``value`` is a list holding exactly the ``expected`` items.

    With ``ordered=False`` the order does not matter (but repeats do).

    >>> check_list(["Safe", "Calm"], ["Calm", "Safe"], name="vital_few", ordered=False)
    >>> check_list(("Safe", "Calm"), ["Safe", "Calm"], name="vital_few")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `vital_few` should be a list ..., but it is a tuple.
    """
    if type(value) is not list:
        raise _fail(
            name, f"should be a list in square brackets, but it is {_describe_type(value)}.", None
        )
    items = [_plain(item, name) for item in value]
    wanted = list(expected)
    if len(items) != len(wanted):
        raise _fail(name, f"has {len(items)} items; check how many belong in it.", hint)
    if ordered:
        matches = all(_same(g, w, rel_tol) for g, w in zip(items, wanted, strict=True))
        if not matches:
            same_items = sorted(map(repr, items)) == sorted(map(repr, wanted))
            problem = "has the right items in the wrong order." if same_items else "is not right."
            raise _fail(name, problem, hint)
        return
    remaining = list(wanted)
    for item in items:
        found = next((w for w in remaining if _same(item, w, rel_tol)), _MISSING)
        if found is _MISSING:
            raise _fail(name, "has an item that does not belong.", hint)
        remaining.remove(found)


_MISSING = object()


def check_columns(value: object, expected: Sequence[str], *, name: str) -> None:
    """Check that a DataFrame has exactly the ``expected`` column names, in order.

    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"month": [1], "incidents": [9]}), ["month", "incidents"],
    ...               name="ward")
    """
    if type(value) not in TABLE_TYPES or not isinstance(value, pd.DataFrame):
        problem = f"should be a table (DataFrame), but it is {_describe_type(value)}."
        raise _fail(name, problem, None)
    given = [str(column) for column in value.columns]
    missing = [column for column in expected if column not in given]
    extra = [column for column in given if column not in expected]
    if missing:
        raise _fail(name, f"is missing the column(s) {', '.join(map(repr, missing))}.", None)
    if extra:
        raise _fail(name, f"has column(s) it should not: {', '.join(map(repr, extra))}.", None)
    if given != list(expected):
        raise _fail(name, f"should have its columns in the order {list(expected)}.", None)


def check_dataframe(
    value: object,
    expected: pd.DataFrame,
    *,
    name: str,
    rel_tol: float = 1e-6,
    check_index: bool = False,
    hint: str | None = None,
) -> None:
    """Check a learner's table cell by cell against ``expected``.

    Columns and row count are checked first, then every value with its type.

    >>> import pandas as pd
    >>> expected = pd.DataFrame({"month": ["Apr", "May"], "incidents": [12, 9]})
    >>> check_dataframe(expected.copy(), expected, name="summary")
    >>> check_dataframe(expected.iloc[:1], expected, name="summary")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `summary` has 1 row(s) but should have 2.
    """
    check_columns(value, list(map(str, expected.columns)), name=name)
    assert isinstance(value, pd.DataFrame)
    if len(value) != len(expected):
        raise _fail(name, f"has {len(value)} row(s) but should have {len(expected)}.", hint)
    if check_index and [_plain(i, name) for i in value.index] != list(expected.index):
        raise _fail(name, "has the wrong row labels (index).", hint)
    for column in expected.columns:
        given = [_plain(item, name) for item in value[column].tolist()]
        wanted = expected[column].tolist()
        if not all(_same(g, w, rel_tol) for g, w in zip(given, wanted, strict=True)):
            raise _fail(name, f"has wrong values in column {str(column)!r}.", hint)


def check_figure(
    value: object,
    *,
    name: str,
    need_title: bool = True,
    need_axis_labels: bool = True,
    min_lines: int = 0,
) -> None:
    """Check that a chart is a matplotlib Axes or Figure with a title and labelled axes.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3])
    >>> check_figure(ax, name="ax")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `ax` has no title. Add one with ax.set_title("...").
    >>> plt.close(fig)
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if type(value) is Figure:
        axes = value.get_axes()
        if not axes:
            raise _fail(name, "is a figure with no chart in it.", None)
        ax = axes[0]
    elif isinstance(value, Axes) and type(value).__module__.startswith("matplotlib."):
        ax = value
    else:
        raise _fail(name, f"should be a matplotlib chart, but it is {_describe_type(value)}.", None)
    figure = ax.get_figure(root=True)
    figure_title = figure.get_suptitle() if figure is not None else ""
    titles = [ax.get_title(loc=loc) for loc in ("center", "left", "right")]
    if need_title and not (any(titles) or figure_title):
        raise _fail(name, 'has no title. Add one with ax.set_title("...").', None)
    if need_axis_labels and not (ax.get_xlabel() and ax.get_ylabel()):
        raise _fail(
            name, 'needs both axis labels: ax.set_xlabel("...") and ax.set_ylabel("...").', None
        )
    if len(ax.get_lines()) < min_lines:
        raise _fail(name, f"should show at least {min_lines} line(s).", None)


#: How many significant figures of a decimal an answer's fingerprint keeps. Seven, so that
#: two decimals with the same fingerprint differ by less than one part in a million: a ✓ from
#: a self-check then means the hidden tests (``check_number``, relative tolerance 1e-6)
#: accept the answer too, and a value rounded by hand (even to six figures) is not a ✓.
SIGNIFICANT_FIGURES = 7

#: The figures of the rounding fingerprint (``rounded`` in :func:`check_answer`).
ROUNDED_FIGURES = 3


def _canonical(value: object, figures: int = SIGNIFICANT_FIGURES) -> str:
    """The text an answer is fingerprinted by: text without case or outer spaces, whole
    numbers as written, decimals to ``figures`` significant figures, lists item by item."""
    kind = type(value)
    if kind is str:
        return "text:" + str(value).strip().casefold()
    if kind in INTEGER_TYPES and isinstance(value, numbers.Integral):
        return f"number:{int(value)}"
    if kind in FLOAT_TYPES and isinstance(value, numbers.Real):
        number = float(value)
        if number.is_integer():
            return f"number:{int(number)}"
        return f"number:{float(f'{number:.{figures}g}')!r}"
    if kind in (list, tuple):
        items = ",".join(_canonical(item, figures) for item in value)  # type: ignore[attr-defined]
        return f"list:[{items}]"
    return f"other:{kind.__name__}"


def answer_digest(value: object, *, figures: int = SIGNIFICANT_FIGURES) -> str:
    """A fingerprint of an answer, so that a self-check can recognise the right answer (and
    known slips) without printing it in the notebook.

    Text ignores case and outer spaces; a decimal counts to ``figures`` significant figures
    (7 unless told: two decimals that share a fingerprint differ by less than the hidden tests'
    tolerance of one part in a million, so a value rounded by hand does not match); a whole
    number stored as a decimal (``12.0``) counts as the whole number. ``figures=3`` gives
    the ``rounded`` fingerprint of :func:`check_answer`.

    >>> answer_digest("No signal") == answer_digest(" no signal ")
    True
    >>> answer_digest(12.3456789) == answer_digest(12.34567891)
    True
    >>> answer_digest(12) == answer_digest(12.0)
    True
    >>> answer_digest(12.3456789) == answer_digest(12.3457)  # rounded to 6 figures
    False
    >>> answer_digest(12.3456789, figures=3) == answer_digest(12.35, figures=3)
    True
    >>> answer_digest(41) == answer_digest("41")
    False
    """
    return hashlib.sha256(_canonical(value, figures).encode()).hexdigest()[:16]


def _decimals(value: object) -> list[float]:
    """The decimal (float) numbers in an answer, or in a list of answers."""
    if type(value) in (list, tuple):
        return [number for item in value for number in _decimals(item)]  # type: ignore[attr-defined]
    if type(value) in FLOAT_TYPES and isinstance(value, numbers.Real):
        return [float(value)]
    return []


def _looks_rounded(value: object, rounded: str) -> bool:
    """Whether ``value`` has decimals, each with fewer figures than a fingerprint keeps, and
    agrees with the right answer to :data:`ROUNDED_FIGURES` figures: a value rounded, or typed
    in, from the right one."""
    decimals = _decimals(value)
    short = all(
        math.isfinite(d) and d == float(f"{d:.{SIGNIFICANT_FIGURES - 1}g}") for d in decimals
    )
    return bool(decimals) and short and answer_digest(value, figures=ROUNDED_FIGURES) == rounded


def _as_text(value: object, name: str) -> str:
    if type(value) is np.str_:
        return str(value)
    if type(value) is not str:
        raise _fail(
            name, f"should be text in quotation marks, but it is {_describe_type(value)}.", None
        )
    return value


def _as_option(value: object, name: str, options: Sequence[str]) -> str:
    """``value`` as text, if it is one of ``options`` (letter case and outer spaces aside)."""
    text = _as_text(value, name)
    if text.strip().casefold() not in {option.strip().casefold() for option in options}:
        listed = ", ".join(shown(option) for option in options)
        raise _fail(name, f"should be one of {listed}, but it is {shown(text)}.", None)
    return text


_KINDS: dict[str, Callable[[object, str], object]] = {
    "number": _as_float,
    "whole number": _as_integer,
    "text": _as_text,
}


def check_answer(
    value: object,
    digest: str,
    *,
    name: str,
    hint: str,
    kind: str | None = None,
    mistakes: dict[str, str] | None = None,
    rounded: str | None = None,
) -> None:
    """Check an answer against the :func:`answer_digest` of the right one.

    ``kind`` ("number", "whole number" or "text"), if given, is checked first, with the
    usual plain message. ``mistakes`` maps the digest of a known slip to what that slip is,
    in words that name the slip without giving the answer. ``rounded``, for an answer with
    decimals, is ``answer_digest(right_answer, figures=3)``: an answer whose decimals are
    short (six figures or fewer) and agree with the right answer's to three figures is told
    that it looks rounded. Any other wrong answer gets ``hint``.

    >>> right, per_100 = answer_digest(4.2), answer_digest(0.42)
    >>> check_answer(4.2, right, name="rate", hint="Look again at Section 2.")
    >>> check_answer(0.42, right, name="rate", hint="Look again at Section 2.",
    ...              mistakes={per_100: "is 10 times too small: the rate is per 1,000."})
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `rate` is 10 times too small: the rate is per 1,000.
    >>> check_answer(4.21, answer_digest(4.2137), name="rate", hint="Look again at Section 2.",
    ...              rounded=answer_digest(4.2137, figures=3))
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `rate` is close, but looks rounded: keep the full value ...
    """
    if kind is not None:
        _KINDS[kind](value, name)
    given = answer_digest(value)
    if given == digest:
        return
    slip = (mistakes or {}).get(given)
    if slip is not None:
        raise CheckFailed(f"`{name}` {slip}")
    if rounded is not None and _looks_rounded(value, rounded):
        raise CheckFailed(
            f"`{name}` is close, but looks rounded: keep the full value Python calculates, "
            "without rounding it or typing it in."
        )
    raise _fail(name, "is not right yet.", hint)


def check_option(
    value: object,
    digest: str,
    *,
    name: str,
    options: Sequence[str],
    hint: str,
    mistakes: dict[str, str] | None = None,
) -> None:
    """Check a multiple-choice answer against the :func:`answer_digest` of the right option.

    The answer must be one of ``options`` (letter case and outer spaces do not matter);
    then it is checked as :func:`check_answer` does, so the right option is never shown.

    >>> options = ["no signal", "shift", "trend"]
    >>> check_option(" Shift", answer_digest("shift"), name="signal", options=options,
    ...              hint="Read the table again. (Section 4)")
    >>> check_option("trend", answer_digest("shift"), name="signal", options=options,
    ...              hint="Read the table again. (Section 4)")
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `signal` is not right yet. Read the table again. (Section 4)
    """
    text = _as_option(value, name, options)
    check_answer(text, digest, name=name, hint=hint, mistakes=mistakes)


def check_plotted(
    ax: object,
    values: Sequence[float],
    *,
    name: str,
    hint: str,
    mistakes: dict[str, Sequence[float]] | None = None,
) -> None:
    """Check that a line of chart ``ax`` shows ``values``, one point each, in order.

    ``mistakes`` maps what a slip is (in words) to the values that slip would plot.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([10, 11, 12], [600, 610, 590])
    >>> check_plotted(ax, [3, 5, 4], name="ax", hint="Plot the incidents. (Section 7)",
    ...               mistakes={"shows the bed days, not the incidents.": [600, 610, 590]})
    Traceback (most recent call last):
    ...
    icp_helpers.check.CheckFailed: `ax` shows the bed days, not the incidents.
    >>> plt.close(fig)
    """
    from matplotlib.axes import Axes

    if not (isinstance(ax, Axes) and type(ax).__module__.startswith("matplotlib.")):
        raise _fail(name, f"should be a matplotlib chart, but it is {_describe_type(ax)}.", None)

    def same(line: object, wanted: Sequence[float]) -> bool:
        try:
            shown = [float(v) for v in line.get_ydata()]  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            return False
        return len(shown) == len(wanted) and all(
            math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-12)
            for a, b in zip(shown, wanted, strict=True)
        )

    lines = ax.get_lines()
    if any(same(line, values) for line in lines):
        return
    for slip, wrong in (mistakes or {}).items():
        if any(same(line, wrong) for line in lines):
            raise CheckFailed(f"`{name}` {slip}")
    raise _fail(name, "does not show the right values yet.", hint)


_REGISTRY: dict[str, Callable[[], None]] = {}


def _said_plainly(error: Exception) -> str:
    """What a failed self-check tells the learner, in one line."""
    if isinstance(error, NameError):
        missing = getattr(error, "name", None) or str(error)
        return f"not answered yet: run your answer cell (`{missing}` is not defined yet)."
    if isinstance(error, CheckFailed):
        return str(error)
    return f"your answer raised {type(error).__name__}: {error}"


def _under_nbgrader() -> bool:
    """Whether nbgrader (or the course's grader) is running this notebook."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def visible_check(label: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a self-check, run it at once, and keep it for :func:`check_your_work`.

    Used as a decorator in a notebook's visible test cell. A learner sees one line: ✓ and
    the label, or ✗, the label and the hint; the notebook carries on, so Run All always
    reaches the closing :func:`check_your_work`. While nbgrader grades the notebook
    (``NBGRADER_EXECUTION`` is set) a failed check raises instead, so the cell scores zero.

    >>> @visible_check("Exercise 1: a number")
    ... def _():
    ...     check_integer(3, 3, name="answer")
    ✓ Exercise 1: a number
    >>> @visible_check("Exercise 2")
    ... def _():
    ...     check_integer(total, 12, name="total")
    ✗ Exercise 2: not answered yet: run your answer cell (`total` is not defined yet).
    """

    def register(check: Callable[[], None]) -> Callable[[], None]:
        _REGISTRY[label] = check
        try:
            check()
        except Exception as error:  # noqa: BLE001 - every failure is told the same way
            if _under_nbgrader():
                raise
            print(f"✗ {label}: {_said_plainly(error)}")
        else:
            print(f"✓ {label}")
        return check

    return register


class WorkTable(pd.DataFrame):
    """The table :func:`check_your_work` returns: a DataFrame shown with every hint in full.

    pandas cuts a cell's text at 50 characters when it shows a table, which would cut most
    hints short.

    >>> table = WorkTable({"hint": ["x" * 60]})
    >>> "x" * 60 in repr(table) and "x" * 60 in table._repr_html_()
    True
    """

    @property
    def _constructor(self) -> type[WorkTable]:
        return WorkTable

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None, "display.width", 0):
            return super().__repr__()

    def _repr_html_(self) -> str | None:
        with pd.option_context("display.max_colwidth", None):
            return super()._repr_html_()


def check_your_work() -> WorkTable:
    """Run every registered self-check again and return a table of what passes.

    >>> _REGISTRY.clear()
    >>> @visible_check("Exercise 1")
    ... def _():
    ...     check_integer(3, 3, name="answer")
    ✓ Exercise 1
    >>> check_your_work()
          exercise  passes hint
    0  Exercise 1    True
    """
    rows = []
    for label, check in _REGISTRY.items():
        try:
            check()
        except Exception as error:  # a NameError or TypeError also means "not done yet"
            rows.append({"exercise": label, "passes": False, "hint": _said_plainly(error)})
        else:
            rows.append({"exercise": label, "passes": True, "hint": ""})
    return WorkTable(rows, columns=["exercise", "passes", "hint"])
