"""Load a learner's own measure from a CSV or Excel file, checked and tidied for charting.

You name the columns that hold the date, the value and (for a rate or percentage) the
denominator. The loader reads the file, parses the dates (day first, as in the UK, unless you give
``date_format``), turns the numbers into numbers, and checks the data. Anything wrong is reported
in one :class:`DataFileError` that names the rows and says how to fix them. Row numbers are
spreadsheet row numbers: the heading row is row 1, so the first row of data is row 2.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "falls.csv"
>>> _ = path.write_text("Month,Falls,Bed days\\n01/05/2024,4,480\\n01/04/2024,6,502\\n")
>>> load_csv(path, date="Month", value="Falls", denominator="Bed days")
       Month  Falls  Bed days
0 2024-04-01      6       502
1 2024-05-01      4       480
"""

from __future__ import annotations

import datetime
import difflib
import io
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from icp_helpers.files import DataFileError

CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
# Tried in order when no date_format is given: ISO first, then UK day-first forms, then US.
DATE_FORMATS = (
    "ISO8601",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%b-%y",
    "%b %y",
    "%b-%Y",
    "%b %Y",
    "%B %Y",
    "%B-%Y",
    "%m/%d/%Y",
)
_LISTED = 10  # list at most this many rows in a message


def load_csv(
    path: str | os.PathLike[str],
    *,
    date: str,
    value: str,
    denominator: str | None = None,
    rename: Mapping[str, str] | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read a CSV file and return its date, value and denominator columns, checked, sorted by date.

    ``date``, ``value`` and ``denominator`` are column headings exactly as in the file's first
    row (spaces around a heading are ignored). ``rename`` maps those headings to new names for the
    result, e.g. ``{"Month": "month"}``. ``date_format`` is a strftime pattern such as
    ``"%d/%m/%Y"``; without it the loader tries ISO dates (2024-04-01), then UK day-first forms
    (01/04/2024, 1 Apr 2024, Apr-24, April 2024). Blank value cells become missing values (NaN).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dna.csv"
    >>> _ = path.write_text("month,appts,dna\\n2024-04-01,\\"1,020\\",130\\n2024-05-01,990,121\\n")
    >>> df = load_csv(path, date="month", value="dna", denominator="appts",
    ...               rename={"appts": "appointments", "dna": "dnas"})
    >>> df.columns.tolist(), int(df.loc[0, "appointments"])
    (['month', 'dnas', 'appointments'], 1020)
    >>> load_csv(path, date="Month", value="dna")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: ...has no column 'Month' (did you mean 'month'?)...
    """
    source = _checked_path(path, CSV_SUFFIXES, "CSV", "load_excel", EXCEL_SUFFIXES)
    raw = _read_csv(source)
    return _tidy(raw, source.name, date, value, denominator, rename, date_format)


def load_excel(
    path: str | os.PathLike[str],
    *,
    sheet: str | int = 0,
    date: str,
    value: str,
    denominator: str | None = None,
    rename: Mapping[str, str] | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read one sheet of an Excel workbook (.xlsx) and check it as :func:`load_csv` does.

    ``sheet`` is the sheet's name or its position (0 for the first). The headings must be in the
    sheet's first row. Cells formatted as dates in Excel are used as they are; dates typed as
    text are parsed as in :func:`load_csv`.

    >>> import tempfile, pathlib, openpyxl, datetime
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "falls.xlsx"
    >>> book = openpyxl.Workbook()
    >>> book.active.title = "Ward 3"
    >>> for row in [("Month", "Falls"), (datetime.datetime(2024, 4, 1), 6), ("01/05/2024", 4)]:
    ...     book.active.append(row)
    >>> book.save(path)
    >>> load_excel(path, sheet="Ward 3", date="Month", value="Falls")
           Month  Falls
    0 2024-04-01      6
    1 2024-05-01      4
    """
    source = _checked_path(path, EXCEL_SUFFIXES, "Excel (.xlsx)", "load_csv", CSV_SUFFIXES)
    raw = _read_excel(source, sheet)
    return _tidy(raw, source.name, date, value, denominator, rename, date_format)


def _checked_path(
    path: str | os.PathLike[str],
    suffixes: tuple[str, ...],
    kind: str,
    other_loader: str,
    other_suffixes: tuple[str, ...],
) -> Path:
    source = Path(path)
    if not source.is_file():
        where = "is a folder, not a file" if source.is_dir() else "does not exist"
        raise DataFileError(
            f"{str(source)!r} {where}. Check the file name and folder; Python is looking from "
            f"{os.getcwd()!r}."
        )
    suffix = source.suffix.lower()
    if suffix in other_suffixes:
        raise DataFileError(f"{source.name!r} is not a {kind} file: use {other_loader}() for it.")
    if suffix == ".xls":
        raise DataFileError(
            f"{source.name!r} is in the old Excel format (.xls). Open it in Excel and use Save As "
            "→ Excel Workbook (.xlsx), then load the .xlsx file."
        )
    if suffix not in suffixes:
        raise DataFileError(
            f"{source.name!r} is not a {kind} file (its name ends {suffix or 'with no extension'!r}"
            f"; expected {' or '.join(suffixes)}). Export your data from the spreadsheet as "
            f"{kind} and load that file."
        )
    return source


def _read_csv(source: Path) -> pd.DataFrame:
    content = source.read_bytes()
    if content.startswith((_ZIP_MAGIC, _OLD_EXCEL_MAGIC)) or b"\x00" in content[:4096]:
        raise DataFileError(
            f"{source.name!r} is not a text CSV file (it looks like a spreadsheet or other binary "
            "file renamed .csv). In Excel use Save As → CSV UTF-8, or use load_excel() on the "
            "workbook itself."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # older Excel 'CSV (Comma delimited)'
    if not text.strip():
        raise DataFileError(f"{source.name!r} is empty. Check you saved the file with its data.")
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise DataFileError(
            f"{source.name!r} could not be read as CSV ({error}). Check that every row has the "
            "same number of commas and that quotes are paired."
        ) from error


def _read_excel(source: Path, sheet: str | int) -> pd.DataFrame:
    try:
        with pd.ExcelFile(source, engine="openpyxl") as book:
            sheets = list(book.sheet_names)
            if isinstance(sheet, int) and not 0 <= sheet < len(sheets):
                raise DataFileError(
                    f"{source.name!r} has {len(sheets)} sheet(s), so there is no sheet number "
                    f"{sheet} (the first is 0). Its sheets are: {sheets}."
                )
            if isinstance(sheet, str) and sheet not in sheets:
                raise DataFileError(
                    f"{source.name!r} has no sheet called {sheet!r}. Its sheets are: {sheets}."
                )
            raw = pd.read_excel(book, sheet_name=sheet, dtype=object)
    except DataFileError:
        raise
    except Exception as error:  # openpyxl and zipfile raise many kinds; none should leak out
        raise DataFileError(
            f"{source.name!r} could not be read as an Excel workbook ({type(error).__name__}: "
            f"{error}). Check it opens in Excel, then save it again as Excel Workbook (.xlsx)."
        ) from error
    if raw.columns.empty:
        raise DataFileError(f"Sheet {sheet!r} of {source.name!r} is empty.")
    return raw


def _tidy(
    raw: pd.DataFrame,
    file_name: str,
    date: str,
    value: str,
    denominator: str | None,
    rename: Mapping[str, str] | None,
    date_format: str | None,
) -> pd.DataFrame:
    raw = raw.rename(columns=lambda heading: str(heading).strip())
    raw.index = pd.RangeIndex(2, len(raw) + 2)  # spreadsheet row numbers: headings are row 1
    wanted = [date, value] + ([denominator] if denominator is not None else [])
    _check_columns(raw, file_name, wanted, rename)
    chosen = raw[wanted].map(lambda cell: cell.strip() if isinstance(cell, str) else cell)
    chosen = chosen[~chosen.apply(lambda column: column.map(_is_blank)).all(axis=1)]
    if chosen.empty:
        raise DataFileError(
            f"{file_name!r} has column headings but no rows of data in {wanted}. Check you saved "
            "the file with its data."
        )
    dates, problems = _parse_dates(chosen[date], date_format)
    numbers = {}
    for column in wanted[1:]:
        numbers[column], found = _parse_numbers(chosen[column])
        problems += found
    problems += _duplicate_periods(dates) + _impossible_counts(numbers, denominator)
    if problems:
        listed = "\n".join(f"- {problem}" for problem in problems)
        raise DataFileError(
            f"{file_name!r} needs fixing before it can be charted (row numbers as in a "
            f"spreadsheet, headings in row 1):\n{listed}"
        )
    tidy = pd.DataFrame({date: dates, **numbers})
    tidy = tidy.sort_values(date, kind="stable").reset_index(drop=True)
    return tidy.rename(columns=dict(rename or {}))


def _check_columns(
    raw: pd.DataFrame, file_name: str, wanted: list[str], rename: Mapping[str, str] | None
) -> None:
    if len(set(wanted)) < len(wanted):
        raise DataFileError(f"date, value and denominator must be different columns; got {wanted}.")
    headings = [str(heading) for heading in raw.columns]
    unknown = [name for name in [*wanted, *(rename or {})] if name not in headings]
    if unknown:
        lowered = {heading.lower(): heading for heading in headings}
        parts = []
        for name in dict.fromkeys(unknown):
            close = lowered.get(str(name).strip().lower()) or next(
                iter(difflib.get_close_matches(str(name), headings, n=1)), None
            )
            parts.append(f"{name!r}" + (f" (did you mean {close!r}?)" if close else ""))
        raise DataFileError(
            f"{file_name!r} has no column {', '.join(parts)}. Its columns are: {headings}. Give "
            "each heading exactly as it is written in the file's first row."
        )
    extra = [name for name in (rename or {}) if name not in wanted]
    if extra:
        raise DataFileError(
            f"rename can only rename the columns you load ({wanted}); {extra} are not among them."
        )


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell == "") or bool(pd.isna(cell))


def _parse_dates(cells: pd.Series, date_format: str | None) -> tuple[pd.Series, list[str]]:
    """Dates from cells that are Excel dates or text; problems name the rows that are neither."""
    heading = cells.name
    blank = cells.map(_is_blank)
    stamps = cells.map(lambda cell: isinstance(cell, datetime.date)) & ~blank
    numeric = cells.map(lambda cell: isinstance(cell, (int, float, np.number))) & ~blank
    text = ~(blank | stamps | numeric)
    dates = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    dates[stamps] = pd.to_datetime(cells[stamps].tolist()).astype("datetime64[ns]")
    problems = []
    if blank.any():
        problems.append(f"no date in {heading!r} in {_rows(cells[blank])}. Fill in the date.")
    if numeric.any():
        problems.append(
            f"a number, not a date, in {heading!r} in {_rows(cells[numeric], show=True)}. In "
            "Excel, format the column as Date."
        )
    if text.any():
        words = cells[text].astype(str)
        parsed = pd.Series(pd.NaT, index=words.index, dtype="datetime64[ns]")
        for pattern in [date_format] if date_format else DATE_FORMATS:
            try:
                attempt = pd.to_datetime(words, format=pattern, errors="coerce")
            except ValueError as error:  # only a learner's own date_format can be malformed
                raise DataFileError(
                    f"date_format={pattern!r} is not a date pattern Python understands ({error}). "
                    "Use codes such as '%d/%m/%Y' (01/04/2024) or '%b-%y' (Apr-24)."
                ) from error
            if attempt.notna().sum() > parsed.notna().sum():
                parsed = attempt
            if attempt.notna().all():
                break
        dates[text] = parsed.astype("datetime64[ns]")
        failed = parsed.isna()
        if failed.any():
            fix = (
                f"they do not match date_format={date_format!r}"
                if date_format
                else "write every date the same way, e.g. 2024-04-01 or 01/04/2024, or pass "
                "date_format (e.g. date_format='%d/%m/%Y')"
            )
            problems.append(
                f"dates that cannot be read in {heading!r} in {_rows(words[failed], show=True)}: "
                f"{fix}."
            )
    return dates, problems


def _parse_numbers(cells: pd.Series) -> tuple[pd.Series, list[str]]:
    """Numbers from cells (thousands commas allowed); problems name the rows holding text."""
    blank = cells.map(_is_blank)
    cleaned = cells.map(lambda cell: cell.replace(",", "") if isinstance(cell, str) else cell)
    numbers = pd.to_numeric(cleaned.where(~blank), errors="coerce").astype("float64")
    bad = ~blank & ~np.isfinite(numbers)
    problems = []
    if bad.any():
        problems.append(
            f"text in the number column {cells.name!r} in {_rows(cells[bad], show=True)}. Put a "
            "number in each cell, or leave it empty where there is no data."
        )
        numbers[bad] = np.nan
    whole = numbers.notna().all() and bool((numbers == numbers.round()).all())
    return (numbers.astype("int64") if whole else numbers), problems


def _duplicate_periods(dates: pd.Series) -> list[str]:
    repeated = dates[dates.notna() & dates.duplicated(keep=False)]
    if repeated.empty:
        return []
    groups = [
        f"{day.date().isoformat()} (rows {', '.join(str(row) for row in rows.index)})"
        for day, rows in repeated.groupby(repeated, sort=True)
    ]
    return [
        f"the same period more than once: {'; '.join(groups)}. Keep one row per period: add "
        "the rows together, or correct a mistyped date."
    ]


def _impossible_counts(numbers: dict[str, pd.Series], denominator: str | None) -> list[str]:
    problems = []
    for column, values in numbers.items():
        negative = values < 0
        if negative.any():
            problems.append(
                f"negative numbers in {column!r} in {_rows(values[negative], show=True)}. Counts "
                "cannot be below zero: check these cells."
            )
    if denominator is not None and (numbers[denominator] == 0).any():
        zero = numbers[denominator] == 0
        problems.append(
            f"a denominator of 0 in {denominator!r} in {_rows(numbers[denominator][zero])}: a "
            "rate needs a denominator above 0, so leave the cell empty or remove the row."
        )
    return problems


def _rows(cells: pd.Series, show: bool = False) -> str:
    """'row 4' or 'rows 4, 9 and 12', with each cell's content when ``show`` is true."""
    shown = [f"{row} ({_shown(cell)})" if show else str(row) for row, cell in cells.items()]
    more = len(shown) - _LISTED
    shown = shown[:_LISTED] + ([f"{more} more"] if more > 0 else [])
    if len(shown) == 1:
        return f"row {shown[0]}"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def _shown(cell: object) -> str:
    """A cell as a learner would recognise it: text in quotes, numbers as written."""
    if isinstance(cell, (int, float, np.number)) and not isinstance(cell, bool):
        number = float(cell)
        return str(int(number)) if number.is_integer() else str(number)
    return repr(str(cell))
