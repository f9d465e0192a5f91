"""Which figure cells (month × province × marketplace) a write to the shops changed, recorded
by the database itself whatever wrote (forms, API, partner reports in SQL, the settling of
first shops, deletions), so a refresh recomputes only those cells (marketplace.figures)."""
from django.db import migrations

# One function for the three triggers: transition tables allow one event per trigger.
# An update marks a cell only when something the figures count changed.
SQL = """
CREATE TABLE marketplace_onboarding_changed (
    month date NOT NULL,
    province_id bigint NOT NULL,
    marketplace_id bigint NOT NULL,
    PRIMARY KEY (month, province_id, marketplace_id)
);

CREATE OR REPLACE FUNCTION marketplace_onboarding_changed() RETURNS trigger LANGUAGE plpgsql
-- Whatever join methods the writing statement's transaction turned off (settle_shops updates
-- by primary key), the old and new rows are joined by hash or merge here.
SET enable_hashjoin = on SET enable_mergejoin = on AS $$
BEGIN
    -- EXECUTE, not static SQL: a static statement's plan is cached for the session, made for
    -- the transition tables of the first call (an upsert updating no row, say) and then
    -- joins a hundred thousand rows by nested loop. Planned afresh, it knows their size.
    IF TG_OP = 'INSERT' THEN
        EXECUTE $sql$
            INSERT INTO marketplace_onboarding_changed
            SELECT DISTINCT date_trunc('month', onboarded::timestamp)::date, province_id, marketplace_id FROM new_rows WHERE confirmed
            ON CONFLICT DO NOTHING $sql$;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE $sql$
            INSERT INTO marketplace_onboarding_changed
            SELECT DISTINCT date_trunc('month', onboarded::timestamp)::date, province_id, marketplace_id FROM old_rows WHERE confirmed
            ON CONFLICT DO NOTHING $sql$;
    ELSE
        EXECUTE $sql$
            INSERT INTO marketplace_onboarding_changed
            SELECT DISTINCT date_trunc('month', cell.onboarded::timestamp)::date, cell.province_id, cell.marketplace_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.onboarded, o.province_id, o.marketplace_id, o.confirmed),
                                       (n.onboarded, n.province_id, n.marketplace_id, n.confirmed))
                  AS cell (onboarded, province_id, marketplace_id, confirmed)
            WHERE cell.confirmed
              AND (o.confirmed, o.onboarded, o.province_id, o.marketplace_id, o.sector_id, o.scale, o.first_shop)
                  IS DISTINCT FROM (n.confirmed, n.onboarded, n.province_id, n.marketplace_id, n.sector_id, n.scale, n.first_shop)
            ON CONFLICT DO NOTHING $sql$;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER marketplace_onboarding_inserted AFTER INSERT ON marketplace_onboarding
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION marketplace_onboarding_changed();
CREATE TRIGGER marketplace_onboarding_updated AFTER UPDATE ON marketplace_onboarding
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION marketplace_onboarding_changed();
CREATE TRIGGER marketplace_onboarding_deleted AFTER DELETE ON marketplace_onboarding
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION marketplace_onboarding_changed();
"""

REVERSE = """
DROP TRIGGER marketplace_onboarding_inserted ON marketplace_onboarding;
DROP TRIGGER marketplace_onboarding_updated ON marketplace_onboarding;
DROP TRIGGER marketplace_onboarding_deleted ON marketplace_onboarding;
DROP FUNCTION marketplace_onboarding_changed();
DROP TABLE marketplace_onboarding_changed;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0005_shop_sector_scale_first_shop"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
