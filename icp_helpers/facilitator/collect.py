"""Collect a cohort's submissions: from nbgrader's exchange, or from a zip of e-mailed notebooks.

Every file is accounted for. A notebook is matched to a trainee by the trainee id, e-mail
address or full name in its file or folder name; anything that cannot be matched (no
trainee named, two trainees named, not a notebook, a trainee not on the roster) is kept in
``unmatched/<assignment>/<when>/`` with a line in ``REPORT.txt`` saying why, and is listed
in the result. A newer submission replaces an older one, which is moved to ``superseded/``.

Every entry of a zip is accounted for in the :class:`CollectReport`: used as a submission,
kept in ``unmatched/`` with a reason, refused, or ignored. Refused entries are never
extracted: symbolic links and other special files (a link to ``../../roster.csv`` must not
become a trainee's notebook) and paths that lead outside the zip (absolute, or with ``..``).
Ignored entries are folders and operating-system clutter (``__MACOSX/``, ``.DS_Store``,
hidden files); they stay out of the trainee folders but are still listed.

A zip entry's date is when the file was last changed by the sender's or saver's clock, and
it decides which copy is newer. An entry dated after the collection itself (allowing
:data:`CLOCK_SKEW` for clocks that are a little fast) is not collected: it is kept in
``unmatched/`` with a reason. Refusing is chosen over clamping the date to the collection
time because a clamped date is still made up: it would stand as the submission's time,
could make genuine work sent before this collection look older and be refused, and could
turn on-time work late. A refused entry never becomes a submission, so it never stands in
the way of the trainee's later genuine work, and the facilitator can still look at the file.

>>> _tokens("emails/Asha Patel <asha.patel@example.org>/T01_getting-started (2).ipynb")
['emails', 'asha', 'patel', 'asha.patel@example.org', 't01', 'getting', 'started', '2', 'ipynb']
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from icp_helpers.errors import UsageError
from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.privacy import make_private, private_umask, write_private_text
from icp_helpers.facilitator.roster import Trainee, read_roster

_TOKEN = re.compile(r"[a-z0-9][a-z0-9._%+-]*@[a-z0-9.-]+\.[a-z]+|[a-z0-9]+")

CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far after the collection a zip entry may be dated and still be trusted."""


@dataclass
class CollectReport:
    """What a collection found: who submitted when, what it could not match, who is missing.

    ``used`` pairs each zip entry taken as a submission with its trainee's id; ``unmatched``,
    ``refused`` and ``ignored`` pair each other entry (or exchange submission) with the
    reason. Together they hold every entry of the zip. ``unchanged`` lists the trainees whose
    work in the zip was no newer than what was already collected (still in ``collected``,
    with the earlier time). ``kept_in`` is the folder with
    ``REPORT.txt``, which lists every entry not used, and the unmatched files themselves.
    """

    assignment: str
    collected: dict[str, dt.datetime] = field(default_factory=dict)
    used: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_in: Path | None = None

    def report_lines(self) -> list[str]:
        """One line per file not used, for ``REPORT.txt``: its name, a tab and the reason.

        >>> report = CollectReport("00-getting-started", refused=[("x.ipynb", "a link")])
        >>> report.ignored.append(("__MACOSX/", "macOS metadata"))
        >>> report.report_lines()
        ['x.ipynb\\trefused, not extracted: a link', '__MACOSX/\\tignored: macOS metadata']
        """
        return (
            [f"{name}\t{reason}" for name, reason in self.unmatched]
            + [f"{name}\trefused, not extracted: {reason}" for name, reason in self.refused]
            + [f"{name}\tignored: {reason}" for name, reason in self.ignored]
        )


def collect(folder: CohortFolder, assignment: str, zip_file: Path | None = None) -> CollectReport:
    """Collect ``assignment`` from the exchange, or from ``zip_file`` when given."""
    dates = folder.schedule().dates_for(assignment)
    roster = read_roster(folder)
    if not roster:
        raise UsageError(
            f"cohort {folder.cohort} has no roster yet, so submissions cannot be matched to "
            f"trainees; run `icp roster import {folder.cohort} roster.csv` first."
        )
    report = CollectReport(assignment)
    now = dt.datetime.now(dt.UTC)
    unmatched_dir = folder.root / "unmatched" / assignment / now.strftime("%Y%m%dT%H%M%S")
    if zip_file is not None:
        archive = _open_zip(zip_file)
        with archive:
            chosen = _choose(archive, folder, dates.notebooks, roster, now, report, unmatched_dir)
            _store_chosen(archive, folder, assignment, chosen, now, report, unmatched_dir)
    else:
        if folder.exchange is None:
            raise UsageError(
                f"cohort {folder.cohort} has no nbgrader exchange; collect e-mailed notebooks "
                f"with --zip FILE (or create the cohort with --exchange)."
            )
        _collect_exchange(folder, assignment, roster, report, unmatched_dir)
    _add_data_files(folder, assignment)
    ids = {trainee.id for trainee in roster}
    submitted = {path.parent.name for path in (folder.root / "submitted").glob(f"*/{assignment}")}
    report.missing = sorted(ids - submitted)
    lines = report.report_lines()
    if lines:
        with private_umask():
            unmatched_dir.mkdir(parents=True, exist_ok=True)
        write_private_text(unmatched_dir / "REPORT.txt", "\n".join(lines) + "\n")
        report.kept_in = unmatched_dir
    make_private(folder.root / "submitted")
    return report


