"""The root of every error the package raises about its user's input, files or tools.

Each user-facing error class derives from :class:`IcpError` (and, where callers have long
caught it, from :class:`ValueError` too), so the ``icp`` command can tell a mistake it
should explain in one line from a bug it should ask to have reported.

>>> class RotaError(IcpError, ValueError):
...     "A rota could not be read."
>>> isinstance(RotaError("no such ward"), IcpError)
True
>>> str(UsageError("--jobs is 0; give 1 or more."))
'--jobs is 0; give 1 or more.'
"""

from __future__ import annotations

__all__ = ["IcpError", "UsageError"]


class IcpError(Exception):
    """Something the user can put right; the message names the problem and the fix."""


class UsageError(IcpError, ValueError):
    """A command was asked for something it cannot do yet; the message says what to do first."""
