"""The four marketplaces the ministry worked with in 2020; ministry staff add more."""
from django.db import migrations

MARKETPLACES = [
    ("Tokopedia", "tokopedia", "https://www.tokopedia.com"),
    ("Shopee", "shopee", "https://shopee.co.id"),
    ("Blibli", "blibli", "https://www.blibli.com"),
    ("Bukalapak", "bukalapak", "https://www.bukalapak.com"),
]


def add(apps, schema_editor):
    Marketplace = apps.get_model("marketplace", "Marketplace")
    for name, code, url in MARKETPLACES:
        Marketplace.objects.get_or_create(code=code, defaults={"name": name, "url": url})


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
