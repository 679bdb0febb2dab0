"""Loading a learner's own CSV or Excel file: good files load tidy, bad ones are explained."""

import datetime
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_helpers.datasets import DataFileError, load_csv, load_excel

GOOD_CSV = "Month,Falls,Bed days\n2024-06-01,5,470\n2024-04-01,9,495\n2024-05-01,7,481\n"


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_falls(path: Path, **options) -> pd.DataFrame:
    return load_csv(path, date="Month", value="Falls", denominator="Bed days", **options)


def expected_falls() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"]).astype(
                "datetime64[ns]"
            ),
            "Falls": np.array([9, 7, 5], dtype="int64"),
            "Bed days": np.array([495, 481, 470], dtype="int64"),
        }
    )


def test_good_csv_loads_sorted_with_dates_and_whole_numbers(tmp_path):
    frame = load_falls(write(tmp_path, GOOD_CSV))
    pd.testing.assert_frame_equal(frame, expected_falls())


def test_rename_gives_tidy_names(tmp_path):
    frame = load_falls(
        write(tmp_path, GOOD_CSV),
        rename={"Month": "month", "Falls": "falls", "Bed days": "occupied_bed_days"},
    )
    assert frame.columns.tolist() == ["month", "falls", "occupied_bed_days"]


@pytest.mark.parametrize(
    ("written", "date_format"),
    [
        (["01/04/2024", "01/05/2024", "01/06/2024"], None),  # UK day first, not 4 January
        (["1 Apr 2024", "1 May 2024", "1 Jun 2024"], None),
        (["Apr-24", "May-24", "Jun-24"], None),
        (["April 2024", "May 2024", "June 2024"], None),
        (["2024-04-01 00:00:00", "2024-05-01 00:00:00", "2024-06-01 00:00:00"], None),
        (["2024/04/01", "2024/05/01", "2024/06/01"], "%Y/%m/%d"),
    ],
)
def test_common_date_forms_parse_day_first(tmp_path, written, date_format):
    falls, beds = [9, 7, 5], [495, 481, 470]
    rows = "".join(f"{d},{f},{b}\n" for d, f, b in zip(written, falls, beds, strict=True))
    path = write(tmp_path, "Month,Falls,Bed days\n" + rows)
    pd.testing.assert_frame_equal(load_falls(path, date_format=date_format), expected_falls())


def test_spaces_thousands_commas_blank_rows_and_excel_encodings_are_tolerated(tmp_path):
    text = ' Month , Falls ,Bed days,Notes £\n2024-04-01, 9 ,"1,495",ok\n\n,,,\n2024-05-01,,481,\n'
    path = tmp_path / "windows.csv"
    path.write_bytes(text.encode("cp1252"))
    frame = load_falls(path)
    assert frame["Bed days"].tolist() == [1495, 481]
    assert frame["Falls"].dtype == "float64" and np.isnan(frame.loc[1, "Falls"])


def test_good_xlsx_with_date_cells_and_text_dates(tmp_path):
    path = tmp_path / "falls.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Ward 3")
    sheet.append(["Month", "Falls", "Bed days"])
    sheet.append([datetime.datetime(2024, 6, 1), 5, 470])
    sheet.append(["01/04/2024", 9, 495])
    sheet.append([datetime.date(2024, 5, 1), 7.0, "481"])
    book.save(path)
    for which in ("Ward 3", 1):
        frame = load_excel(path, sheet=which, date="Month", value="Falls", denominator="Bed days")
        pd.testing.assert_frame_equal(frame, expected_falls())


def message(error: pytest.ExceptionInfo) -> str:
    assert isinstance(error.value, ValueError)
    return str(error.value)


def test_missing_columns_list_what_is_there(tmp_path):
    with pytest.raises(DataFileError) as error:
        load_csv(write(tmp_path, GOOD_CSV), date="month", value="Incidents")
    text = message(error)
    assert "no column 'month' (did you mean 'Month'?), 'Incidents'" in text
    assert "['Month', 'Falls', 'Bed days']" in text


def test_rename_of_a_column_not_loaded_is_refused(tmp_path):
    with pytest.raises(DataFileError, match="rename can only rename"):
        load_csv(write(tmp_path, GOOD_CSV), date="Month", value="Falls", rename={"Bed days": "n"})


def test_unparseable_dates_name_the_rows_and_text(tmp_path):
    text = "Month,Falls,Bed days\n2024-04-01,9,495\nApril,7,481\n2024-06-31,5,470\n,4,480\n"
    with pytest.raises(DataFileError) as error:
        load_falls(write(tmp_path, text))
    text = message(error)
    assert "rows 3 ('April') and 4 ('2024-06-31')" in text
    assert "date_format" in text
    assert "no date in 'Month' in row 5" in text


def test_dates_not_matching_the_given_format_are_named(tmp_path):
    with pytest.raises(DataFileError, match=r"rows 2 .*date_format='%d/%m/%Y'"):
        load_falls(write(tmp_path, GOOD_CSV), date_format="%d/%m/%Y")


def test_a_malformed_date_format_is_explained(tmp_path):
    with pytest.raises(DataFileError, match="not a date pattern") as error:
        load_falls(write(tmp_path, GOOD_CSV), date_format="%Q")
    assert isinstance(error.value.__cause__, ValueError)


def test_text_in_a_number_column_names_the_rows_and_text(tmp_path):
    text = "Month,Falls,Bed days\n2024-04-01,nine,495\n2024-05-01,7,481\n2024-06-01,n/a,470\n"
    with pytest.raises(DataFileError) as error:
        load_falls(write(tmp_path, text))
    assert "text in the number column 'Falls' in rows 2 ('nine') and 4 ('n/a')" in message(error)


