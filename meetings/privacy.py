"""Privacy in free text: a meeting's texts are not published while they name a hidden person.

Agenda texts, decisions and meeting notes are written by hand and can name people.
When a text names a person marked unpublished (``Person.is_published`` off) by their
full name – first and last name in either order, any letter case, whole words, also
with a Swedish genitive *s* ("Anna Anderssons motion") – the public side shows a
neutral placeholder instead of that text, until the secretary confirms that the names
may be shown (``confirmed_names``). A name confirmed stays confirmed for that object;
an unpublished name that is not in the list hides the text again, and publishing the
person shows it.

The rule is applied where the objects are read, not in templates or views:
``ScreenedQuerySet.screened()`` replaces each such text on the objects it returns, so
the meeting page, the minutes PDF, the API and the iCal feeds cannot show it by
mistake. The unpublished names are read with one query, shared by every queryset of a
page that is given the same ``UnpublishedNames``, and only when a non-empty text has to
be checked. A screened object refuses to be saved: its texts are not the real ones.

The admin warns the secretary on save and on the change form (meetings/admin.py).
"""

import re
from collections.abc import Iterable, Iterator

from django.db import models
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

from members.models import Person

PLACEHOLDER = _("Texten väntar på granskning")

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a text, case-folded: "Anna-Karin Öst" → ["anna", "karin", "öst"]."""
    return _WORD.findall(text.casefold())


def name_key(name: str) -> tuple[str, ...]:
    return tuple(words(name))


class UnpublishedNames:
    """The full names of unpublished people, read (one query) when first needed."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, ...], str] | None = None
        self._lengths: list[int] = []

    def _load(self) -> dict[tuple[str, ...], str]:
        if self._index is None:
            index: dict[tuple[str, ...], str] = {}
            rows = Person.objects.filter(is_published=False).values_list("first_name", "last_name")
            for first, last in rows:
                full = f"{first} {last}".strip()
                for order in (f"{first} {last}", f"{last} {first}"):
                    key = name_key(order)
                    # Both names are needed: a first name alone is far too common.
                    if len(key) >= 2:
                        index.setdefault(key, full)
            self._index = index
            self._lengths = sorted({len(key) for key in index})
        return self._index

    def named_in(self, *texts: str) -> set[str]:
        """The unpublished people's full names that the texts mention."""
        found: set[str] = set()
        for text in texts:
            if not text:
                continue
            index = self._load()
            if not index:
                return found
            tokens = words(text)
            for start in range(len(tokens)):
                for length in self._lengths:
                    end = start + length
                    if end > len(tokens):
                        break
                    key = tuple(tokens[start:end])
                    name = index.get(key)
                    if name is None and len(key[-1]) > 2 and key[-1].endswith("s"):
                        name = index.get((*key[:-1], key[-1][:-1]))  # genitive: Anderssons
                    if name is not None:
                        found.add(name)
        return found


class ScreenedText(models.Model):
    """A model with free text shown publicly, and the names the secretary let through."""

    # The fields checked and, when they name an unconfirmed unpublished person, hidden.
    free_text_fields: tuple[str, ...] = ()

    confirmed_names = models.JSONField(
        _("bekräftade namn"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "Namn på opublicerade personer som sekreteraren har bekräftat får visas i texten."
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.is_screened:
            raise RuntimeError(
                f"{type(self).__name__} {self.pk} was read for the public with texts "
                "replaced; read it again to save it."
            )
        super().save(*args, **kwargs)

    def free_texts(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in self.free_text_fields}

    def unconfirmed_names(self, names: UnpublishedNames, texts: Iterable[str] = ()) -> list[str]:
        """Unpublished people named in the texts (by default: this object's) and not yet
        confirmed, sorted."""
        texts = list(texts) or list(self.free_texts().values())
        confirmed = {name_key(name) for name in self.confirmed_names or []}
        return sorted(name for name in names.named_in(*texts) if name_key(name) not in confirmed)

    def hidden_fields(self, names: UnpublishedNames) -> list[str]:
        """The free-text fields that may not be shown publicly now."""
        return [
            field
            for field, text in self.free_texts().items()
            if text and self.unconfirmed_names(names, [text])
        ]

    def screen(self, names: UnpublishedNames) -> None:
        """Replace each text that names an unconfirmed unpublished person, on this copy."""
        hidden = self.hidden_fields(names)
        for field in hidden:
            setattr(self, field, str(PLACEHOLDER))
        self._screened_fields = hidden

    @property
    def is_screened(self) -> bool:
        return bool(getattr(self, "_screened_fields", None))

    def confirm_names(self, names: UnpublishedNames) -> list[str]:
        """Let the unpublished names the texts mention now be shown; the ones added.

        Saves only ``confirmed_names`` (and keeps the history of it).
        """
        added = self.unconfirmed_names(names)
        if added:
            self.confirmed_names = sorted({*(self.confirmed_names or []), *added})
            self.save(update_fields=["confirmed_names"])
        return added


class ScreeningIterable(ModelIterable):
    def __iter__(self) -> Iterator[models.Model]:
        names = self.queryset._screen_names
        # Read every row first: the names are read by a query of their own.
        objects = list(super().__iter__())
        for obj in objects:
            obj.screen(names)
        return iter(objects)


class ScreenedQuerySet(models.QuerySet):
    """A QuerySet of ``ScreenedText`` models that can hide texts for the public."""

    _screen_names: UnpublishedNames | None = None

    def screened(self, names: UnpublishedNames | None = None):
        """The objects as the public may see them: texts naming an unconfirmed
        unpublished person replaced by a placeholder. Pass the same ``names`` to every
        queryset of a page so that the names are read once."""
        clone = self._chain()
        clone._screen_names = names or UnpublishedNames()
        clone._iterable_class = ScreeningIterable
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._screen_names = self._screen_names
        return clone
