"""Give a body's member organisations a model of their own, so that an organisation
listed in a body cannot be deleted (PROTECT) and the listing be lost with it.

The table and its columns stay as they are: only Django's picture of them changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0003_period_decision_date_body_closing_note"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "body",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="bodies.body",
                                verbose_name="organ",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="memberships",
                                to="bodies.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "medlemsorganisation",
                        "verbose_name_plural": "medlemsorganisationer",
                        "db_table": "bodies_body_member_organisations",
                        "unique_together": {("body", "organisation")},
                    },
                ),
                migrations.AlterField(
                    model_name="body",
                    name="member_organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="De organisationer som var och en utser ledamöter enligt sammansättningsreglerna.",
                        related_name="member_of",
                        through="bodies.Membership",
                        to="bodies.organisation",
                        verbose_name="medlemsorganisationer",
                    ),
                ),
            ],
        ),
    ]
