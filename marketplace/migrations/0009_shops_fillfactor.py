"""Room on each page of the shops table, so that marking which shop is a business's first
(marketplace.figures.settle_shops, after every partner report) rewrites the row in place
without touching its indexes (a heap-only update)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0008_fewer_shop_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE marketplace_onboarding SET (fillfactor = 85)",
            "ALTER TABLE marketplace_onboarding RESET (fillfactor)",
        ),
    ]
