"""Refuse overlapping appointments to one seat in the database itself (PostgreSQL only).

Model validation catches overlaps on every database; this constraint also stops
two secretaries saving at the same moment. SQLite has no exclusion constraints,
so the operations do nothing there.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "appointment_no_overlap_in_seat"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE members_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (seat_id WITH =, daterange(start, \"end\", '[]') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE members_appointment DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
