"""Refuse overlapping meetings of one body in the database itself (PostgreSQL only).

``Meeting.clean()`` catches overlaps on every database; this constraint also stops
two secretaries saving at the same moment. Cancelled meetings do not count.
SQLite has no exclusion constraints, so the operations do nothing there.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "meeting_no_overlap_in_body"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE meetings_meeting ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (body_id WITH =, tstzrange(start, \"end\") WITH &&) "
        "WHERE (status <> 'cancelled')"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE meetings_meeting DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings_agenda_attendance_reporting")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
