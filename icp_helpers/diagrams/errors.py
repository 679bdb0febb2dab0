"""The error a diagram file raises, and the one place shared file errors become it.

The file helpers in :mod:`icp_helpers.files` raise :class:`~icp_helpers.files.DataFileError`;
diagrams (driver diagrams, fishbones, process maps) raise the narrower
:class:`DiagramFileError`, so a caller can tell a bad diagram file from any other.

>>> from icp_helpers.files import read_mapping
>>> with diagram_file_errors():
...     read_mapping("/no/such/fishbone.yaml", what="a fishbone")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
icp_helpers.diagrams.errors.DiagramFileError: cannot read a fishbone: there is no file at ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from icp_helpers.files import DataFileError

__all__ = ["DiagramFileError", "diagram_file_errors"]


class DiagramFileError(DataFileError):
    """A diagram file (or text) could not be read or written; the message says why."""


@contextmanager
def diagram_file_errors() -> Iterator[None]:
    """Re-raise a :class:`~icp_helpers.files.DataFileError` as a :class:`DiagramFileError`."""
    try:
        yield
    except DiagramFileError:
        raise
    except DataFileError as exc:
        raise DiagramFileError(str(exc)) from None
