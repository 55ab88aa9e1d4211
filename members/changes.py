"""A membership (appointment) in the API copies its seat's role and its person's id:
a saved seat or person is a change of their appointments (see bodies/changes.py)."""

from django.db.models import Q

from bodies.changes import follows
from bodies.models import Seat
from members.models import Appointment, Person


def connect() -> None:
    follows(Appointment, Seat, lambda seat: Q(seat=seat.pk))
    follows(Appointment, Person, lambda person: Q(person=person.pk))