def _collect_exchange(folder, assignment, roster, report, unmatched_dir) -> None:
    folder.nbgrader("collect", assignment, "--update")
    ids = {trainee.id for trainee in roster}
    for path in sorted((folder.root / "submitted").glob(f"*/{assignment}")):
        student = path.parent.name
        if student in ids:
            report.collected[student] = _timestamp(path)
            continue
        destination = unmatched_dir / f"exchange-{student}"
        unmatched_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(path, destination)
        if not any(path.parent.iterdir()):
            path.parent.rmdir()
        report.unmatched.append(
            (destination.name, f"submitted as {student!r}, who is not on the roster")
        )


def _open_zip(zip_file: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(zip_file)
    except (OSError, zipfile.BadZipFile) as error:
        raise UsageError(
            f"cannot open {zip_file} as a zip file ({error}); save the e-mailed notebooks "
            "into one .zip and try again."
        ) from None


Chosen = dict[tuple[str, str], zipfile.ZipInfo]


def _choose(archive, folder, notebooks, roster, now, report, unmatched_dir) -> Chosen:
    """The newest trustworthy entry per (trainee, notebook); every other entry is reported."""
    zone = folder.schedule().zone
    chosen: Chosen = {}
    for entry in archive.infolist():
        if refusal := _refusal(entry.filename, entry.external_attr):
            report.refused.append((entry.filename, refusal))
            continue
        if clutter := _clutter(entry.filename):
            report.ignored.append((entry.filename, clutter))
            continue
        reason, key = _match(entry.filename, roster, notebooks)
        if key is not None:
            reason = _untrusted_date(_received(entry, zone), now, zone)
        if reason or key is None:
            report.unmatched.append((entry.filename, reason))
            _keep(archive, entry, unmatched_dir)
            continue
        older = chosen.get(key)
        if older is not None and older.date_time > entry.date_time:
            entry, older = older, entry
        if older is not None:
            report.unmatched.append(
                (older.filename, f"an older copy for {key[0]}; a newer copy was collected")
            )
            _keep(archive, older, unmatched_dir)
        chosen[key] = entry
    return chosen


def _store_chosen(archive, folder, assignment, chosen: Chosen, now, report, unmatched_dir) -> None:
    """Store each trainee's chosen entries as their submission, unless theirs is newer.

    A submission already collected with a date after ``now`` (collected before such dates
    were refused) is not trusted to be newer: it is superseded, never left in the way.
    """
    zone = folder.schedule().zone
    by_trainee: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for (trainee, notebook), entry in chosen.items():
        by_trainee.setdefault(trainee, {})[notebook] = entry
    for trainee, files in sorted(by_trainee.items()):
        received = max(_received(entry, zone) for entry in files.values())
        existing = _timestamp(folder.root / "submitted" / trainee / assignment)
        if existing is not None and received <= existing <= now + CLOCK_SKEW:
            for entry in files.values():
                report.unmatched.append(
                    (
                        entry.filename,
                        f"not newer than {trainee}'s submission already collected "
                        f"({existing.astimezone(zone):%Y-%m-%d %H:%M %Z}); kept that one",
                    )
                )
                _keep(archive, entry, unmatched_dir)
            report.collected[trainee] = existing
            report.unchanged.append(trainee)
            continue
        _store(folder, assignment, trainee, files, archive, received)
        report.collected[trainee] = received
        report.used += [(entry.filename, trainee) for entry in files.values()]


def _received(entry: zipfile.ZipInfo, zone) -> dt.datetime:
    """When the entry was last changed: its zip date, which has no zone, in the cohort's."""
    return dt.datetime(*entry.date_time, tzinfo=zone)


def _untrusted_date(received: dt.datetime, now: dt.datetime, zone) -> str:
    """Why ``received`` cannot be trusted (it is after ``now`` and the skew), or ``""``.

    >>> import zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> now = dt.datetime(2024, 9, 27, 12, 0, tzinfo=dt.UTC)
    >>> _untrusted_date(dt.datetime(2024, 9, 27, 13, 4, tzinfo=london), now, london)
    ''
    >>> _untrusted_date(dt.datetime(2099, 1, 1, tzinfo=london), now, london)[:49]
    'dated 2099-01-01 00:00 GMT, after this collection'
    """
    if received <= now + CLOCK_SKEW:
        return ""
    return (
        f"dated {received.astimezone(zone):%Y-%m-%d %H:%M %Z}, after this collection "
        f"({now.astimezone(zone):%Y-%m-%d %H:%M %Z}), so its date cannot be trusted; kept, not "
        "collected. If the work is genuine, save it again with today's date and collect it."
    )


def _refusal(name: str, external_attr: int) -> str:
    """Why a zip entry must not be extracted at all, or ``""`` if it may be.

    >>> _refusal("t01.ipynb", (stat.S_IFLNK | 0o777) << 16)
    'a symbolic link, not a file'
    >>> _refusal("../../roster.csv", 0)
    "its path leads out of the zip (absolute, or with '..')"
    >>> _refusal("t01/notebook.ipynb", (stat.S_IFREG | 0o644) << 16)
    ''
    """
    kind = stat.S_IFMT(external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "a symbolic link, not a file"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "a special file (a device or pipe), not a file"
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"[A-Za-z]:", name):
        return "its path leads out of the zip (absolute, or with '..')"
    return ""


def _clutter(name: str) -> str:
    """Why an entry is left out as a folder or operating-system clutter, or ``""``.

    >>> _clutter("__MACOSX/._t01_getting-started.ipynb"), _clutter("t01/.DS_Store")
    ('macOS metadata', 'macOS metadata')
    >>> _clutter("emails/"), _clutter(".ipynb_checkpoints/t01.ipynb"), _clutter("t01.ipynb")
    ('a folder', 'hidden (a name starting with a dot)', '')
    """
    parts = PurePosixPath(name).parts or ("",)
    if "__MACOSX" in parts or parts[-1] == ".DS_Store" or parts[-1].startswith("._"):
        return "macOS metadata"
    if name.endswith("/"):
        return "a folder"
    if any(part.startswith(".") for part in parts):
        return "hidden (a name starting with a dot)"
    return ""


def _match(
    name: str, roster: list[Trainee], notebooks: tuple[str, ...]
) -> tuple[str, tuple[str, str] | None]:
    if not name.lower().endswith(".ipynb"):
        return "not a notebook (.ipynb); kept for you to look at", None
    lowered = name.lower()
    joined = " ".join(_tokens(name))
    found = []
    for trainee in roster:
        full = " ".join(_tokens(f"{trainee.first_name} {trainee.last_name}"))
        backwards = " ".join(_tokens(f"{trainee.last_name} {trainee.first_name}"))
        if (
            _names(lowered, trainee.id.lower())
            or _names(lowered, trainee.email.lower())
            or (full and f" {full} " in f" {joined} ")
            or (backwards and f" {backwards} " in f" {joined} ")
        ):
            found.append(trainee.id)
    if not found:
        return "no trainee id, e-mail or name on the roster appears in its name", None
    if len(found) > 1:
        return f"its name fits more than one trainee ({', '.join(found)})", None
    if len(notebooks) == 1:
        return "", (found[0], notebooks[0])
    fits = [nb for nb in notebooks if Path(nb).stem.lower() in name.lower()]
    if len(fits) != 1:
        return f"cannot tell which of {', '.join(notebooks)} it is", None
    return "", (found[0], fits[0])


def _names(text: str, word: str) -> bool:
    """Whether ``word`` appears in ``text`` on its own (not inside a longer id or word)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None


def _tokens(name: str) -> list[str]:
    return _TOKEN.findall(name.lower())


def _keep(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, folder: Path) -> None:
    with private_umask():
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", entry.filename).strip("_") or "file"
        target = folder / safe
        number = 1
        while target.exists():
            number += 1
            target = folder / f"{number}-{safe}"
        target.write_bytes(archive.read(entry))


def _store(folder, assignment, trainee, files, archive, received: dt.datetime) -> None:
    submitted = folder.root / "submitted" / trainee
    target = submitted / assignment
    incoming = submitted / f".{assignment}.incoming"
    with private_umask():
        if incoming.exists():
            shutil.rmtree(incoming)
        incoming.mkdir(parents=True)
        for notebook, entry in files.items():
            (incoming / notebook).write_bytes(archive.read(entry))
        stamp = received.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        (incoming / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
        if target.exists():
            old = folder.root / "superseded" / assignment / f"{trainee}-{_timestamp_text(target)}"
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(target, old)
        incoming.rename(target)


def _add_data_files(folder: CohortFolder, assignment: str) -> None:
    """Give every submission the assignment's data files, which e-mailed work often lacks."""
    release = folder.root / "release" / assignment
    source = release if release.is_dir() else folder.root / "source" / assignment
    data = [p for p in source.iterdir() if p.is_file() and p.suffix != ".ipynb"]
    with private_umask():
        for submission in (folder.root / "submitted").glob(f"*/{assignment}"):
            for path in data:
                if not (submission / path.name).exists():
                    shutil.copy2(path, submission / path.name)


def _timestamp(submission: Path) -> dt.datetime | None:
    from nbgrader.utils import parse_utc

    stamp = submission / "timestamp.txt"
    if not stamp.is_file():
        return None
    return parse_utc(stamp.read_text(encoding="utf-8").strip()).replace(tzinfo=dt.UTC)


def _timestamp_text(submission: Path) -> str:
    when = _timestamp(submission)
    return when.strftime("%Y%m%dT%H%M%S") if when else "undated"
