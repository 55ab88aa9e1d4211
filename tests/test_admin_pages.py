"""Every admin page the secretary uses renders, with the structure's data in it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bodies.models import Seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(make):
    """One of everything, linked together."""
    period = make.period("2023–2026")
    part = make.county_part("Norra länsdelen")
    region = make.organisation("Region Örebro län", kind="region")
    town = make.organisation("Lindesbergs kommun", county_part=part, code="1885")
    council = make.body(period, "Regionala samverkansrådet", short_name="RSR")
    group = make.body(period, "Chefsgrupp kultur", kind="officials_group", parent=council)
    group.member_organisations.add(region, town)
    make.rule(group, ordinary=1, substitutes=1)
    ordinary = make.seat(group, town)
    make.seat(group, town, role=Seat.Role.SUBSTITUTE, backs=ordinary)
    person = make.person("Anna", "Berg", party=make.party(), organisation=town)
    appointment = make.appointment(person, ordinary)
    return {
        "countypart": part,
        "organisation": town,
        "mandateperiod": period,
        "body": group,
        "seat": ordinary,
        "compositionrule": group.rules.get(),
        "party": person.party,
        "person": person,
        "appointment": appointment,
    }


MODELS = [
    ("bodies", "countypart"),
    ("bodies", "organisation"),
    ("bodies", "mandateperiod"),
    ("bodies", "body"),
    ("bodies", "seat"),
    ("bodies", "compositionrule"),
    ("members", "party"),
    ("members", "person"),
    ("members", "appointment"),
]


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_add_and_change_pages_render(admin_client, registry, app, model):
    obj = registry[model]
    for url in (
        reverse(f"admin:{app}_{model}_changelist"),
        reverse(f"admin:{app}_{model}_add"),
        reverse(f"admin:{app}_{model}_change", args=[obj.pk]),
        reverse(f"admin:{app}_{model}_delete", args=[obj.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_search_works(admin_client, registry, app, model):
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_index_has_the_swedish_titles(admin_client):
    response = admin_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert "Samverkan – administration" in content
    assert "Register över samverkansorganisationen" in content
    assert "<title>Register över samverkansorganisationen | Samverkan</title>" in content


def test_body_tree_shows_kind_seats_and_composition_status(admin_client, registry):
    response = admin_client.get(reverse("admin:bodies_body_changelist"), {"period": "all"})
    content = response.content.decode()
    assert '<span class="tree-title tree-level-1">Chefsgrupp kultur</span>' in content
    assert "tjänstepersonsgrupp" in content
    # The substitute seat has nobody in it, and nobody reported it vacant.
    assert "1 utan uppgift" in content
    # No inline style attributes: the Content-Security-Policy would block them.
    assert 'style="' not in content


def test_body_changelist_defaults_to_the_current_period_and_keeps_the_filter(admin_client, make):
    year = timezone.localdate().year
    current = make.period(f"{year}–{year + 3}")
    earlier = make.period(f"{year - 4}–{year - 1}")
    make.body(current, "Nuvarande rådet")
    make.body(earlier, "Tidigare rådet")
    url = reverse("admin:bodies_body_changelist")

    content = admin_client.get(url).content.decode()
    assert "Nuvarande rådet" in content
    assert "Tidigare rådet" not in content
    assert f"?period={earlier.pk}" in content  # the filter stays visible

    content = admin_client.get(url, {"period": "all"}).content.decode()
    assert "Nuvarande rådet" in content
    assert "Tidigare rådet" in content

    content = admin_client.get(url, {"period": earlier.pk}).content.decode()
    assert "Nuvarande rådet" not in content
    assert "Tidigare rådet" in content


def test_body_change_page_shows_the_composition_report_and_seat_links(admin_client, registry):
    body, seat = registry["body"], registry["seat"]
    response = admin_client.get(reverse("admin:bodies_body_change", args=[body.pk]))
    content = response.content.decode()
    assert "Uppgift saknas" in content  # the empty substitute seat: nothing known yet
    assert reverse("admin:bodies_seat_change", args=[seat.pk]) in content
    assert "Ändra uppdrag" in content
    assert "Anna Berg" in content  # the current holder of the ordinary seat


def test_seat_change_page_shows_its_body_and_appointments(admin_client, registry):
    seat = registry["seat"]
    response = admin_client.get(reverse("admin:bodies_seat_change", args=[seat.pk]))
    content = response.content.decode()
    assert reverse("admin:bodies_body_change", args=[seat.body_id]) in content
    assert "appointments-TOTAL_FORMS" in content
    assert "Anna Berg" in content


def test_person_change_page_has_contact_details_and_appointments(admin_client, registry):
    person = registry["person"]
    response = admin_client.get(reverse("admin:members_person_change", args=[person.pk]))
    content = response.content.decode()
    assert "Kontaktuppgifter" in content
    assert "appointments-TOTAL_FORMS" in content


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("admin:bodies_body_changelist", {"period": "all"}),
        ("admin:bodies_seat_changelist", {"period": "all"}),
        ("admin:members_appointment_changelist", {"period": "all"}),
        ("admin:members_person_changelist", {}),
    ],
)
def test_changelists_of_the_real_data_need_few_queries(
    admin_client, orebro, django_assert_max_num_queries, url_name, params
):
    # Hundreds of seats in three periods; the query count must not follow them. Four
    # are sign-in: the second-factor check, and saving the session on each request
    # (the two-hour idle timeout) in a savepoint.
    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse(url_name), params)
    assert response.status_code == 200


def test_seat_and_appointment_filters_offer_the_bodies_of_the_chosen_period(admin_client, make):
    year = timezone.localdate().year
    current = make.period(f"{year}–{year + 3}")
    earlier = make.period(f"{year - 4}–{year - 1}")
    make.body(current, "Nuvarande rådet")
    make.body(earlier, "Tidigare rådet")
    for url in (
        reverse("admin:bodies_seat_changelist"),
        reverse("admin:members_appointment_changelist"),
    ):
        content = admin_client.get(url).content.decode()
        assert "Nuvarande rådet" in content
        assert "Tidigare rådet" not in content
        content = admin_client.get(url, {"period": earlier.pk}).content.decode()
        assert "Nuvarande rådet" not in content
        assert "Tidigare rådet" in content
