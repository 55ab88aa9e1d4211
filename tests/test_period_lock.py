"""A period is open until the registry secretary locks it; the admin says so clearly."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bodies.models import MandatePeriod
from tests.pages import freeze_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def periods(make, monkeypatch):
    freeze_today(monkeypatch)  # 22 November 2026
    ended = make.period("2019–2022")
    current = make.period("2023–2026")
    proposal = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    return ended, current, proposal


def test_the_period_list_shows_open_locked_and_ended(admin_client, periods):
    _ended, _current, proposal = periods
    proposal.lock(reason="Granskas")

    page = admin_client.get(reverse("admin:bodies_mandateperiod_changelist")).text

    assert [state in page for state in ("Avslutad", "Öppen", "Låst")] == [True, True, True]
    assert MandatePeriod.objects.open().get().name == "2023–2026"


def test_a_change_form_in_a_locked_period_says_so(admin_client, periods, make):
    _ended, _current, proposal = periods
    seat = make.seat(make.body(proposal, "Rådet"), make.organisation("Nora kommun"))
    proposal.lock(reason="Granskas")

    page = admin_client.get(reverse("admin:bodies_seat_change", args=[seat.pk])).text

    assert "Mandatperioden 2027–2030 är låst sedan" in page
    assert "Bara registersekreteraren kan ändra den" in page


def test_a_change_form_in_an_ended_period_says_so(admin_client, periods, make):
    ended, _current, _proposal = periods
    body = make.body(ended, "Rådet")
    page = admin_client.get(reverse("admin:bodies_body_change", args=[body.pk])).text
    assert "Mandatperioden 2019–2022 har avslutats" in page


def test_locking_twice_or_unlocking_an_open_period_is_refused(periods):
    _ended, current, _proposal = periods
    with pytest.raises(ValidationError, match="inte låst"):
        current.unlock(reason="Fel")
    current.lock()
    with pytest.raises(ValidationError, match="redan låst"):
        current.lock()
    with pytest.raises(ValidationError, match="Ange varför"):
        current.unlock(reason=" ")
