"""Public pages about people and organisations."""

import datetime

from django import forms
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.models import MandatePeriod, Organisation, Seat
from bodies.representation import by_period
from members.models import Person
from members.period_changes import PeriodChanges, latest_changes

# A person's page: every current seat, then the other seats and the attendance in
# pages of this size (?uppdragssida=2, ?motessida=2), so that it stays small however
# long a career is.
PERSON_PAGE_SIZE = 50
SEATS_PAGE_PARAM = "uppdragssida"
ATTENDANCE_PAGE_PARAM = "motessida"


def person(request, slug):
    """A published person: the contact details they consented to publish, current
    seats, then earlier and later ones by period (paged), then attendance (paged)."""
    person = get_object_or_404(
        Person.objects.public().select_related("party", "organisation"), slug=slug
    )
    today = timezone.localdate()
    appointments = person.appointments.with_seats().order_by(
        "-seat__body__period__start", "seat__body__tree_id", "seat__body__lft", "start"
    )
    # An open-ended appointment ends with its period.
    current = appointments.current(today).filter(seat__body__period__end__gte=today)
    others = appointments.exclude(pk__in=current.values("pk"))
    page = Paginator(others, PERSON_PAGE_SIZE).get_page(request.GET.get(SEATS_PAGE_PARAM))
    return render(
        request,
        "members/person.html",
        {
            "person": person,
            "contact": person.public_contact(),
            "current": list(current),
            "page": page,
            "seats_query": _page_query(request, SEATS_PAGE_PARAM),
            "attendance_page": request.GET.get(ATTENDANCE_PAGE_PARAM),
            "attendance_query": _page_query(request, ATTENDANCE_PAGE_PARAM),
            "today": today,
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def person_photo(request, slug):
    """/personer/<slug>/foto/: the photo, only while the person is published and the
    consent to show it is recorded (``Person.public_contact``)."""
    person = get_object_or_404(Person.objects.public(), slug=slug)
    if not person.public_contact().photo_url:
        raise Http404(gettext("Personen har inget publicerat foto."))
    extension = person.photo.name.rsplit(".", 1)[-1].lower()
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("Filen saknas.")) from None
    response = FileResponse(handle, content_type=PHOTO_TYPES.get(extension, "image/jpeg"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _page_query(request, param):
    """The query string without ``param``, to which a page link adds its own number."""
    query = request.GET.copy()
    query.pop(param, None)
    text = query.urlencode()
    return f"{text}&{param}=" if text else f"{param}="


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
            "periods": by_period(seats, MandatePeriod.objects.current()),
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


class ChangesSpanForm(forms.Form):
    """The time span of a period's changes page: ``?fran=2024-01-01&till=2024-12-31``."""

    # Bounded: a day at either end of the calendar (0001-01-01, 9999-12-31) has no
    # midnight in UTC, and no registry history is that old or that far ahead.
    bounds = (
        MinValueValidator(datetime.date(1900, 1, 1)),
        MaxValueValidator(datetime.date(2999, 12, 31)),
    )
    fran = forms.DateField(label=_("Från och med"), required=False, validators=bounds)
    till = forms.DateField(label=_("Till och med"), required=False, validators=bounds)

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if start and end and end < start:
            raise forms.ValidationError(_("Slutdagen ligger före startdagen."))
        return data


CHANGES_DEFAULT_DAYS = 90
CHANGES_PER_PAGE = 50


def period_changes(request, slug):
    """What changed in a period (bodies, seats, appointments) in a time span, from the
    history. The last 90 days unless asked; 50 changes a page."""
    period = get_object_or_404(MandatePeriod, slug=slug)
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=CHANGES_DEFAULT_DAYS), today
    asked = {key: request.GET[key] for key in ("fran", "till") if request.GET.get(key)}
    form = ChangesSpanForm(asked or None, initial={"fran": start, "till": end})
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["fran"] or start
        end = form.cleaned_data["till"] or end
    changes = PeriodChanges(period, _local_midnight(start), _local_midnight(end, days=1))
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "members/period_changes.html",
        {
            "period": period,
            "form": form,
            "start": start,
            "end": end,
            "page": page,
            "query": query.urlencode(),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("bodies:periods"), gettext("Mandatperioder")),
                (period.get_absolute_url(), period.name),
            ],
        },
    )


def _local_midnight(day, days=0):
    """The start of the day (plus some days) in the site's time zone, as an aware time."""
    moment = datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time())
    return timezone.make_aware(moment)


class PeriodChangesFeed(Feed):
    """The newest changes of a period as an Atom feed."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(MandatePeriod, slug=slug)

    def title(self, period):
        return gettext("Ändringar i samverkansstrukturen %(period)s") % {"period": period.name}

    def link(self, period):
        return reverse("members:period_changes", args=[period.slug])

    def subtitle(self, period):
        return gettext("Organ, platser och uppdrag som har ändrats, det senaste först.")

    def items(self, period):
        return latest_changes(period)

    def item_title(self, change):
        return f"{change.action_label}: {change.title}"

    def item_description(self, change):
        if change.fields:
            return gettext("Ändrat: %(fields)s.") % {"fields": ", ".join(change.fields)}
        return change.action_label

    def item_link(self, change):
        return change.url

    def item_guid(self, change):
        return f"{change.kind}-{change.history_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.when

    def item_updateddate(self, change):
        return change.when
