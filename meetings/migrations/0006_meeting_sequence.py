"""The iCal SEQUENCE of a meeting, kept on the row and raised by Meeting.save()."""

from django.db import migrations, models


def cancelled_stay_at_one(apps, schema_editor):
    """The feed used to send SEQUENCE:1 for a cancelled meeting: never go below it."""
    apps.get_model("meetings", "Meeting").objects.filter(status="cancelled").update(sequence=1)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0005_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmeeting',
            name='sequence',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Räknas upp när tid, plats eller status ändras (iCal SEQUENCE).', verbose_name='kalenderversion'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='sequence',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Räknas upp när tid, plats eller status ändras (iCal SEQUENCE).', verbose_name='kalenderversion'),
        ),
        migrations.RunPython(cancelled_stay_at_one, migrations.RunPython.noop),
    ]
