"""Triggers that bump the registry's change stamp (``ChangeStamp``) on every write.

Installed after each ``migrate`` on every table of the apps in
``settings.CHANGE_STAMP_APPS`` (new models are covered without a new migration). The
stamp row is updated inside the writing transaction, so a reader never sees a new
stamp before the data it stands for; writers to the registry queue behind each other
on that one row, which suits a registry edited by a few people at a time.
"""

from django.apps import apps
from django.conf import settings
from django.db import connections

from bodies.models import ChangeStamp

TRIGGER = "samverkan_change_stamp"
STAMP_TABLE = ChangeStamp._meta.db_table

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$
BEGIN
    INSERT INTO {STAMP_TABLE} (id, version, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE
        SET version = {STAMP_TABLE}.version + 1, changed_at = clock_timestamp();
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

SQLITE_BUMP = (
    f"INSERT INTO {STAMP_TABLE} (id, version, changed_at) "
    "VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')) "
    "ON CONFLICT (id) DO UPDATE SET version = version + 1, "
    "changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now');"
)


def stamped_tables():
    tables = {
        model._meta.db_table
        for label in settings.CHANGE_STAMP_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    tables.discard(STAMP_TABLE)
    return sorted(tables)


def install_triggers(using="default"):
    """Create (or re-create) the triggers; safe to run again."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
        for table in stamped_tables():
            if table not in existing:
                continue
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                # One bump per statement: a bulk write of thousands of rows costs one.
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                    f"OR TRUNCATE ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
            elif connection.vendor == "sqlite":
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = connection.ops.quote_name(f"{TRIGGER}_{table}_{event.lower()}")
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {quoted} "
                        f"BEGIN {SQLITE_BUMP} END"
                    )


def installed_triggers(using="default"):
    """The tables that have the trigger, for the check and the tests."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name = %s",
                [TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{TRIGGER}_%"],
            )
        return {row[0] for row in cursor.fetchall()}
