from django.db import migrations


class Migration(migrations.Migration):
    """A response's history is looked up by its id; the historical table has no other index
    (it is written 100,000 rows at a time by uploads)."""

    dependencies = [("surveys", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX historical_response_id ON surveys_historicalsurveyresponse (id, history_date)",
            "DROP INDEX historical_response_id",
        )
    ]
