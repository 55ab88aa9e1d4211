"""A meeting in the API embeds its agenda, attendance and adjusters, and names people
only while they are published: each of those changes is a change of the meeting
(see bodies/changes.py)."""

from django.db.models import Q

from bodies.changes import embeds, follows
from meetings.models import Adjuster, AgendaItem, Attendance, Meeting
from members.models import Person


def _meetings_naming(person: Person) -> Q:
    return (
        Q(chair=person.pk)
        | Q(secretary=person.pk)
        | Q(adjusters=person.pk)
        | Q(attendances__person=person.pk)
        | Q(attendances__replaces=person.pk)
    )


def connect() -> None:
    embeds(Meeting, AgendaItem, "meeting")
    embeds(Meeting, Attendance, "meeting")
    embeds(Meeting, Adjuster, "meeting")
    follows(Meeting, Person, _meetings_naming)
