"""Public pages about people and organisations."""

from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from bodies.models import Organisation, Seat
from members.models import Person


def person(request, slug):
    """A published person and every seat they hold or held, by period. No contact details."""
    person = get_object_or_404(
        Person.objects.public().select_related("party", "organisation"), slug=slug
    )
    appointments = person.appointments.with_seats().order_by(
        "-seat__body__period__start", "seat__body__tree_id", "seat__body__lft", "start"
    )
    return render(
        request,
        "members/person.html",
        {
            "person": person,
            "appointments": appointments,
            "today": timezone.localdate(),
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


def organisations(request):
    """Every organisation in the collaboration, by kind."""
    return render(
        request,
        "members/organisations.html",
        {
            "organisations": Organisation.objects.select_related("county_part").order_by(
                _kind_order(), "name"
            ),
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


def _kind_order():
    """Organisation kinds in the order they are declared: region, municipalities, …"""
    return Case(
        *[When(kind=kind, then=Value(n)) for n, kind in enumerate(Organisation.Kind.values)],
        default=Value(len(Organisation.Kind.values)),
    )


def organisation(request, slug):
    """An organisation: where it holds seats, period by period, and who holds them."""
    organisation = get_object_or_404(Organisation.objects.select_related("county_part"), slug=slug)
    seats = (
        Seat.objects.filter(organisation=organisation)
        .with_appointments()
        .select_related("body__period")
        .order_by("-body__period__start", "body__tree_id", "body__lft", "role", "order", "pk")
    )
    return render(
        request,
        "members/organisation.html",
        {
            "organisation": organisation,
            "seats": seats,
            "led_bodies": organisation.led_bodies.select_related("period").order_by(
                "-period__start", "tree_id", "lft"
            ),
            "today": timezone.localdate(),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("members:organisations"), gettext("Organisationer")),
            ],
        },
    )
