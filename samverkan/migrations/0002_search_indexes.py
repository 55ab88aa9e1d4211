"""Indexes for the public search on PostgreSQL (samverkan/search_index.py).

An IMMUTABLE ``sv_unaccent`` wrapper (``unaccent`` itself is only STABLE, so no index
may use it), then per kind a GIN index on its weighted Swedish text vector and a GIN
trigram index on its folded name, each built from the same expression the search
queries use. On SQLite nothing happens (its search runs ``sv_score`` in Python).
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

from samverkan.search_index import MODELS, NAMES, VECTORS, folded, vector


# The kinds this migration indexes: later kinds have migrations of their own.
KINDS = ("person", "body", "organisation", "agendaitem")


def indexes(kinds=KINDS):
    for kind in kinds:
        app_label, model_name = MODELS[kind]
        yield app_label, model_name, GinIndex(vector(*VECTORS[kind]), name=f"search_{kind}_vector")
        yield (
            app_label,
            model_name,
            GinIndex(
                OpClass(folded(NAMES[kind]()), name="gin_trgm_ops"), name=f"search_{kind}_name_trgm"
            ),
        )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        schema = cursor.fetchone()[0]
    # Qualified names: a restore runs with an empty search_path.
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {schema}.sv_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )
    for app_label, model_name, index in indexes():
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in indexes():
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)
    schema_editor.execute("DROP FUNCTION IF EXISTS sv_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("samverkan", "0001_cache_table"),
        ("bodies", "0011_seat_vacant_since"),
        ("members", "0006_appointment_body_one_seat"),
        ("meetings", "0007_confirmed_names"),
    ]

    operations = [migrations.RunPython(create, drop)]
