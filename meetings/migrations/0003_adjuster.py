"""Give the meeting's adjusters a model of their own, so that a person who approved
minutes cannot be deleted (PROTECT) and the link be lost with them.

The table and its columns stay as they are: only Django's picture of them changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meeting_no_overlap_on_postgresql"),
        ("members", "0003_appointment_no_overlap_deferred"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Adjuster",
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
                            "meeting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="adjuster_roles",
                                to="meetings.meeting",
                                verbose_name="möte",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="adjuster_roles",
                                to="members.person",
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "justerare",
                        "verbose_name_plural": "justerare",
                        "db_table": "meetings_meeting_adjusters",
                        "ordering": ["pk"],
                        "unique_together": {("meeting", "person")},
                    },
                ),
                migrations.AlterField(
                    model_name="meeting",
                    name="adjusters",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="De som jämte ordföranden justerar protokollet.",
                        related_name="adjusted_meetings",
                        through="meetings.Adjuster",
                        to="members.person",
                        verbose_name="justerare",
                    ),
                ),
            ],
        ),
    ]
