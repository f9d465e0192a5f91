"""The XLSX template officers fill in the field, one per wave."""
import io

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from programs.models import Sector

from .choices import Need, OperatingStatus, Problem
from .columns import COLUMNS

TEMPLATE_ROWS = 5000  # rows that carry the drop-down lists


def template_xlsx(wave):
    """Bytes of an XLSX with Indonesian headers (each header's comment gives its stable key),
    drop-down lists for closed choices, and an instructions sheet with every column."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    header = workbook.add_format({"bold": True, "bg_color": "#0B3D91", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"})
    money = workbook.add_format({"num_format": "#,##0"})
    sheet = workbook.add_worksheet("Jawaban")
    lists = workbook.add_worksheet("Daftar")
    lists.hide()
    with translation.override("id"):
        for index, column in enumerate(COLUMNS):
            sheet.write(0, index, column.header, header)
            sheet.write_comment(0, index, f"kunci: {column.key}" + (f"\n{column.note}" if column.note else ""), {"x_scale": 2})
            sheet.set_column(index, index, 18, money if column.key.startswith(("turnover", "export_postponed_value")) else None)
        sheet.set_row(0, 45)
        sheet.freeze_panes(1, 0)
        position = {column.key: index for index, column in enumerate(COLUMNS)}
        choices = {
            "operating_status": [choice.value for choice in OperatingStatus],
            "diversified": ["ya", "tidak"],
            "sector": list(Sector.objects.values_list("slug", flat=True)),
        }
        for list_index, (key, values) in enumerate(choices.items()):
            for row, value in enumerate(values):
                lists.write(row, list_index, value)
            letter = xlsxwriter.utility.xl_col_to_name(list_index)
            sheet.data_validation(
                1, position[key], TEMPLATE_ROWS, position[key],
                {"validate": "list", "source": f"=Daftar!${letter}$1:${letter}${len(values)}", "error_type": "warning"},
            )
        for key in ("turnover_before", "turnover_after", "workers_before", "workers_after", "workers_furloughed", "workers_laid_off"):
            sheet.data_validation(1, position[key], TEMPLATE_ROWS, position[key], {"validate": "integer", "criteria": ">=", "value": 0, "error_type": "warning", "input_message": _("Whole number, 0 or more")})

        guide = workbook.add_worksheet("Petunjuk")
        bold = workbook.add_format({"bold": True})
        guide.set_column(0, 0, 38)
        guide.set_column(1, 1, 28)
        guide.set_column(2, 2, 80)
        lines = [
            (f"Templat survei dampak COVID-19 — gelombang {wave.code}: {wave.title}",),
            (f"Bulan dasar: {wave.baseline_month:%m/%Y}; bulan laporan: {wave.reported_month:%m/%Y}; pengumpulan {wave.opens_on:%d/%m/%Y}–{wave.closes_on:%d/%m/%Y}.",),
            ("Isi satu baris per usaha di lembar 'Jawaban'. Usaha dicocokkan dengan NIB (atau ID usaha). Usaha yang belum terdaftar didaftarkan bila nama, kode kabupaten/kota dan sektor diisi.",),
            ("Berkas diperiksa utuh: bila ada satu kesalahan, tidak ada yang disimpan dan Anda menerima daftar kesalahannya. Unggah ulang berkas yang sama memperbarui data, tidak menggandakan.",),
            ("Rupiah boleh ditulis 25000000, 25.000.000 atau Rp 25.000.000. Berkas CSV boleh dipisah koma atau titik koma.",),
            (),
            ("Judul kolom", "Kunci (boleh dipakai sebagai judul)", "Keterangan"),
        ]
        for column in COLUMNS:
            lines.append((column.header, column.key, ("WAJIB. " if column.required else "") + column.note))
        lines.append(())
        lines.append(("Status operasi", "", ", ".join(f"{c.value} = {c.label}" for c in OperatingStatus)))
        lines.append(("Masalah (pisahkan dengan koma)", "", ", ".join(f"{c.value} = {c.label}" for c in Problem)))
        lines.append(("Bantuan (pisahkan dengan koma)", "", ", ".join(f"{c.value} = {c.label}" for c in Need)))
        lines.append(("Sektor", "", ", ".join(f"{s.slug} = {s.name}" for s in Sector.objects.all())))
        for row, line in enumerate(lines):
            for col, text in enumerate(line):
                guide.write_string(row, col, str(text), bold if row in (0, 6) else None)
    workbook.close()
    return buffer.getvalue()
