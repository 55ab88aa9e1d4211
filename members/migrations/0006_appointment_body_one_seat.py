"""A person holds at most one seat of a body at a time.

``Appointment.body`` copies the seat's body (filled here for existing rows, kept
by ``Appointment.save()``), so that PostgreSQL can refuse overlapping appointments
of one person to seats of one body with an exclusion constraint, checked at
commit like the seat overlap constraint (0003). ``Appointment.clean()`` answers
the same rule on every database. SQLite has no exclusion constraints, so the
constraint operations do nothing there.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

CONSTRAINT = "appointment_one_seat_per_body"


def fill_body(apps, schema_editor):
    Appointment = apps.get_model("members", "Appointment")
    Seat = apps.get_model("bodies", "Seat")
    Appointment.objects.update(
        body=Subquery(Seat.objects.filter(pk=OuterRef("seat")).values("body")[:1])
    )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now: ALTER TABLE refuses to run with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE members_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (person_id WITH =, body_id WITH =, "
        "daterange(start, \"end\", '[]') WITH &&) DEFERRABLE INITIALLY DEFERRED"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE members_appointment DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0007_period_lock_change_sets_history"),
        ("members", "0005_history_user_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="body",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appointments",
                to="bodies.body",
                verbose_name="organ",
            ),
        ),
        migrations.AddField(
            model_name="historicalappointment",
            name="body",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="bodies.body",
                verbose_name="organ",
            ),
        ),
        migrations.RunPython(fill_body, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appointment",
            name="body",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appointments",
                to="bodies.body",
                verbose_name="organ",
            ),
        ),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
