"""PostgreSQL only: a trigger that refuses UPDATE and DELETE of audit rows (the log is append-only).

TRUNCATE is deliberately not blocked: test databases are flushed with it. SQLite relies on the
model and queryset guards in zwfw.core.models.AuditEntry.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_load_regions_and_calendar")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
