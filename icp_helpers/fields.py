"""Checks for single fields of the QI records (PDSA cycles, measures, progress, reports): text,
dates, choices and unknown keys.

Each check either returns the cleaned value or raises :class:`FieldError` (a
:class:`ValueError`) whose message names the field and says how to fix it.

>>> clean_text("  Willow ward  ", "where")
'Willow ward'
>>> parse_date("2024-03-04", "start")
datetime.date(2024, 3, 4)
>>> choose("Adapt", ("adopt", "adapt", "abandon"), "act")
'adapt'
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import unicodedata
from collections.abc import Iterable, Sequence

from icp_helpers.errors import IcpError

__all__ = ["FieldError", "clean_text", "parse_date", "choose", "reject_unknown_keys", "suggest"]


class FieldError(IcpError, ValueError):
    """A field of a QI record is wrong; the message names the field and the fix."""


def suggest(word: str, options: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for a close match among ``options``, else ``""``.

    >>> suggest("predicton", ["prediction", "question"])
    " (did you mean 'prediction'?)"
    """
    close = difflib.get_close_matches(str(word).lower(), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def clean_text(value: object, field: str) -> str:
    """Return ``value`` as stripped text with Windows line endings made ``\\n``.

    ``None`` and empty cells (NaN) become ``""``. Numbers are not accepted silently: a
    field of words that holds a number is usually a column in the wrong place.

    >>> clean_text(None, "observations")
    ''
    >>> clean_text(3, "prediction")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: prediction must be text, not int (3); ...
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not isinstance(value, str):
        raise FieldError(
            f"{field} must be text, not {type(value).__name__} ({value!r}); "
            "put the words in quotes, e.g. '3 of 10 patients'"
        )
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    for position, char in enumerate(text):
        if char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cs"):
            raise FieldError(
                f"{field} contains a hidden control character (U+{ord(char):04X}) at position "
                f"{position}; delete it (it often comes from copying out of another program)"
            )
    return text


def parse_date(value: object, field: str) -> dt.date | None:
    """Return ``value`` as a :class:`datetime.date`, or ``None`` when it is empty.

    Accepts dates, datetimes (including pandas Timestamps) and ISO text ``YYYY-MM-DD``.

    >>> parse_date("04/03/2024", "end")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: end: '04/03/2024' is not a date in the form YYYY-MM-DD; ...
    """
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        if value != value:  # pandas NaT
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise FieldError(
        f"{field}: {value!r} is not a date in the form YYYY-MM-DD; write it like 2024-03-04"
    )


def choose(value: object, options: Sequence[str], field: str, *, allow_empty: bool = False) -> str:
    """Return ``value`` lower-cased if it is one of ``options``; otherwise raise a clear error.

    >>> choose("maybe", ("adopt", "adapt", "abandon"), "act")
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: act must be one of adopt, adapt, abandon, not 'maybe'
    """
    text = clean_text(value, field).lower()
    if allow_empty and text == "":
        return ""
    if text not in options:
        empty_note = " (or leave it empty)" if allow_empty else ""
        raise FieldError(
            f"{field} must be one of {', '.join(options)}{empty_note}, not {value!r}"
            f"{suggest(text, options)}"
        )
    return text


def reject_unknown_keys(keys: Iterable[object], known: Sequence[str], where: str) -> None:
    """Raise if any key is not a known field, suggesting the nearest spelling.

    >>> reject_unknown_keys(["change_idea", "predicton"], ["change_idea", "prediction"],
    ...                     "cycle 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: cycle 1 has an unknown field 'predicton' (did you mean ...
    """
    for key in keys:
        if key not in known:
            raise FieldError(
                f"{where} has an unknown field {str(key)!r}{suggest(str(key), known)}; "
                f"the known fields are {', '.join(known)}"
            )
