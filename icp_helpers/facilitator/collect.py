"""Collect a cohort's submissions: from nbgrader's exchange, or from a zip of e-mailed notebooks.

Every file is accounted for. A notebook is matched to a trainee by the trainee id, e-mail
address or full name in its file or folder name; anything that cannot be matched (no
trainee named, two trainees named, not a notebook, a trainee not on the roster) is kept in
``unmatched/<assignment>/<when>/`` with a line in ``REPORT.txt`` saying why, and is listed
in the result. A newer submission replaces an older one, which is moved to ``superseded/``.

>>> _tokens("emails/Asha Patel <asha.patel@example.org>/T01_getting-started (2).ipynb")
['emails', 'asha', 'patel', 'asha.patel@example.org', 't01', 'getting', 'started', '2', 'ipynb']
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from icp_helpers.errors import UsageError
from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.privacy import make_private, private_umask, write_private_text
from icp_helpers.facilitator.roster import Trainee, read_roster

_TOKEN = re.compile(r"[a-z0-9][a-z0-9._%+-]*@[a-z0-9.-]+\.[a-z]+|[a-z0-9]+")


@dataclass
class CollectReport:
    """What a collection found: who submitted when, what it could not match, who is missing."""

    assignment: str
    collected: dict[str, dt.datetime] = field(default_factory=dict)
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    kept_in: Path | None = None


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
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    unmatched_dir = folder.root / "unmatched" / assignment / stamp
    if zip_file is not None:
        _collect_zip(folder, assignment, dates.notebooks, zip_file, roster, report, unmatched_dir)
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
    if report.unmatched:
        lines = [f"{name}\t{reason}" for name, reason in report.unmatched]
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


def _collect_zip(folder, assignment, notebooks, zip_file, roster, report, unmatched_dir) -> None:
    try:
        archive = zipfile.ZipFile(zip_file)
    except (OSError, zipfile.BadZipFile) as error:
        raise UsageError(
            f"cannot open {zip_file} as a zip file ({error}); save the e-mailed notebooks "
            "into one .zip and try again."
        ) from None
    zone = folder.schedule().zone
    chosen: dict[tuple[str, str], zipfile.ZipInfo] = {}
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir() and not _is_clutter(e.filename)]
        for entry in entries:
            reason, key = _match(entry.filename, roster, notebooks)
            if key is None:
                report.unmatched.append((entry.filename, reason))
                _keep(archive, entry, unmatched_dir)
                continue
            older = chosen.get(key)
            if older is not None and older.date_time > entry.date_time:
                entry, older = older, entry
            if older is not None:
                report.unmatched.append(
                    (older.filename, f"an older copy for {key[0]}; {entry.filename} was used")
                )
                _keep(archive, older, unmatched_dir)
            chosen[key] = entry
        by_trainee: dict[str, dict[str, zipfile.ZipInfo]] = {}
        for (trainee, notebook), entry in chosen.items():
            by_trainee.setdefault(trainee, {})[notebook] = entry
        for trainee, files in sorted(by_trainee.items()):
            received = max(dt.datetime(*e.date_time, tzinfo=zone) for e in files.values())
            existing = _timestamp(folder.root / "submitted" / trainee / assignment)
            if existing is not None and existing >= received:
                for entry in files.values():
                    report.unmatched.append(
                        (
                            entry.filename,
                            f"not newer than {trainee}'s submission already collected "
                            f"({existing.astimezone(zone):%Y-%m-%d %H:%M}); kept that one",
                        )
                    )
                    _keep(archive, entry, unmatched_dir)
                report.collected[trainee] = existing
                continue
            _store(folder, assignment, trainee, files, archive, received)
            report.collected[trainee] = received


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


def _is_clutter(name: str) -> bool:
    parts = Path(name).parts
    return "__MACOSX" in parts or any(part.startswith(".") for part in parts)


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
