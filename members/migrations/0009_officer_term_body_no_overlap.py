"""Two holders of one role in a body at once, or one appointment with two roles at once,
are refused by the database too (PostgreSQL), as ``OfficerTerm.clean()`` refuses them
on every database.

``OfficerTerm.body`` copies the appointment's body (filled here for existing rows, kept
by ``OfficerTerm.save()`` and by a moved seat, members/apps.py), so that exclusion
constraints can compare terms of one body; they are checked at commit like the
appointments' (0006). SQLite has no exclusion constraints: the operations do nothing
there.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

CONSTRAINTS = {
    "officer_term_one_holder_per_role": "body_id WITH =, role WITH =",
    "officer_term_one_role_per_appointment": "appointment_id WITH =",
}


def fill_body(apps, schema_editor):
    OfficerTerm = apps.get_model("members", "OfficerTerm")
    Appointment = apps.get_model("members", "Appointment")
    OfficerTerm.objects.update(
        body=Subquery(Appointment.objects.filter(pk=OuterRef("appointment")).values("body")[:1])
    )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now: ALTER TABLE refuses to run with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE members_officerterm ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({columns}, "
            "daterange(start, \"end\", '[]') WITH &&) DEFERRABLE INITIALLY DEFERRED"
        )


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE members_officerterm DROP CONSTRAINT {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0013_body_public_email"),
        ("members", "0008_officer_terms"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalofficerterm",
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
        migrations.AddField(
            model_name="officerterm",
            name="body",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="officer_terms",
                to="bodies.body",
                verbose_name="organ",
            ),
        ),
        migrations.RunPython(fill_body, migrations.RunPython.noop),
        migrations.RunPython(add_constraints, drop_constraints),
    ]
