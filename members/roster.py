"""Filling a body's seats: appoint, replace and add a substitute, each one change set.

The roster screen of the admin (``members/admin_roster.py``) calls these; each write
is validated as the admin's forms validate it (``full_clean``) and runs in one
transaction, so a refused step leaves nothing half done.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext

from bodies.history import ChangeSet, change_set
from bodies.models import Seat
from members.models import Appointment, Person


def new_person(first_name, last_name, *, party=None, organisation=None):
    """An unsaved person with an address of their own (a number added if the name is taken)."""
    base = slugify(f"{first_name} {last_name}") or "person"
    slug, number = base, 1
    while Person.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return Person(
        first_name=first_name,
        last_name=last_name,
        slug=slug,
        party=party,
        organisation=organisation,
    )


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def vacant_substitute_seat(seat, on):
    """A substitute seat backing ``seat`` that nobody holds on the day, if there is one."""
    for substitute in seat.substitutes.order_by("order", "pk"):
        if not Appointment.objects.filter(seat=substitute).current(on=on).exists():
            return substitute
    return None


def fill_seat(
    seat,
    *,
    start,
    person=None,
    new=None,
    replacing=None,
    as_substitute=False,
    may_add_seat=False,
    actor=None,
    reason="",
):
    """Put a person in a seat from ``start``, as one recorded change set.

    Why one step: the secretary's job is "Anna replaces Bo from 1 March" or "Anna is
    Tom's substitute", not three forms. ``new`` is an unsaved person (``new_person``)
    saved with the appointment. ``replacing`` is the appointment that ends the day
    before. ``as_substitute`` fills a vacant substitute seat backing ``seat``, or a
    new one (``may_add_seat``: only who may add seats). Returns the appointment.
    """
    with change_set(actor, ChangeSet.Kind.OTHER, reason, seat.body.period):
        if as_substitute:
            target = vacant_substitute_seat(seat, start)
            if target is None:
                if not may_add_seat:
                    raise ValidationError(
                        gettext(
                            "Det finns ingen ledig ersättarplats för den här ledamoten. "
                            "Registersekreteraren kan lägga till en."
                        )
                    )
                target = _save(
                    Seat(
                        body=seat.body,
                        organisation=seat.organisation,
                        role=Seat.Role.SUBSTITUTE,
                        backs=seat,
                        order=seat.order,
                    )
                )
            seat = target
        if replacing is not None:
            replacing.end = start - datetime.timedelta(days=1)
            _save(replacing)
        if new is not None:
            person = _save(new)
        return _save(Appointment(person=person, seat=seat, start=start))
