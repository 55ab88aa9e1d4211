"""The database cache's table (CACHE_URL=db://, the default), made by ``migrate``.

Every server process and task worker shares the rendered pages and PDFs through it;
making it here means a deployment needs no separate ``createcachetable`` step.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
