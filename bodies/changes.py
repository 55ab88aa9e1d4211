"""Keep ``updated_at`` true for the objects the API serves whole.

An object's ``updated_at`` is the last time it or something its JSON embeds was saved:
a body embeds its composition rules and member organisations, a meeting its agenda,
attendance and adjusters and names its people only while published, a membership
copies its seat's role and its person's id. Another system that syncs with
``?changed_since=`` must see those changes as changes of the object. Other references
are not followed: a renamed organisation (its name in a post's label) or body (its id in
a post) shows as a change of that organisation or body only.

Signals rather than ``save()``/``delete()`` overrides: many-to-many ``add()``/``set()``
write through-rows without calling ``save()``. Loading fixtures (``raw``) touches nothing.
Queryset ``update()`` and ``bulk_create()`` send no signals: code that writes that way
touches the object itself (``touch``).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from bodies.models import Body, CompositionRule, Membership


def touch(model: type[Model], condition: Q) -> None:
    """Mark the rows as changed now (``update()`` skips ``auto_now``)."""
    model._default_manager.filter(condition).update(updated_at=timezone.now())


def follows(target: type[Model], source: type[Model], rows: Callable[[Any], Q]) -> None:
    """Touch the ``target`` rows ``rows(instance)`` names when a ``source`` row changes."""

    def changed(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
        if not raw:
            touch(target, rows(instance))

    uid = f"touch-{target._meta.label}-after-{source._meta.label}"
    post_save.connect(changed, sender=source, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=source, weak=False, dispatch_uid=uid)


def embeds(parent: type[Model], child: type[Model], via: str) -> None:
    """``parent``'s JSON embeds ``child`` rows, which point at it by the foreign key ``via``.

    ``child`` may be the through model of a many-to-many field, changed by ``add()``,
    ``remove()``, ``set()`` and ``clear()`` from either side.
    """
    follows(parent, child, lambda row: Q(pk=getattr(row, f"{via}_id")))

    def linked(
        sender: type[Model], instance: Model, action: str, reverse: bool, **kwargs: Any
    ) -> None:
        if not reverse and action in ("post_add", "post_remove", "post_clear"):
            touch(parent, Q(pk=instance.pk))
        elif reverse and action in ("post_add", "post_remove"):
            touch(parent, Q(pk__in=kwargs["pk_set"]))
        elif reverse and action == "pre_clear":
            other = next(f.name for f in sender._meta.fields if f.related_model is type(instance))
            touch(parent, Q(pk__in=sender._default_manager.filter(**{other: instance}).values(via)))

    uid = f"touch-{parent._meta.label}-after-{child._meta.label}-links"
    m2m_changed.connect(linked, sender=child, weak=False, dispatch_uid=uid)


def connect() -> None:
    embeds(Body, CompositionRule, "body")
    embeds(Body, Membership, "body")
