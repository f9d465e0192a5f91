"""Regencies, sectors, KBLI divisions and the first partners (files in programs/data/);
and a trigram index so that name search stays fast at a million businesses."""
from django.db import migrations


def load_reference_data(apps, schema_editor):
    from programs.regions import PARTNER_ORGANISATIONS, kbli_rows, regency_rows, sector_rows

    Province = apps.get_model("programs", "Province")
    Regency = apps.get_model("programs", "Regency")
    Sector = apps.get_model("programs", "Sector")
    KbliDivision = apps.get_model("programs", "KbliDivision")
    Organisation = apps.get_model("programs", "Organisation")

    provinces = {province.code: province for province in Province.objects.all()}
    for row in regency_rows():
        fields = dict(row)
        province = provinces[fields.pop("province_code")]
        Regency.objects.update_or_create(code=fields.pop("code"), defaults={**fields, "province": province})
    for row in sector_rows():
        Sector.objects.update_or_create(slug=row.pop("slug"), defaults=row)
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    for row in kbli_rows():
        KbliDivision.objects.update_or_create(code=row["code"], defaults={"title": row["title"], "sector": sectors[row["sector"]]})
    for row in PARTNER_ORGANISATIONS:
        Organisation.objects.update_or_create(slug=row["slug"], defaults={key: value for key, value in row.items() if key != "slug"})


def create_trigram_index(apps, schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Matches what Django emits for name__icontains: UPPER("name"::text) LIKE UPPER(%s).
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS business_name_trgm ON programs_business USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS business_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_roles_and_provinces")]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
