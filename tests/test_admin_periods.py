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
