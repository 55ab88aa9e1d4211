"""Copies of database rows that tests restore instead of loading the structure files again."""

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction


def rows(app_labels):
    """Every row of the apps' models, serialized as JSON, one string per model.

    The history (historical rows, change sets) is left out: tests that read history
    make their own, and restoring it would double the time each test spends here.
    """
    return [
        serializers.serialize("json", model._default_manager.order_by("pk"))
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
        if not is_history(model)
    ]


def is_history(model):
    return model.__name__.startswith("Historical") or model.__name__ == "ChangeSet"


def restore(tables):
    """Save serialized rows and move the id sequences past them (PostgreSQL)."""
    models = set()
    # Foreign keys are checked at commit on both SQLite and PostgreSQL: any order works.
    with transaction.atomic():
        for table in tables:
            for row in serializers.deserialize("json", table):
                row.save()
                models.add(type(row.object))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
