"""Personal data stays with its owner: private files and folders, and nothing personal in logs.

Rosters, gradebooks, submissions, feedback and reports hold NHS staff's names and marks. Every
file the facilitator commands create that holds them is readable by its owner only (files
``0o600``, folders ``0o700``), and database addresses are shown without their passwords.

>>> import tempfile, pathlib, stat
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_private_text(folder / "roster.csv", "id,email\\n")
>>> oct(stat.S_IMODE((folder / "roster.csv").stat().st_mode))
'0o600'
>>> masked_url("postgresql://coach:s3cret@db.trust.nhs.uk/icp")
'postgresql://coach:***@db.trust.nhs.uk/icp'
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from icp_helpers.files import atomic_write

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
PRIVATE_UMASK = 0o077


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Create every file and folder inside this block readable by its owner only.

    Child processes (nbgrader, its kernels) inherit the mask, so what they write is private too.
    """
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it owner-only; return it."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(PRIVATE_FOLDER)
    return path


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` atomically to ``path`` and leave it readable by its owner only."""
    with private_umask():
        atomic_write(path, text)
    path.chmod(PRIVATE_FILE)


def make_private(path: Path) -> None:
    """Make ``path`` owner-only: folders ``0o700`` and files ``0o600``, all the way down.

    Symbolic links (such as the cohort's link to the course's ``source/``) are left alone.
    """
    if path.is_symlink() or not path.exists():
        return
    if path.is_dir():
        path.chmod(PRIVATE_FOLDER)
        for child in path.rglob("*"):
            if child.is_symlink():
                continue
            mode = stat.S_IMODE(child.lstat().st_mode)
            wanted = PRIVATE_FOLDER if child.is_dir() else mode & PRIVATE_FILE | stat.S_IRUSR
            if mode != wanted:
                child.chmod(wanted)
    else:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & PRIVATE_FILE | stat.S_IRUSR)


def masked_url(url: str) -> str:
    """A database address safe to print: the password, if any, replaced by ``***``.

    >>> masked_url("sqlite:////srv/icp/cohorts/10/gradebook.db")
    'sqlite:////srv/icp/cohorts/10/gradebook.db'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
