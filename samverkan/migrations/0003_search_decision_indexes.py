"""The search's PostgreSQL indexes for decisions (samverkan/search_index.py), made as
migration 0002 made them for the other kinds. On SQLite nothing happens."""

import importlib

from django.db import migrations

# The same index definitions as 0002 (a module name that starts with a digit).
indexes = importlib.import_module("samverkan.migrations.0002_search_indexes").indexes
KINDS = ("decision",)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in indexes(KINDS):
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in indexes(KINDS):
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("samverkan", "0002_search_indexes"),
        ("meetings", "0008_decision_register"),
    ]

    operations = [migrations.RunPython(create, drop)]
