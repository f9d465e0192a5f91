"""Figures tables as spreadsheets: ``{"title", "columns": [(header, kind)], "rows"}`` where
kind is ``text``, ``int``, ``rupiah`` or ``ratio``; numbers stay numbers in Excel."""
import io
import re


def table_xlsx(table, *, subtitle=""):
    """XLSX bytes of one table, numbers as numbers (rupiah and percentages formatted)."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    # Excel refuses []:*?/\ in sheet names ("Per kabupaten/kota").
    sheet = workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", "-", table["title"])[:31])
    bold = workbook.add_format({"bold": True})
    formats = {
        "rupiah": workbook.add_format({"num_format": '"Rp" #,##0'}), "ratio": workbook.add_format({"num_format": "0.0%"}),
        "int": workbook.add_format({"num_format": "#,##0"}), "text": None,
    }
    sheet.write(0, 0, table["title"], bold)
    sheet.write(1, 0, subtitle)
    for column, (header, _kind) in enumerate(table["columns"]):
        sheet.write(3, column, str(header), bold)
        sheet.set_column(column, column, 28 if column == 0 else 18)
    for row_number, row in enumerate(table["rows"], start=4):
        for column, value in enumerate(row):
            kind = table["columns"][column][1]
            if value is None:
                sheet.write_blank(row_number, column, None)
            elif kind == "text":
                sheet.write_string(row_number, column, str(value))
            else:
                sheet.write_number(row_number, column, value, formats[kind])
    sheet.freeze_panes(4, 1)
    workbook.close()
    return output.getvalue()
