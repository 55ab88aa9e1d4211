"""Remove uploaded files from storage when they are replaced or deleted.

Each app registers its file fields (``register``): a meeting's minutes, an
attachment's document (meetings), a person's photo (members). Here in the lowest app
so that every app can use it without importing the ones above it.

The removal waits for the transaction to commit: a rolled-back save or delete
keeps its file. A file that another live row of any registered field still names is
kept. The history keeps only the file's name, so a reverted version whose file was
removed shows the file as missing (see the README).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

# Model → its file fields, as registered.
_FIELDS = {}
# Models whose ``save()`` reads the stored file names itself (one read, not two).
_READ_BY_SAVE = set()


def register(model, *fields, read_by_save=False):
    """Remove the files of ``fields`` of ``model`` when they are replaced or deleted.

    ``read_by_save``: the model's ``save()`` sets ``_stored_files`` (the stored
    names, by field) from a read of its own before saving."""
    _FIELDS[model] = fields
    if read_by_save:
        _READ_BY_SAVE.add(model)
    uid = f"file_cleanup.{model._meta.label}"
    pre_save.connect(remember_stored_files, sender=model, dispatch_uid=uid)
    post_save.connect(remove_replaced_files, sender=model, dispatch_uid=uid)
    post_delete.connect(remove_deleted_files, sender=model, dispatch_uid=uid)


def remember_stored_files(sender, instance, raw=False, **kwargs):
    """Read the stored file names before a save, unless the model's save() already did."""
    if raw or instance.pk is None:
        instance.__dict__.pop("_stored_files", None)
        return
    if "_stored_files" in instance.__dict__ and sender in _READ_BY_SAVE:
        return
    names = _FIELDS[sender]
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
    names = [getattr(instance, field).name for field in _FIELDS[sender]]
    _remove_after_commit(sender, [name for name in names if name], using)


def _remove_after_commit(model, names, using):
    if names:
        storage = model._meta.get_field(_FIELDS[model][0]).storage
        transaction.on_commit(lambda: remove_unused(names, storage), using=using)


def remove_unused(names, storage):
    """Delete the files no live row of a registered field names any more."""
    still_named = set()
    for model, fields in _FIELDS.items():
        for field in fields:
            still_named.update(
                model.objects.filter(**{f"{field}__in": names}).values_list(field, flat=True)
            )
    for name in set(names) - still_named:
        storage.delete(name)
