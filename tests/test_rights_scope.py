"""An organisation editor of Nora kommun and a meeting secretary of one body reach nothing
else in the admin.

Every change, delete, history, revert and custom-action URL of every registered model
admin is generated from its URL patterns and the objects in the database (the Örebro
registry with its meetings), and requested with GET and POST: outside the user's scope
each answers 403 or 404, and nothing is saved (no historical row is written, which
every save and delete would do).
"""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bodies.history import ChangeSet, registry_models
from bodies.models import Body, MandatePeriod, Organisation, Seat
from meetings.models import AgendaItem, Decision, Meeting
from members.models import Appointment, Person
from tests.pages import freeze_today

pytestmark = pytest.mark.django_db

REFUSED = (403, 404)


@pytest.fixture
def registry(orebro_meetings, monkeypatch, make):
    """Örebro on 22 November 2026, with the 2027–2030 proposal locked, a change set,
    a meeting of Regionala samverkansrådet in the open period and a history to revert."""
    freeze_today(monkeypatch)
    proposal = MandatePeriod.objects.get(slug="2027-2030")
    proposal.lock(reason="Granskas")
    council = Body.objects.get(period__slug="2023-2026", slug="regionala-samverkansradet")
    meeting = make.meeting(council, datetime.datetime(2026, 3, 12, 9))
    AgendaItem.objects.create(meeting=meeting, number=1, title="Mötet öppnas")
    Decision.objects.create(meeting=meeting, title="Mötestider 2027")
    old_meeting = Meeting.objects.filter(body__slug="regionala-samverkansradet").exclude(
        body=council
    )[0]
    Decision.objects.create(meeting=old_meeting, title="Mötestider 2023")
    person = Person.objects.filter(organisation__slug="nora-kommun").first()
    person.title = "Kommunstyrelsens ordförande"
    person.save()  # a second version, so its history has something to revert to
    return {"council": council, "meeting": meeting}


def history_count():
    return sum(model.history.count() for model in registry_models())


def object_urls(model_admin, obj):
    """Every URL of the model admin that names one object, built from its patterns."""
    urls = []
    for pattern in model_admin.get_urls():
        name = pattern.name
        groups = pattern.pattern.regex.groups
        if not name or groups == 0:
            continue
        if name.endswith("_simple_history"):
            for version in obj.history.values_list("history_id", flat=True)[:2]:
                urls.append(reverse(f"admin:{name}", args=[obj.pk, version]))
        elif name.endswith("_change_set"):
            for change in ChangeSet.objects.all():
                urls.append(reverse(f"admin:{name}", args=[obj.pk, change.pk]))
        elif groups == 1:
            urls.append(reverse(f"admin:{name}", args=[obj.pk]))
        else:
            raise AssertionError(f"no way to fill in {name} ({pattern.pattern})")
    return urls


def model_urls(model_admin):
    """The URLs of the model admin that name no object: changelist, add, imports …"""
    return [
        reverse(f"admin:{pattern.name}")
        for pattern in model_admin.get_urls()
        if pattern.name and pattern.pattern.regex.groups == 0 and "autocomplete" not in pattern.name
    ]


def sample(objects, limit=30):
    """All objects of a small model; an even spread plus the first and last of a big one."""
    objects = list(objects)
    if len(objects) <= limit:
        return objects
    step = len(objects) // limit + 1
    return [*objects[::step], objects[-1]]


def check_scope(client, in_scope, own_models, extra_out_of_scope=()):
    """Request every URL of every object; return what the user could reach outside scope.

    ``own_models`` are the models the user works with at all: the lists and add forms
    of the others must be refused too.
    """
    before = history_count()
    reached, allowed_pages = [], 0
    for model, model_admin in admin.site._registry.items():
        objects = model._default_manager.all().order_by("pk")
        outside = [obj for obj in objects if not in_scope(obj)]
        chosen = sample(outside)
        chosen += [obj for obj in extra_out_of_scope if isinstance(obj, model)]
        for obj in chosen:
            for url in object_urls(model_admin, obj):
                for method, data in (("get", {}), ("post", {"post": "yes"})):
                    response = getattr(client, method)(url, data)
                    if response.status_code not in REFUSED:
                        reached.append(f"{method.upper()} {url} → {response.status_code}")
        if model not in own_models:
            for url in model_urls(model_admin):
                for method in ("get", "post"):
                    response = getattr(client, method)(url, {})
                    if response.status_code not in REFUSED:
                        reached.append(f"{method.upper()} {url} → {response.status_code}")
        for obj in [obj for obj in objects if in_scope(obj)][:3]:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
            )
            assert client.get(url).status_code == 200, url
            allowed_pages += 1
    assert history_count() == before, "a refused request saved something"
    return reached, allowed_pages


