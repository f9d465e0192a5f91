"""CSV uploads are read by Arrow when it can and by pandas' own parser when it cannot: the
officer gets the same table, row numbers and messages either way."""
import pandas as pd
import pytest

from programs import uploads
from programs.uploads import FileRefused, read_table


def _without_arrow(monkeypatch):
    real = pd.read_csv

    def c_parser_only(*args, **kwargs):
        if kwargs.get("engine") == "pyarrow":
            raise ValueError("Arrow switched off for this test")
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads.pd, "read_csv", c_parser_only)


TIDY = (
    "Nama Usaha;NIB;Nomor HP;Tanggal Bergabung\n"
    "CV. Batik Lestari;8120001234567;0812 3456 7890;15-06-2020\n"
    "UD Anyaman Rotan;;+62 813-1111-2222;2020-07-01\n"
    '"Kopi ""Gayo"" Jaya";0001234567890; ;\n'
).encode("utf-8")
AWKWARD = (  # a blank line, a short row and a line of separators only
    "Nama Usaha;NIB;Nomor HP\n"
    "\n"
    "CV. Batik Lestari;8120001234567\n"
    ";;\n"
    "UD Anyaman Rotan;;0813 1111 2222\n"
).encode("utf-8")


@pytest.mark.parametrize("data", [TIDY, AWKWARD], ids=["tidy", "awkward"])
def test_arrow_and_the_fallback_read_the_same_table(data, monkeypatch):
    fast = read_table(data, "mitra.csv")
    _without_arrow(monkeypatch)
    slow = read_table(data, "mitra.csv")
    pd.testing.assert_frame_equal(fast, slow)


def test_a_tidy_file_keeps_its_cells_as_written():
    frame = read_table(TIDY, "mitra.csv")
    assert list(frame.index) == [2, 3, 4]
    assert frame.loc[2, "NIB"] == "8120001234567"  # text, not a number
    assert frame.loc[4, "NIB"] == "0001234567890"  # leading zeros kept
    assert frame.loc[4, "Nama Usaha"] == 'Kopi "Gayo" Jaya'
    assert pd.isna(frame.loc[3, "NIB"])


def test_a_file_with_short_rows_and_blank_lines_is_still_read():
    frame = read_table(AWKWARD, "mitra.csv")
    assert frame["Nama Usaha"].tolist() == ["CV. Batik Lestari", "UD Anyaman Rotan"]
    assert pd.isna(frame.iloc[0]["Nomor HP"])


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_rows_keep_the_numbers_excel_shows_after_blank_lines(ending):
    # Row 2 empty, row 4 separators only, row 5 spaces only: the rows after them are named
    # by the line Excel shows them on, in the page and the error report.
    lines = ["Nama Usaha;NIB", "", "CV. Batik Lestari;8120001234567", ";", "   ", "UD Anyaman Rotan;"]
    frame = read_table(ending.join(lines).encode("utf-8"), "mitra.csv")
    assert dict(zip(frame.index, frame["Nama Usaha"])) == {3: "CV. Batik Lestari", 6: "UD Anyaman Rotan"}


def test_workbook_rows_keep_their_numbers_after_an_empty_row():
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Nama Usaha", "NIB"])
    sheet.write_row(1, 0, ["CV. Batik Lestari", "8120001234567"])
    sheet.write_row(3, 0, ["UD Anyaman Rotan", "8120001234568"])  # row 3 left empty
    workbook.close()
    frame = read_table(buffer.getvalue(), "mitra.xlsx")
    assert dict(zip(frame.index, frame["Nama Usaha"])) == {2: "CV. Batik Lestari", 4: "UD Anyaman Rotan"}


def test_a_row_longer_than_the_header_is_refused_with_the_line_named():
    with pytest.raises(FileRefused) as refused:
        read_table(b"Nama Usaha;NIB\nUD Rotan;\nCV. Batik Lestari;8120001234567;0812\n", "mitra.csv")
    assert "line 3" in str(refused.value)
