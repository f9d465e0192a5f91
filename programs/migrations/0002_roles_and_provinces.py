"""The four role groups and the 38 provinces (reference data from programs/data/)."""
from django.db import migrations

ROLES = ["ministry-admin", "ministry-staff", "officer", "owner"]


def create_roles_and_provinces(apps, schema_editor):
    from programs.regions import province_rows

    Group = apps.get_model("auth", "Group")
    Province = apps.get_model("programs", "Province")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    rows = list(province_rows())
    for row in rows:
        fields = {key: value for key, value in row.items() if key != "parent_2020_code"}
        Province.objects.update_or_create(code=fields.pop("code"), defaults=fields)
    by_code = {province.code: province for province in Province.objects.all()}
    for row in rows:
        if row["parent_2020_code"]:
            Province.objects.filter(code=row["code"]).update(parent_2020=by_code[row["parent_2020_code"]])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles_and_provinces, migrations.RunPython.noop)]
