"""Each shop keeps its business's sector and scale and whether it is the business's first
confirmed shop, so the dashboard's refresh groups one table (marketplace.figures)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0004_export_buyers'),
        ('programs', '0008_job_faults_worker_heartbeat'),
    ]

    operations = [
        migrations.AddField(
            model_name='onboarding',
            name='first_shop',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name="the business's first shop"),
        ),
        migrations.AddField(
            model_name='onboarding',
            name='scale',
            field=models.CharField(blank=True, choices=[('micro', 'Micro'), ('small', 'Small'), ('medium', 'Medium')], editable=False, max_length=10, verbose_name='scale'),
        ),
        migrations.AddField(
            model_name='onboarding',
            name='sector',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.sector', verbose_name='sector'),
        ),
        migrations.RunSQL(
            """
            UPDATE marketplace_onboarding o SET sector_id = b.sector_id, scale = b.scale, province_id = b.province_id
            FROM programs_business b WHERE b.id = o.business_id;
            WITH firsts AS (
                SELECT DISTINCT ON (business_id) id FROM marketplace_onboarding WHERE confirmed ORDER BY business_id, onboarded, id
            )
            UPDATE marketplace_onboarding o SET first_shop = true FROM firsts WHERE firsts.id = o.id;
            -- The foreign key checks of the update run now, before the column is altered.
            SET CONSTRAINTS ALL IMMEDIATE;
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='onboarding',
            name='sector',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.sector', verbose_name='sector'),
        ),
    ]
