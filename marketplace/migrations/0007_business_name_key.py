"""A business's name as the partner-report matching compares it (lower case, punctuation and
repeated spaces folded, legal forms such as CV, UD, PT or Tbk at either end dropped), and an
index on regency × that key, so a report's rows find their namesakes by index lookups
instead of cleaning every name of the registry (marketplace.matching, rule 4).

The index is on programs' table but is marketplace's concern: programs knows nothing of it."""
from django.db import migrations

LEGAL_FORMS = ["cv", "ud", "pt", "tbk", "pd", "koperasi", "kop", "pt perorangan", "firma", "fa", "usaha dagang", "ukm", "ikm", "umkm"]
_FORMS = "|".join(sorted(LEGAL_FORMS, key=len, reverse=True))

SQL = f"""
CREATE OR REPLACE FUNCTION marketplace_name_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(
        btrim(regexp_replace(regexp_replace(lower(name), '[^[:alnum:][:space:]]|_', ' ', 'g'), '[[:space:]]+', ' ', 'g')),
        '^(({_FORMS}) )+', ''), '( ({_FORMS}))+$', ''))
$$;
CREATE INDEX business_regency_name_key ON programs_business (regency_id, marketplace_name_key(name));
"""

REVERSE = """
DROP INDEX business_regency_name_key;
DROP FUNCTION marketplace_name_key(text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0006_figure_cells_changed"),
        ("programs", "0008_job_faults_worker_heartbeat"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
