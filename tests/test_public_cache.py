"""Public pages under the registry's change stamp: 304s, a shared cache, no stale page."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bodies import services
from bodies.models import Body, ChangeStamp, Organisation
from members.models import Person
from tests.pages import freeze_today, rename_bodies_in_another_process

pytestmark = pytest.mark.django_db

PAGE = "/perioder/2023-2026/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def period(make):
    period = make.period("2023–2026")
    council = make.body(period, "Regionala rådet")
    town = make.organisation("Nora kommun")
    seat = make.seat(council, town)
    make.appointment(make.person("Anna", "Berg"), seat, start=datetime.date(2023, 1, 1))
    make.meeting(council)
    return period


def test_a_public_page_says_when_it_changed_and_answers_304_when_it_has_not(client, period):
    ChangeStamp.objects.update(changed_at=timezone.now() - datetime.timedelta(minutes=5))
    first = client.get(PAGE)

    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    assert client.get(PAGE, headers={"if-none-match": first["ETag"]}).status_code == 304
    since = client.get(PAGE, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    # Another address or language is another page.
    other = client.get("/en" + PAGE, headers={"if-none-match": first["ETag"]})
    assert other.status_code == 200


def test_a_change_within_the_same_second_gets_no_date_to_compare_by(client, period):
    # HTTP dates have whole seconds: a page changed this second carries only its ETag.
    Body.objects.update(purpose="Ändrat nyss")
    response = client.get(PAGE)
    assert "Last-Modified" not in response
    assert client.get(PAGE, headers={"if-none-match": response["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/perioder/2023-2026/regionala-radet/",
        "/perioder/2023-2026/ledamoter.csv",
        "/perioder/2023-2026/ledamoter.xlsx",
        "/moten/kalender.ics",
        "/organisationer/nora-kommun/",
        "/api/v1/bodies/",
    ],
)
def test_pages_feeds_exports_and_the_api_all_answer_conditional_requests(client, period, address):
    response = client.get(address)
    assert response.status_code == 200, address
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    again = client.get(address, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def write_kinds(period):
    council = period.bodies.get()
    return {
        "a save": lambda: Body.objects.filter(pk=council.pk).first().save(),
        "a bulk insert": lambda: Organisation.objects.bulk_create(
            [Organisation(name="Ny kommun", slug="ny-kommun", kind="municipality")]
        ),
        "a queryset update": lambda: Person.objects.update(title="Kommunalråd"),
        "a delete": lambda: Organisation.objects.filter(slug="ny-kommun").delete(),
        "raw SQL": lambda: connection.cursor().execute(
            "UPDATE bodies_body SET purpose = 'Nytt syfte'"
        ),
        "a many-to-many change": lambda: council.member_organisations.set(
            Organisation.objects.all()
        ),
        "carrying the period forward": lambda: services.carry_forward(
            period, name="2027–2030", slug="2027-2030"
        ),
    }


def test_every_kind_of_write_makes_the_cached_page_stale(client, period):
    for kind, write in write_kinds(period).items():
        before = client.get(PAGE)
        stamp = ChangeStamp.read().version

        write()

        assert ChangeStamp.read().version > stamp, kind
        after = client.get(PAGE, headers={"if-none-match": before["ETag"]})
        assert after.status_code == 200, kind
        assert after["ETag"] != before["ETag"], kind


def test_the_cached_page_shows_the_change_at_once(client, period):
    assert "Regionala rådet" in client.get(PAGE).content.decode()
    Body.objects.update(name="Samverkansrådet")

    page = client.get(PAGE).content.decode()
    assert "Samverkansrådet" in page
    assert "Regionala rådet" not in page


def test_an_admin_save_makes_the_page_stale(client, admin_client, period):
    council = period.bodies.get()
    before = client.get("/perioder/2023-2026/regionala-radet/")
    response = admin_client.post(
        reverse("admin:bodies_body_change", args=[council.pk]),
        {
            "period": period.pk,
            "name": "Regionala rådet",
            "slug": "regionala-radet",
            "kind": "political_council",
            "purpose": "Ett syfte som syns",
            "rules-TOTAL_FORMS": 0,
            "rules-INITIAL_FORMS": 0,
            "seats-TOTAL_FORMS": 0,
            "seats-INITIAL_FORMS": 0,
            "_save": "Spara",
        },
    )
    assert response.status_code in (200, 302)
    after = client.get(
        "/perioder/2023-2026/regionala-radet/", headers={"if-none-match": before["ETag"]}
    )
    if response.status_code == 302:
        assert after.status_code == 200
        assert "Ett syfte som syns" in after.content.decode()


def test_staff_always_get_a_fresh_private_page(client, admin_client, period):
    address = "/perioder/2023-2026/regionala-radet/"
    public = client.get(address)
    staff = admin_client.get(address)

    assert staff["Cache-Control"] == "private, no-cache"
    assert "ETag" not in staff
    # The secretary's link is on the staff page only; the cached public page lacks it.
    assert "Registrera ett nytt möte" in staff.content.decode()
    assert "Registrera ett nytt möte" not in public.content.decode()
    assert "Registrera ett nytt möte" not in client.get(address).content.decode()


def test_the_admin_is_never_cached(admin_client, period):
    response = admin_client.get("/admin/")
    assert (
        response["Cache-Control"].startswith("private") or "no-cache" in response["Cache-Control"]
    )
    assert "ETag" not in response


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_write_by_another_server_process_makes_the_page_stale_at_once(client, period):
    before = client.get(PAGE)
    rename_bodies_in_another_process("Ändrat av en annan process")

    after = client.get(PAGE, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Ändrat av en annan process" in after.content.decode()
