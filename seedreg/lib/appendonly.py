"""Database triggers that make a table append-only, for migrations:

    operations = [append_only("audit_auditentry")]

PostgreSQL refuses UPDATE and DELETE of a row; SQLite refuses UPDATE. (SQLite keeps DELETE
open because Django's test flush empties tables with DELETE, where PostgreSQL uses TRUNCATE,
which row triggers do not see. The models and their querysets refuse deletes on both.)"""

from django.db import migrations

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION seedreg_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _forward(table):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_PG_FUNCTION, None)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION seedreg_append_only();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: UPDATE refused'); END;"
            )

    return apply


def _backward(table):
    def revert(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")

    return revert


def append_only(table: str):
    return migrations.RunPython(_forward(table), _backward(table), elidable=False)
