"""Loading provinces from the vendored registry file (see data/README.md)."""
import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

from django.utils.translation import gettext_lazy as _

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
#: The zones an event is scheduled in.
TIME_ZONE_CHOICES = [(WIB, _("WIB (Asia/Jakarta)")), (WITA, _("WITA (Asia/Makassar)")), (WIT, _("WIT (Asia/Jayapura)"))]

# Keppres 41/1987: central Indonesia (WITA) is Bali, Nusa Tenggara, South/East/North
# Kalimantan and all of Sulawesi; eastern Indonesia (WIT) is Maluku and Papua.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}


def timezone_for(code):
    if code in _WIT:
        return WIT
    if code in _WITA:
        return WITA
    return WIB


def province_rows():
    """Yield dicts ready for ``Province(**row)`` (with ``parent_2020_code`` to resolve)."""
    with open(DATA_DIR / "province-codes.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["kemendagri_code"]
            yield {
                "code": code,
                "name": row["name"],
                "iso_code": row["iso_3166_2"],
                "bps_code": row["bps_code"],
                "timezone": timezone_for(code),
                "parent_2020_code": row["geometry_34_code"] if row["geometry_34_code"] != code else None,
            }


def regency_rows():
    """Yield dicts for the 514 regencies and cities (Kemendagri 2025 codes and their old codes)."""
    with open(DATA_DIR / "regency-code-crosswalk.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = "kota" if row["name"].startswith("Kota ") else "kabupaten"
            yield {
                "code": row["kemendagri_code"],
                "name": row["name"],
                "kind": kind,
                "province_code": row["province_code"],
                "code_2021": row["kemendagri_code_2021"],
                "bps_code": row["bps_code_2020"],
            }


def sector_rows():
    with open(DATA_DIR / "sectors.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {"slug": row["slug"], "name": row["name"], "name_en": row["name_en"], "order": int(row["order"])}


def kbli_rows():
    with open(DATA_DIR / "kbli-2020-manufacturing.csv", newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


# Partners the programme works with from the start; more are added in the admin.
PARTNER_ORGANISATIONS = [
    {"slug": "tokopedia", "name": "Tokopedia", "kind": "marketplace", "website": "https://www.tokopedia.com"},
    {"slug": "shopee", "name": "Shopee", "kind": "marketplace", "website": "https://shopee.co.id"},
    {"slug": "blibli", "name": "Blibli", "kind": "marketplace", "website": "https://www.blibli.com"},
    {"slug": "bukalapak", "name": "Bukalapak", "kind": "marketplace", "website": "https://www.bukalapak.com"},
    {"slug": "satgas-covid-19", "name": "Satuan Tugas Penanganan COVID-19", "kind": "task-force", "website": ""},
]


def map_shapes(items):
    """Figures per shape of the 2020 map (34 provinces): ``items`` are ``(province, {name:
    number})``; provinces created in 2022 are added to the province they were part of then.
    Returns ``[{"code", "name", "members", **sums}]`` by code."""
    shapes = {}
    for province, values in items:
        parent = province.parent_2020 if province.parent_2020_id else province
        shape = shapes.setdefault(parent.code, {"code": parent.code, "name": parent.name, "members": []})
        shape["members"].append(province.name)
        for name, number in values.items():
            shape[name] = shape.get(name, 0) + number
    return sorted(shapes.values(), key=lambda shape: shape["code"])
