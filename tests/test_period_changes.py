"""The public history: a period's "Ändringar" page and Atom feed, and a body's
"Senast ändrad" — from the historical records, without unpublished people."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from bodies.models import Seat
from members.models import Appointment
from tests import bigdata
from tests.pages import STAMP_QUERIES, Page, freeze_today

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def visible_text(response):
    return Page(response).text


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def dated(obj, day):
    """Date the object's historical records written after the day on the day."""
    type(obj).history.filter(id=obj.pk, history_date__gt=at(day)).update(history_date=at(day))
    return obj


def save_on(obj, day):
    """Save, as if on the day (the record the save writes is dated then)."""
    obj.save()
    return dated(obj, day)


@pytest.fixture
def registry(make, monkeypatch):
    freeze_today(monkeypatch)  # 22 November 2026
    period = make.period("2023–2026")
    nora = make.organisation("Nora kommun")
    council = dated(make.body(period, "Kulturrådet", purpose="Kultur."), datetime.date(2023, 1, 10))
    seat = dated(make.seat(council, nora), datetime.date(2023, 1, 10))
    anna = make.person("Anna", "Berg", email="anna.berg@nora.se", organisation=nora)
    hidden = make.person("Hemlig", "Person", email="hemlig@nora.se", organisation=nora)
    substitute = dated(
        make.seat(council, nora, role=Seat.Role.SUBSTITUTE), datetime.date(2023, 1, 10)
    )
    appointment = Appointment(person=anna, seat=seat, start=datetime.date(2026, 10, 1))
    save_on(appointment, datetime.date(2026, 10, 2))
    secret = Appointment(person=hidden, seat=substitute, start=datetime.date(2026, 10, 1))
    save_on(secret, datetime.date(2026, 10, 3))
    hidden.is_published = False
    hidden.save()
    council.purpose = "Samverkan om kultur."
    save_on(council, datetime.date(2026, 11, 1))
    return {"period": period, "council": council, "seat": seat, "appointment": appointment}


def changes_url(period, **params):
    url = f"/perioder/{period.slug}/andringar/"
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_the_changes_page_lists_the_last_90_days_by_default(client, registry):
    text = visible_text(client.get(changes_url(registry["period"])))

    assert "2 ändringar 24 augusti 2026 – 22 november 2026" in text
    assert "Kulturrådet Ändrad: syfte och uppdrag" in text
    assert "Anna Berg i Kulturrådet för Nora kommun, 1 oktober 2026 Tillagd" in text


def test_a_chosen_span_shows_what_changed_then(client, registry):
    text = visible_text(
        client.get(changes_url(registry["period"], fran="2023-01-01", till="2023-12-31"))
    )
    assert "3 ändringar 1 januari 2023 – 31 december 2023" in text
    assert "Kulturrådet Tillagd" in text
    assert "Kulturrådet: plats för Nora kommun (ordinarie ledamot) Tillagd" in text
    assert "Anna Berg" not in text


def test_unpublished_people_and_contact_details_never_appear(client, registry):
    everything = client.get(changes_url(registry["period"], fran="2000-01-01")).text
    feed = client.get(changes_url(registry["period"]) + "atom/").text

    for page in (everything, feed):
        assert "Hemlig" not in page
        assert "@nora.se" not in page
        assert "Anna Berg" in page


def test_a_person_unpublished_later_disappears_from_the_changes(client, registry):
    anna = registry["appointment"].person
    anna.is_published = False
    anna.save()

    page = client.get(changes_url(registry["period"], fran="2000-01-01")).text

    assert "Anna Berg" not in page


def test_a_bad_span_gets_a_message_and_the_last_90_days(client, registry):
    response = client.get(changes_url(registry["period"], fran="igår", till="2024-13-01"))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Tidsperioden gick inte att använda" in text
    assert "24 augusti 2026 – 22 november 2026" in text


def test_the_atom_feed_has_the_newest_changes(client, registry):
    response = client.get(changes_url(registry["period"]) + "atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles[0] == "Ändrad: Kulturrådet"
    assert "Tillagd: Anna Berg i Kulturrådet för Nora kommun, 1 oktober 2026" in titles
    assert len(titles) == 5  # the body twice, two seats, Anna's appointment


def test_the_body_page_says_when_the_roster_last_changed(client, registry, make):
    council = registry["council"]
    text = visible_text(client.get(council.get_absolute_url()))
    assert "Senast ändrad 1 november 2026" in text

    # A new appointment moves the date.
    seat = dated(make.seat(council, registry["seat"].organisation), datetime.date(2023, 1, 10))
    bo = make.person("Bo", "Ek")
    save_on(
        Appointment(person=bo, seat=seat, start=seat.body.period.start), datetime.date(2026, 11, 20)
    )
    text = visible_text(client.get(council.get_absolute_url()))
    assert "Senast ändrad 20 november 2026" in text

    # An unpublished person's appointment does not move it (nor show anything else).
    hidden = make.person("Hemlig", "Två", is_published=False)
    other = dated(make.seat(council, registry["seat"].organisation), datetime.date(2023, 1, 10))
    save_on(
        Appointment(person=hidden, seat=other, start=seat.body.period.start),
        datetime.date(2026, 11, 21),
    )
    text = visible_text(client.get(council.get_absolute_url()))
    assert "Senast ändrad 20 november 2026" in text


def test_the_period_page_links_to_its_changes(client, registry):
    page = client.get(registry["period"].get_absolute_url()).text
    assert f'href="{changes_url(registry["period"])}"' in page


def test_the_changes_page_reads_a_fixed_number_of_queries_on_big_data(
    client, monkeypatch, django_assert_max_num_queries
):
    freeze_today(monkeypatch)
    data = bigdata.generate()
    seats = Seat.objects.filter(body__period=data.current)
    appointments = Appointment.objects.filter(seat__body__period=data.current).public()
    Seat.history.bulk_history_create(seats, default_date=at(datetime.date(2026, 9, 1)))
    Appointment.history.bulk_history_create(
        Appointment.objects.filter(seat__body__period=data.current),
        default_date=at(datetime.date(2026, 9, 2)),
    )
    url = changes_url(data.current)
    assert seats.count() + appointments.count() > 1000

    for page in ("", "&sida=3"):
        with django_assert_max_num_queries(9 + STAMP_QUERIES):
            response = client.get(url + "?fran=2026-01-01" + page)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == seats.count() + appointments.count()
    with django_assert_max_num_queries(8 + STAMP_QUERIES):
        assert client.get(url + "atom/").status_code == 200
    # The body page's budget in tests/test_query_counts.py.
    with django_assert_max_num_queries(16 + STAMP_QUERIES):
        assert client.get(data.biggest_body.get_absolute_url()).status_code == 200
