"""The PostgreSQL extensions the public search uses: unaccent and pg_trgm.

Both are trusted extensions (PostgreSQL 13+): the database owner may create them.
On any other database these operations do nothing.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0008_period_no_overlap_on_postgresql"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
    ]
