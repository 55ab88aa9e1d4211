"""The roster screen of a body: every seat, who holds it, and the ways to change that.

One admin page per body (and so per mandate period), ``/admin/bodies/body/<id>/ledamoter/``:
the seats in a grid by organisation, each ordinary seat beside the substitutes that
back it, with the composition check on top. A link on a seat (*Tillsätt*, *Byt*,
*Lägg till ersättare*) opens a small form on the same page; it posts to the same
address and redirects back (Post/Redirect/Get) with a message. No JavaScript needed.

Rights are the rules': the registry secretary changes every seat, an organisation
editor the seats of their organisations in open periods (``bodies.change_seat``);
anyone else gets 403.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.history import ChangeSet, change_set
from bodies.models import Body, Seat
from members.models import Appointment, Party, Person
from members.roster import fill_seat, new_person

APPOINT, REPLACE, SUBSTITUTE, VACANT = "tillsatt", "byt", "ersattare", "vakant"
ACTIONS = {
    APPOINT: _("Tillsätt"),
    REPLACE: _("Byt"),
    SUBSTITUTE: _("Lägg till ersättare"),
    VACANT: _("Markera vakant"),
}


class RosterForm(forms.Form):
    """Who goes into the seat, from when: a person in the registry or a new one."""

    person = forms.ModelChoiceField(
        label=_("Person i registret"), queryset=Person.objects.none(), required=False
    )
    first_name = forms.CharField(
        label=_("eller ny person: förnamn"), max_length=100, required=False
    )
    last_name = forms.CharField(label=_("efternamn"), max_length=100, required=False)
    party = forms.ModelChoiceField(label=_("parti"), queryset=Party.objects.all(), required=False)
    start = forms.DateField(
        label=_("Från"),
        help_text=_("Vid byte slutar det nuvarande uppdraget dagen före."),
    )

    def __init__(self, *args, people, period, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        if admin_site is not None:
            # A search box instead of every person in one list. It asks the admin's
            # autocomplete for an appointment's person, which lists whom the user may
            # appoint (PersonAdmin.choosable); the queryset checks the choice again.
            field.widget = AutocompleteSelect(
                Appointment._meta.get_field("person"), admin_site, attrs={"data-width": "20em"}
            )
        field.queryset = people.select_related("party")
        self.period = period

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not self.period.contains(start):
            raise ValidationError(
                gettext("Datumet måste ligga inom mandatperioden %(period)s (%(start)s–%(end)s).")
                % {
                    "period": self.period.name,
                    "start": formats.date_format(self.period.start),
                    "end": formats.date_format(self.period.end),
                }
            )
        return start

    def clean(self):
        data = super().clean()
        names = data.get("first_name", "").strip(), data.get("last_name", "").strip()
        if data.get("person") and any(names):
            raise ValidationError(_("Välj en person i registret eller skriv en ny, inte båda."))
        if not data.get("person") and not all(names):
            if any(names):
                field = "last_name" if names[0] else "first_name"
                self.add_error(field, _("Skriv både förnamn och efternamn."))
            else:
                self.add_error("person", _("Välj en person eller skriv namnet på en ny."))
        return data


class VacancyForm(forms.Form):
    """Since when the organisation has named nobody to the seat; empty: not known."""

    vacant_since = forms.DateField(
        label=_("Vakant sedan"),
        required=False,
        help_text=_(
            "Dagen organisationen meddelade att ingen är utsedd. Töm fältet om platsen "
            "inte är vakant; den visas då som ”uppgift saknas” tills någon tillsätts."
        ),
    )


class RosterAdminMixin:
    """Adds the roster screen to the body admin (``BodyAdmin``)."""

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:pk>/ledamoter/",
                self.admin_site.admin_view(self.roster_view),
                name="bodies_body_roster",
            ),
            *super().get_urls(),
        ]

    # Rights

    def roster_seats_changeable(self, request, body, seats):
        """The ids of the seats the user may fill (the rules' ``bodies.change_seat``)."""
        return {seat.pk for seat in seats if request.user.has_perm("bodies.change_seat", seat)}

    def roster_people(self, request):
        """Whom the user may put in a seat: everyone, or an editor's own people."""
        people = Person.objects.all()
        roles = self.roles(request)
        if roles.registry_secretary:
            return people
        return people.filter(organisation__in=roles.organisation_ids)

    # The page

    def roster_view(self, request, pk):
        seat_rows = (
            Seat.objects.select_related("organisation", "backs", "body__period")
            .prefetch_related(
                Prefetch(
                    "appointments",
                    queryset=Appointment.objects.select_related("person__party"),
                ),
                Prefetch(
                    "appointments",
                    queryset=Appointment.objects.unpublished().only("seat_id", "start", "end"),
                    to_attr="unpublished_appointments",
                ),
            )
            .numbered()
        )
        body = get_object_or_404(
            Body.objects.select_related("period").prefetch_related(
                Prefetch("seats", queryset=seat_rows)
            ),
            pk=pk,
        )
        day = self.roster_day(request, body)
        seats = list(body.seats.all())
        changeable = self.roster_seats_changeable(request, body, seats)
        if not (self.roles(request).registry_secretary or changeable):
            raise PermissionDenied
        by_pk = {seat.pk: seat for seat in seats}
        action = request.POST.get("atgard") or request.GET.get("atgard")
        seat = by_pk.get(_int(request.POST.get("plats") or request.GET.get("plats")))
        form = None
        if action in ACTIONS and seat is not None:
            if seat.pk not in changeable:
                raise PermissionDenied
            if action == SUBSTITUTE and seat.role != Seat.Role.ORDINARY:
                action = APPOINT
            holding = [a for a in seat.appointments.all() if a.covers(day)]
            initial = {"start": day}
            if action == VACANT:
                form = VacancyForm(
                    request.POST if request.method == "POST" else None,
                    initial={"vacant_since": seat.vacant_since or day},
                )
                if request.method == "POST" and form.is_valid():
                    done = self.roster_mark_vacant(request, seat, form)
                    if done is not None:
                        messages.success(request, done)
                        return HttpResponseRedirect(
                            self.roster_url(body, day) + f"#plats-{seat.pk}"
                        )
            else:
                form = RosterForm(
                    request.POST if request.method == "POST" else None,
                    people=self.roster_people(request),
                    period=body.period,
                    initial=initial,
                    admin_site=self.admin_site,
                )
            if action != VACANT and request.method == "POST" and form.is_valid():
                done = self.roster_write(request, body, seat, action, holding, form)
                if done is not None:
                    messages.success(request, done)
                    return HttpResponseRedirect(self.roster_url(body, day) + f"#plats-{seat.pk}")
        elif request.method == "POST":
            raise PermissionDenied
        composition = self.composition_report(body)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": body,
            "body": body,
            "title": gettext("Ledamöter och ersättare: %(body)s") % {"body": body},
            "day": day,
            "groups": self.roster_groups(body, seats, day, changeable),
            "composition": composition,
            "form": form,
            "action": action if form else None,
            "action_title": self.action_title(action, seat) if form else "",
            "action_seat": seat if form else None,
            "roster_url": self.roster_url(body, day),
            "meeting_url": f"{reverse('admin:meetings_meeting_add')}?body={body.pk}"
            f"&datum={day.isoformat()}",
        }
        return TemplateResponse(request, "admin/bodies/body/roster.html", context)

    def roster_day(self, request, body):
        try:
            day = datetime.date.fromisoformat(request.GET.get("datum", ""))
        except ValueError:
            return body.period.default_day()
        return day if body.period.contains(day) else body.period.default_day()

    def roster_url(self, body, day):
        url = reverse("admin:bodies_body_roster", args=[body.pk])
        if day != body.period.default_day():
            url += f"?datum={day.isoformat()}"
        return url

    def action_title(self, action, seat):
        label = seat.label()
        if action == SUBSTITUTE:
            return gettext("Ny ersättare för %(seat)s") % {"seat": label}
        if action == REPLACE:
            return gettext("Byt innehavare av %(seat)s") % {"seat": label}
        if action == VACANT:
            return gettext("Markera %(seat)s som vakant") % {"seat": label}
        return gettext("Tillsätt %(seat)s") % {"seat": label}

    def roster_groups(self, body, seats, day, changeable):
        """Rows by organisation: an ordinary seat beside the substitute seats backing it."""
        groups = body.roster(day)
        for group in groups:
            for row in group.rows:
                for cell in [row.ordinary, *row.substitutes]:
                    if cell is not None:
                        cell.may_change = cell.seat.pk in changeable
        return groups

    def roster_mark_vacant(self, request, seat, form):
        """Record since when the seat is vacant (or that it is not), as one change set."""
        since = form.cleaned_data["vacant_since"]
        if since:
            reason = gettext("%(seat)s vakant från %(start)s.") % {
                "seat": seat.label(),
                "start": formats.date_format(since),
            }
        else:
            reason = gettext("%(seat)s inte längre markerad som vakant.") % {"seat": seat.label()}
        seat.vacant_since = since
        try:
            with change_set(request.user, ChangeSet.Kind.OTHER, reason, seat.body.period):
                seat.full_clean()
                seat.save(update_fields=["vacant_since", "updated_at"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("vacant_since", message)
            return None
        return reason

    def roster_write(self, request, body, seat, action, holding, form):
        """Do what the form asks, in one change set; a refusal becomes a form error."""
        data = form.cleaned_data
        start = data["start"]
        new = None
        if data["person"] is None:
            new = new_person(
                data["first_name"].strip(),
                data["last_name"].strip(),
                party=data["party"],
                organisation=seat.organisation,
            )
            if not request.user.has_perm("members.add_person", new):
                raise PermissionDenied
        person_name = data["person"].full_name if data["person"] else new.full_name
        replacing = None
        if action == REPLACE and holding:
            replacing = holding[0]
            if not request.user.has_perm("members.change_appointment", replacing):
                raise PermissionDenied
        reasons = {
            APPOINT: gettext("%(person)s tillsatt på %(seat)s från %(start)s."),
            REPLACE: gettext("%(person)s ersätter innehavaren av %(seat)s från %(start)s."),
            SUBSTITUTE: gettext("%(person)s ersättare för %(seat)s från %(start)s."),
        }
        reason = reasons[action] % {
            "person": person_name,
            "seat": seat.label(),
            "start": formats.date_format(start),
        }
        try:
            fill_seat(
                seat,
                start=start,
                person=data["person"],
                new=new,
                replacing=replacing,
                as_substitute=action == SUBSTITUTE,
                may_add_seat=request.user.has_perm("bodies.add_seat"),
                actor=request.user,
                reason=reason,
            )
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                field = "start" if field == "end" else field
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return None
        return reason


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
