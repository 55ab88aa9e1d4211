"""Check the overlap constraint at commit instead of after each statement (PostgreSQL).

The secretary may swap two appointments' dates in one save; in between the rows
overlap for a moment, which is no overlap at all once the save is complete.
"""

from django.db import migrations

CONSTRAINT = "appointment_no_overlap_in_seat"
EXCLUDE = "EXCLUDE USING gist (seat_id WITH =, daterange(start, \"end\", '[]') WITH &&)"


def replace(deferrable):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        timing = " DEFERRABLE INITIALLY DEFERRED" if deferrable else ""
        schema_editor.execute(f"ALTER TABLE members_appointment DROP CONSTRAINT {CONSTRAINT}")
        schema_editor.execute(
            f"ALTER TABLE members_appointment ADD CONSTRAINT {CONSTRAINT} {EXCLUDE}{timing}"
        )

    return operation


class Migration(migrations.Migration):
    dependencies = [("members", "0002_appointment_no_overlap_on_postgresql")]

    operations = [migrations.RunPython(replace(deferrable=True), replace(deferrable=False))]
