"""The impact dashboards' content: tables (shown under each chart, downloadable as XLSX or
CSV) and chart data, built from :func:`surveys.impact.dashboard`. No queries of its own."""
import csv
import io

from django.utils.translation import gettext as _

from programs.exports import neutralise
from programs.scale import Scale

from . import impact

TABLES = ("provinces", "regencies", "sectors", "scales", "problems", "needs", "bands", "trend")


def band_labels():
    return {
        "band_grew": _("Grew"), "band_0_25": _("Down 0–25 %"), "band_25_50": _("Down 25–50 %"),
        "band_50_70": _("Down 50–70 %"), "band_70_plus": _("Down 70 % or more"), "band_closed": _("Closed"),
    }


def _figure_columns():
    return [
        (_("Responses"), "int", lambda row: row.responses),
        (_("Turnover before (Rp)"), "rupiah", lambda row: row.turnover_before),
        (_("Turnover after (Rp)"), "rupiah", lambda row: row.turnover_after),
        (_("Decline"), "ratio", lambda row: row.decline),
        (_("Median decline"), "ratio", lambda row: row.decline_median),
        (_("Workers sent home"), "int", lambda row: row.workers_furloughed),
        (_("Workers laid off"), "int", lambda row: row.workers_laid_off),
    ]


def tables(data):
    """``{name: {"title", "columns": [(header, kind)], "rows": [[values]]}}`` for each table
    the dashboard has data for."""
    summary, by = data["summary"], data["by"]
    figures = _figure_columns()
    scale_labels = dict(Scale.choices)
    out = {}

    def breakdown(name, title, first_header, label, rows):
        if rows:
            out[name] = {
                "title": title,
                "columns": [(first_header, "text")] + [(header, kind) for header, kind, _get in figures],
                "rows": [[label(row)] + [get(row) for _h, _k, get in figures] for row in rows],
            }

    breakdown("provinces", _("By province"), _("Province"), lambda row: row.province.name, by["province"])
    if "provinces" in out:
        out["provinces"]["links"] = [row.province.code for row in by["province"]]
        # On the dashboard's card (beside the map) the province, its responses and its decline
        # fit without a sideways scroll; every column is in the XLSX and CSV.
        out["provinces"]["card"] = _columns_only(out["provinces"], [_("Province"), _("Responses"), _("Decline")])
    breakdown("regencies", _("By regency or city"), _("Regency or city"), lambda row: row.regency.name, by["regency"])
    if "regencies" in out and summary is not None and (summary.sector_id or summary.scale):
        # Regencies are summed up over every sector and scale only (see the rollups): under a
        # sector or scale filter their table says so instead of passing for the filtered slice.
        out["regencies"]["title"] = " · ".join([out["regencies"]["title"], _("All sectors"), _("All scales")])
        out["regencies"]["unfiltered"] = True
    breakdown("sectors", _("By sector"), _("Sector"), lambda row: row.sector.name, by["sector"])
    breakdown("scales", _("By scale"), _("Scale"), lambda row: str(scale_labels.get(row.scale, row.scale)), by["scale"])
    if summary is not None:
        total = summary.responses or 1
        for name, title, header, items in (
            ("problems", _("Problems met"), _("Problem"), impact.problems_ranked(summary)),
            ("needs", _("Assistance needed"), _("Assistance"), impact.needs_ranked(summary)),
        ):
            out[name] = {
                "title": title, "columns": [(header, "text"), (_("Businesses"), "int"), (_("Share of responses"), "ratio")],
                "rows": [[str(label), count, count / total] for _code, label, count in items],
            }
        out["bands"] = {
            "title": _("Businesses by turnover decline"),
            "columns": [(_("Band"), "text"), (_("Businesses"), "int"), (_("Share of responses"), "ratio")],
            "rows": [[str(label), getattr(summary, field), getattr(summary, field) / total] for field, label in band_labels().items()],
        }
    if data["trend"]:
        out["trend"] = {
            "title": _("Across survey waves"),
            "columns": [(_("Wave"), "text")] + [(header, kind) for header, kind, _get in figures],
            "rows": [[row.wave.code] + [get(row) for _h, _k, get in figures] for row in data["trend"]],
        }
    return out


def charts(data):
    """Plain data for the charts script (numbers as fractions, labels translated)."""
    summary, by = data["summary"], data["by"]
    scale_labels = dict(Scale.choices)
    return {
        "map": [
            {"code": shape["code"], "name": shape["name"], "decline": shape["decline"], "responses": shape["responses"], "members": shape["members"]}
            for shape in impact.map_shapes(by["province"])
        ],
        "sectors": [{"label": row.sector.name, "decline": row.decline, "median": row.decline_median} for row in by["sector"]],
        "scales": [{"label": str(scale_labels.get(row.scale, row.scale)), "decline": row.decline, "median": row.decline_median} for row in by["scale"]],
        "problems": [{"label": str(label), "count": count} for _code, label, count in impact.problems_ranked(summary)] if summary else [],
        "needs": [{"label": str(label), "count": count} for _code, label, count in impact.needs_ranked(summary)] if summary else [],
        "bands": [{"label": str(label), "count": getattr(summary, field)} for field, label in band_labels().items()] if summary else [],
        "trend": [{"label": row.wave.code, "decline": row.decline, "median": row.decline_median} for row in data["trend"]],
        "labels": {
            "decline": _("Decline"), "median": _("Median decline"), "businesses": _("Businesses"),
            "responses": _("Responses"), "no_data": _("No data"), "merged": _("Drawn within its 2020 province"),
        },
    }


def _columns_only(table, headers):
    wanted = [index for index, (header, _kind) in enumerate(table["columns"]) if header in headers]
    return {
        **table, "columns": [table["columns"][index] for index in wanted],
        "rows": [[row[index] for index in wanted] for row in table["rows"]],
    }


def table_csv(table, *, language="id"):
    """CSV text (BOM first, so Excel opens UTF-8) of one table, as Excel in that language reads
    it: in Indonesian ';' between fields and a decimal comma ("26,0%"), in English ',' and a
    decimal point. Ratios as percentages. (The API gives machine figures: fractions.)"""
    indonesian = language.startswith("id")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if indonesian else ",")
    writer.writerow([header for header, _kind in table["columns"]])
    kinds = [kind for _header, kind in table["columns"]]
    for row in table["rows"]:
        writer.writerow([_csv_value(value, kind, indonesian) for value, kind in zip(row, kinds)])
    return buffer.getvalue()


def _csv_value(value, kind, indonesian):
    if value is None:
        return ""
    if kind == "ratio":
        percent = f"{value * 100:.1f}%"
        return percent.replace(".", ",") if indonesian else percent
    return neutralise(value)


