"""Remove a meeting's uploaded documents from storage when they are replaced or deleted.

The removal waits for the transaction to commit: a rolled-back save or delete
keeps its file. A file that another live row still names is kept. The history
keeps only the file's name, so a reverted version whose file was removed shows
the document as missing (see the README).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save


def file_fields():
    from meetings.models import Attachment, Meeting

    return {Meeting: ("minutes",), Attachment: ("document",)}


def remember_stored_files(sender, instance, raw=False, **kwargs):
    """Read the stored file names before a save, unless ``Meeting.save()`` already did."""
    if raw or instance.pk is None:
        instance.__dict__.pop("_stored_files", None)
        return
    if "_stored_files" in instance.__dict__ and sender.__name__ == "Meeting":
        return
    names = file_fields()[sender]
    instance._stored_files = sender.objects.filter(pk=instance.pk).values(*names).first() or {}


def remove_replaced_files(sender, instance, raw=False, using=None, **kwargs):
    stored = instance.__dict__.pop("_stored_files", None) or {}
    deferred = instance.get_deferred_fields()
    replaced = [
        name
        for field, name in stored.items()
        if name and field not in deferred and getattr(instance, field).name != name
    ]
    _remove_after_commit(sender, replaced, using)


def remove_deleted_files(sender, instance, using=None, **kwargs):
    names = [getattr(instance, field).name for field in file_fields()[sender]]
    _remove_after_commit(sender, [name for name in names if name], using)


def _remove_after_commit(model, names, using):
    if names:
        storage = model._meta.get_field(file_fields()[model][0]).storage
        transaction.on_commit(lambda: remove_unused(names, storage), using=using)


def remove_unused(names, storage):
    """Delete the files no live meeting or attachment names any more."""
    still_named = set()
    for model, fields in file_fields().items():
        for field in fields:
            still_named.update(
                model.objects.filter(**{f"{field}__in": names}).values_list(field, flat=True)
            )
    for name in set(names) - still_named:
        storage.delete(name)


def connect():
    for model in file_fields():
        uid = f"meetings.file_cleanup.{model.__name__}"
        pre_save.connect(remember_stored_files, sender=model, dispatch_uid=uid)
        post_save.connect(remove_replaced_files, sender=model, dispatch_uid=uid)
        post_delete.connect(remove_deleted_files, sender=model, dispatch_uid=uid)
