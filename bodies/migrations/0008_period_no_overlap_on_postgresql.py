"""Refuse overlapping mandate periods in the database itself (PostgreSQL only).

``MandatePeriod.clean()`` catches overlaps on every database and carry forward
locks the periods; this constraint also stops two saves at the same moment by
any other path. SQLite has no exclusion constraints, so the operations do
nothing there.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "mandate_period_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE bodies_mandateperiod ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (daterange(start, \"end\", '[]') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE bodies_mandateperiod DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("bodies", "0007_period_lock_change_sets_history")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
