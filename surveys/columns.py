"""The columns of survey spreadsheets: stable keys (= API field names) and Indonesian headers.

An upload may name a column by either. Keys never change; headers may be reworded as long as
the old wording is kept in ``aliases``.
"""
from dataclasses import dataclass, field

from programs import uploads


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple = field(default_factory=tuple)
    note: str = ""


COLUMNS = [
    Column("nib", "NIB", note="13 digit; atau isi ID usaha"),
    Column("business_id", "ID usaha", note="ID usaha di Portal IKM; atau isi NIB"),
    Column("business_name", "Nama usaha", note="wajib untuk usaha yang belum terdaftar"),
    Column("regency", "Kode kabupaten/kota", note="kode Kemendagri, mis. 32.73; kode lama 2021 atau kode BPS juga diterima; wajib untuk usaha baru"),
    Column("sector", "Sektor", note="slug sektor, mis. food-beverages; wajib untuk usaha baru"),
    Column("owner_name", "Nama pemilik", note="untuk usaha baru"),
    Column("turnover_before", "Omzet bulan dasar (Rp)", required=True, note="rupiah bulat, mis. 25.000.000"),
    Column("turnover_after", "Omzet bulan laporan (Rp)", required=True, note="rupiah bulat"),
    Column("capacity_before", "Kapasitas terpakai sebelum (%)", note="0–100"),
    Column("capacity_after", "Kapasitas terpakai sesudah (%)", note="0–100"),
    Column("workers_before", "Tenaga kerja sebelum", required=True),
    Column("workers_after", "Tenaga kerja sesudah", required=True),
    Column("workers_furloughed", "Tenaga kerja dirumahkan", note="kosong = 0"),
    Column("workers_laid_off", "Tenaga kerja PHK", note="kosong = 0"),
    Column("operating_status", "Status operasi", required=True, note="pilih dari daftar"),
    Column("problems", "Masalah yang dihadapi", note="kode dipisah koma atau titik koma"),
    Column("needs", "Bantuan yang dibutuhkan", note="kode dipisah koma atau titik koma"),
    Column("diversified", "Diversifikasi produk", note="ya/tidak"),
    Column("diversification_product", "Produk baru"),
    Column("export_postponed_value", "Nilai komitmen ekspor tertunda (Rp)"),
    Column("export_postponed_country", "Negara tujuan ekspor tertunda", note="kode 2 huruf, mis. MY"),
    Column("notes", "Catatan"),
]

BY_NAME = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.header, *_column.aliases):
        BY_NAME[_name.strip().lower()] = _column.key

KEYS = [column.key for column in COLUMNS]
REQUIRED_KEYS = [column.key for column in COLUMNS if column.required]


def map_headers(headers):
    """Map a file's headers to keys. Returns ``(mapping, unknown, missing, repeated)``."""
    mapping, unknown, missing, repeated = uploads.map_headers(headers, BY_NAME, REQUIRED_KEYS)
    if "nib" not in mapping.values() and "business_id" not in mapping.values():
        missing.insert(0, "nib")
    return mapping, unknown, missing, repeated