def test_a_nora_editor_reaches_nothing_outside_noras_people_and_open_seats(client, registry, roles):
    nora = Organisation.objects.get(slug="nora-kommun")
    client.force_login(roles("nora", organisations=[nora]))

    def in_scope(obj):
        if isinstance(obj, Person):
            return obj.organisation_id == nora.pk
        if isinstance(obj, Seat):
            return obj.organisation_id == nora.pk and obj.body.period.is_open
        if isinstance(obj, Appointment):
            return obj.seat.organisation_id == nora.pk and obj.seat.body.period.is_open
        return False

    # Nora's own seats in the ended and the locked period are outside too.
    nora_closed = Seat.objects.filter(organisation=nora).exclude(body__period__slug="2023-2026")
    assert nora_closed.filter(body__period__slug="2027-2030").exists()

    reached, allowed = check_scope(
        client, in_scope, {Person, Seat, Appointment}, extra_out_of_scope=list(nora_closed)
    )

    # The roster screen of a body where Nora holds seats in an open period is the
    # editor's by design (members/admin_roster.py): they fill Nora's seats there.
    nora_bodies = set(
        Seat.objects.filter(organisation=nora, body__period__slug="2023-2026").values_list(
            "body_id", flat=True
        )
    )
    rosters = {f"GET /admin/bodies/body/{pk}/ledamoter/ → 200" for pk in nora_bodies}
    # So are the nominations of those bodies (samverkan/admin_nominations.py): Nora's
    # forms out, Nora's forms back in (a preview; nothing is written).
    rosters |= {
        f"{method} /admin/bodies/body/{pk}/nomineringar/{page} → 200"
        for pk in nora_bodies
        for method in ("GET", "POST")
        for page in ("", "alla.zip")
    }
    assert [line for line in reached if line not in rosters] == []
    assert allowed >= 3  # the editor does reach Nora's people and seats


def test_a_meeting_secretary_reaches_nothing_outside_the_meetings_of_their_body(
    client, registry, roles
):
    council = registry["council"]
    client.force_login(roles("sekreterare-rsr", bodies=[council]))

    def in_scope(obj):
        if isinstance(obj, Meeting):
            return obj.body_id == council.pk
        if isinstance(obj, AgendaItem | Decision):
            return obj.meeting.body_id == council.pk
        return False

    # The council's meetings of 2022 belong to an ended period: outside too.
    past = Meeting.objects.filter(body__slug="regionala-samverkansradet").exclude(body=council)
    assert past.exists()

    reached, allowed = check_scope(
        client, in_scope, {Meeting, AgendaItem, Decision}, extra_out_of_scope=list(past)
    )

    assert reached == []
    assert allowed == 3  # the meeting, its agenda item and its decision


def test_an_editors_changelists_show_only_what_they_may_change(client, registry, roles):
    nora = Organisation.objects.get(slug="nora-kommun")
    client.force_login(roles("nora", organisations=[nora]))
    open_nora_seats = set(
        Seat.objects.filter(organisation=nora, body__period__slug="2023-2026").values_list(
            "pk", flat=True
        )
    )

    seats = client.get(reverse("admin:bodies_seat_changelist"), {"period": "all"})
    people = client.get(reverse("admin:members_person_changelist"))

    assert {seat.pk for seat in seats.context["cl"].queryset} == open_nora_seats
    assert {p.organisation_id for p in people.context["cl"].queryset} == {nora.pk}
    index = client.get(reverse("admin:index")).text
    assert "Mandatperioder" not in index
    assert "Personer" in index


def test_django_model_permissions_grant_nothing(client, registry):
    # Before the roles, "change body" let a staff account edit all bodies of all periods.
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("personal", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)
    body = Body.objects.get(period__slug="2019-2022", slug="regionala-samverkansradet")

    assert client.get(reverse("admin:bodies_body_change", args=[body.pk])).status_code == 403
    assert client.get(reverse("admin:bodies_body_changelist")).status_code == 403
    response = client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[body.period_id]),
        {"name": "2031–2034", "slug": "2031-2034", "start": "2031-01-01", "end": "2034-12-31"},
    )
    assert response.status_code == 403
    assert not MandatePeriod.objects.filter(slug="2031-2034").exists()


def test_the_user_form_hides_the_permission_pickers(admin_client, registry):
    user = get_user_model().objects.create_user("anna", password="x")
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).text
    assert 'name="user_permissions"' not in page
    assert 'name="groups"' not in page
    assert "organisationsredaktör för" in page.lower()
    assert apps.is_installed("django.contrib.auth")
    assert timezone.localdate() == datetime.date(2026, 11, 22)


def test_a_registry_secretary_without_superuser_status_may_do_everything(client, registry, roles):
    client.force_login(roles("kansliet", registry_secretary=True))
    period = MandatePeriod.objects.get(slug="2023-2026")
    body = Body.objects.filter(period=period).first()

    for url in (
        reverse("admin:bodies_body_change", args=[body.pk]),
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        reverse("admin:bodies_mandateperiod_lock", args=[period.pk]),
        reverse("admin:bodies_mandateperiod_import"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:bodies_body_history", args=[body.pk]),
    ):
        assert client.get(url).status_code == 200, url
    client.post(reverse("admin:bodies_mandateperiod_lock", args=[period.pk]), {"reason": "Klar"})
    period.refresh_from_db()
    assert period.is_locked
