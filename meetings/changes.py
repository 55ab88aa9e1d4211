"""A meeting in the API embeds its agenda, attendance and adjusters, and names people
only while they are published: each of those changes is a change of the meeting
(see bodies/changes.py)."""

from django.db.models import Q

from bodies.changes import embeds, follows
from meetings.models import Adjuster, AgendaItem, Attendance, Meeting
from members.models import Person

# The free text that meetings/privacy.py screens: publishing or hiding a person named
# there shows or hides it, a change of the meeting for a client syncing the API.
FREE_TEXT = (
    "place",
    "note",
    "agenda_items__title",
    "agenda_items__presenters",
    "agenda_items__text",
    "agenda_items__decision",
    "agenda_items__attachments__title",
)


def _meetings_naming(person: Person) -> Q:
    named = (
        Q(chair=person.pk)
        | Q(secretary=person.pk)
        | Q(adjusters=person.pk)
        | Q(attendances__person=person.pk)
        | Q(attendances__replaces=person.pk)
    )
    if person.last_name:
        for field in FREE_TEXT:
            named |= Q(**{f"{field}__icontains": person.last_name})
    return named


def connect() -> None:
    embeds(Meeting, AgendaItem, "meeting")
    embeds(Meeting, Attendance, "meeting")
    embeds(Meeting, Adjuster, "meeting")
    follows(Meeting, Person, _meetings_naming)