def test_duplicate_periods_are_named_with_their_rows(tmp_path):
    text = GOOD_CSV + "01/05/2024,2,400\n"
    with pytest.raises(DataFileError) as error:
        load_falls(write(tmp_path, text), date_format=None)
    # 01/05/2024 does not match the ISO dates above it, so give it in ISO form too.
    assert "cannot be read" in message(error)
    with pytest.raises(DataFileError) as error:
        load_falls(write(tmp_path, GOOD_CSV + "2024-05-01,2,400\n"))
    assert "the same period more than once: 2024-05-01 (rows 4, 5)" in message(error)


def test_negative_counts_and_zero_denominators_are_refused(tmp_path):
    text = "Month,Falls,Bed days\n2024-04-01,-2,495\n2024-05-01,7,0\n2024-06-01,5,-470\n"
    with pytest.raises(DataFileError) as error:
        load_falls(write(tmp_path, text))
    text = message(error)
    assert "negative numbers in 'Falls' in row 2 (-2)" in text
    assert "negative numbers in 'Bed days' in row 4 (-470)" in text
    assert "a denominator of 0 in 'Bed days' in row 3" in text


def test_all_problems_are_reported_together_and_long_lists_are_cut_short(tmp_path):
    rows = "".join(f"2024-{month:02d}-01,x{month},100\n" for month in range(1, 13))
    with pytest.raises(DataFileError) as error:
        load_falls(write(tmp_path, "Month,Falls,Bed days\nsoon,1,100\n" + rows))
    text = message(error)
    assert "dates that cannot be read in 'Month' in row 2 ('soon')" in text
    assert "and 2 more" in text


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(DataFileError, match="is empty"):
        load_falls(write(tmp_path, text))


def test_headings_without_data(tmp_path):
    with pytest.raises(DataFileError, match="no rows of data"):
        load_falls(write(tmp_path, "Month,Falls,Bed days\n,,\n"))


def test_a_workbook_renamed_csv_is_not_a_csv(tmp_path):
    book = openpyxl.Workbook()
    book.save(tmp_path / "book.xlsx")
    renamed = tmp_path / "book.csv"
    renamed.write_bytes((tmp_path / "book.xlsx").read_bytes())
    with pytest.raises(DataFileError, match="not a text CSV file"):
        load_falls(renamed)
    with pytest.raises(DataFileError, match=r"use load_excel\(\)"):
        load_falls(tmp_path / "book.xlsx")


@pytest.mark.parametrize("name", ["chart.png", "notes.docx", "data"])
def test_files_that_are_neither_csv_nor_excel(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(DataFileError, match="is not a CSV file"):
        load_falls(path)
    with pytest.raises(DataFileError, match=r"is not a Excel \(.xlsx\) file"):
        load_excel(path, date="Month", value="Falls")


def test_a_text_file_renamed_xlsx_is_wrapped_not_a_raw_traceback(tmp_path):
    path = write(tmp_path, GOOD_CSV, "falls.xlsx")
    with pytest.raises(DataFileError, match="could not be read as an Excel workbook") as error:
        load_excel(path, date="Month", value="Falls")
    assert error.value.__cause__ is not None


def test_old_xls_and_csv_given_to_load_excel(tmp_path):
    with pytest.raises(DataFileError, match="old Excel format"):
        load_excel(write(tmp_path, "x", "old.xls"), date="Month", value="Falls")
    with pytest.raises(DataFileError, match=r"use load_csv\(\)"):
        load_excel(write(tmp_path, GOOD_CSV), date="Month", value="Falls")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        load_falls(tmp_path / "nowhere.csv")
    with pytest.raises(DataFileError, match="is a folder"):
        load_falls(tmp_path)


def test_unknown_sheet_and_empty_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DataFileError, match=r"no sheet called 'Ward 3'.*\['Sheet'\]"):
        load_excel(path, sheet="Ward 3", date="Month", value="Falls")
    with pytest.raises(DataFileError, match="no sheet number 2"):
        load_excel(path, sheet=2, date="Month", value="Falls")
    with pytest.raises(DataFileError, match="is empty"):
        load_excel(path, date="Month", value="Falls")


def test_excel_date_column_holding_numbers_is_explained(tmp_path):
    path = tmp_path / "serial.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Month", "Falls"])
    book.active.append([45383, 9])
    book.save(path)
    with pytest.raises(DataFileError, match="format the column as Date"):
        load_excel(path, date="Month", value="Falls")


def test_broken_quotes_are_wrapped(tmp_path):
    path = write(tmp_path, 'Month,Falls\n2024-04-01,"9\n2024-05-01,7\n')
    with pytest.raises(DataFileError):
        load_csv(path, date="Month", value="Falls")


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(12))))
def test_any_shuffle_of_a_good_csv_loads_to_the_same_sorted_frame(order):
    months = pd.date_range("2023-04-01", periods=12, freq="MS")
    falls = [(month * 7) % 11 for month in range(12)]
    beds = [450 + 13 * month for month in range(12)]
    lines = [f"{months[i]:%d/%m/%Y},{falls[i]},{beds[i]}\n" for i in order]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shuffled.csv"
        path.write_text("Month,Falls,Bed days\n" + "".join(lines))
        frame = load_falls(path)
    expected = pd.DataFrame(
        {"Month": months.astype("datetime64[ns]"), "Falls": falls, "Bed days": beds}
    ).astype({"Falls": "int64", "Bed days": "int64"})
    pd.testing.assert_frame_equal(frame, expected)
