"""The secretary carries a period forward and marks a proposal decided, in the admin."""

import datetime
from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse

from bodies.models import Body, MandatePeriod

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def period(make):
    period = make.period("2023–2026")
    top = make.body(period, "Regionala rådet")
    make.body(period, "Kulturrådet", parent=top)
    return period


def test_the_period_page_offers_to_create_the_next_period(admin_client, period):
    page = admin_client.get(reverse("admin:bodies_mandateperiod_change", args=[period.pk]))
    assert "Skapa nästa period från denna" in page.text
    form = admin_client.get(reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]))
    assert 'value="2027–2030"' in form.text
    assert 'value="2027-2030"' in form.text


def test_creating_the_next_period_copies_the_structure_as_a_proposal(admin_client, period):
    response = admin_client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        {"name": "2027–2030", "slug": "2027-2030", "start": "2027-01-01", "end": "2030-12-31"},
        follow=True,
    )
    new = MandatePeriod.objects.get(slug="2027-2030")
    assert new.status == MandatePeriod.Status.PROPOSED
    assert "Mandatperioden 2027–2030 har skapats som förslag med 2 organ från 2023–2026." in (
        response.text
    )
    assert Body.objects.get(period=new, slug="kulturradet").parent.slug == "regionala-radet"


def test_an_overlapping_next_period_is_refused_and_nothing_is_created(admin_client, period):
    response = admin_client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        {"name": "2026–2029", "slug": "2026-2029", "start": "2026-01-01", "end": "2029-12-31"},
    )
    assert response.status_code == 200
    assert "Den nya perioden måste börja efter 2023–2026." in response.text
    assert 'value="2026–2029"' in response.text  # what was typed is kept
    assert MandatePeriod.objects.count() == 1


def test_a_carry_forward_that_loses_to_a_concurrent_save_gets_the_form_back(admin_client, period):
    # What the database answers when another save created an overlapping period first.
    refused = IntegrityError(
        'conflicting key value violates exclusion constraint "mandate_period_no_overlap"'
    )
    with mock.patch("bodies.services.carry_forward", side_effect=refused):
        response = admin_client.post(
            reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
            {"name": "2027–2030", "slug": "2027-2030", "start": "2027-01-01", "end": "2030-12-31"},
        )
    assert response.status_code == 200
    assert (
        "En annan ändring sparades samtidigt, och med den skulle den här bryta mot regeln att "
        "mandatperioder får inte överlappa varandra." in response.text
    )
    assert 'value="2027–2030"' in response.text


def test_a_proposal_is_marked_decided_with_its_decision(admin_client, make):
    proposal = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    url = reverse("admin:bodies_mandateperiod_mark_decided", args=[proposal.pk])
    missing = admin_client.post(url, {"decision_reference": "", "decided_on": ""})
    assert missing.status_code == 200
    proposal.refresh_from_db()
    assert proposal.is_proposed
    admin_client.post(url, {"decision_reference": "RSR 2026-10-15 § 4", "decided_on": "2026-10-15"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reference, proposal.decided_on) == (
        MandatePeriod.Status.DECIDED,
        "RSR 2026-10-15 § 4",
        D(2026, 10, 15),
    )


def test_the_status_cannot_be_changed_in_passing(admin_client, make):
    proposal = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    page = admin_client.get(reverse("admin:bodies_mandateperiod_change", args=[proposal.pk]))
    assert 'name="status"' not in page.text
    assert "Markera som beslutad" in page.text


def test_after_creating_the_next_period_the_list_shows_its_bodies(admin_client, period):
    response = admin_client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        {"name": "2027–2030", "slug": "2027-2030", "start": "2027-01-01", "end": "2030-12-31"},
    )
    new = MandatePeriod.objects.get(slug="2027-2030")
    assert response.url.endswith(f"?period={new.pk}")

    bodies = admin_client.get(response.url)

    assert "2 organ" in bodies.text
    assert list(bodies.context["cl"].queryset) == list(Body.objects.filter(period=new))


def test_the_form_proposes_the_next_free_period_and_links_the_existing_one(
    admin_client, period, make
):
    proposal = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    make.body(proposal, "Regionala rådet")

    form = admin_client.get(reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]))

    assert 'value="2031–2034"' in form.text
    assert 'value="2031-01-01"' in form.text
    assert "2027–2030 finns redan (förslag, 1 organ)." in form.text
    assert f'href="/admin/bodies/body/?period={proposal.pk}"' in form.text


def test_the_proposed_next_free_period_can_be_created_as_it_stands(admin_client, period, make):
    make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    form = admin_client.get(reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]))
    data = {name: field.initial for name, field in form.context["form"].fields.items()}
    data.update(form.context["form"].initial)

    response = admin_client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        {key: value for key, value in data.items() if value is not None},
    )

    assert response.status_code == 302
    assert MandatePeriod.objects.get(slug="2031-2034").bodies.count() == 2


def test_errors_name_their_field(admin_client, period, make):
    make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)

    response = admin_client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        {"name": "2027–2030", "slug": "2027-2030", "start": "2027-01-01", "end": "2030-12-31"},
    )

    errors = response.context["form"].errors
    assert errors["name"] == ["Det finns redan en mandatperiod med det namnet."]
    assert errors["slug"] == ["Adressen är upptagen; välj en annan."]
    assert errors["start"] == ["Perioden överlappar 2027–2030."]
    assert "__all__" not in errors
    assert MandatePeriod.objects.count() == 2
