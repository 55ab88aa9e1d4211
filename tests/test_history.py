"""Every change to the registry is kept: who, when (UTC), old and new values, why; bulk
operations are one change set found from the period; the registry secretary reverts."""

import datetime

import pytest
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from bodies.history import ChangeSet, change_set
from bodies.models import Body, MandatePeriod, Organisation, Seat
from members.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(make):
    period = make.period("2023–2026")
    return make.body(period, "Kulturrådet", purpose="Samverkan om kultur.")


def body_form(body, **changes):
    data = {
        "period": body.period_id,
        "name": body.name,
        "short_name": body.short_name,
        "slug": body.slug,
        "kind": body.kind,
        "parent": body.parent_id or "",
        "supports": "",
        "predecessor": "",
        "purpose": body.purpose,
        "legal_basis": "",
        "min_meetings_per_year": "",
        "closing_note": "",
        "min_members": "",
        "composition_note": "",
        "lead_organisation": "",
        "county_part": "",
        "change_reason": "",
    }
    for prefix in ("rules", "seats"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | changes


def test_an_edit_keeps_actor_time_old_and_new_values_and_reason(admin_client, council):
    url = reverse("admin:bodies_body_change", args=[council.pk])
    admin_client.post(
        url,
        body_form(council, kind="network", purpose="Nätverk för kultur.", change_reason="RSR § 4"),
    )

    latest, before = council.history.all()[:2]
    assert latest.history_user.username == "admin"
    assert latest.history_date.utcoffset() == datetime.timedelta(0)  # stored in UTC
    assert latest.history_change_reason == "RSR § 4"
    changed = {c.field: (c.old, c.new) for c in latest.diff_against(before).changes}
    assert changed == {
        "kind": ("political_council", "network"),
        "purpose": ("Samverkan om kultur.", "Nätverk för kultur."),
    }
    page = admin_client.get(reverse("admin:bodies_body_history", args=[council.pk])).text
    assert "RSR § 4" in page


def test_the_history_page_shows_each_change_with_human_readable_values(admin_client, council):
    url = reverse("admin:bodies_body_change", args=[council.pk])
    admin_client.post(url, body_form(council, kind="network"))

    page = admin_client.get(reverse("admin:bodies_body_history", args=[council.pk])).text

    assert "<strong>Typ:</strong> politiskt samverkansråd &rarr; nätverk" in page


def test_the_registry_secretary_reverts_to_an_earlier_version(admin_client, council):
    admin_client.post(
        reverse("admin:bodies_body_change", args=[council.pk]),
        body_form(council, purpose="Fel text."),
    )
    first = council.history.earliest()
    url = reverse("admin:bodies_body_simple_history", args=[council.pk, first.history_id])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Återställ" in page.text
    response = admin_client.post(url, body_form(council, purpose="Samverkan om kultur."))

    assert response.status_code == 302
    council.refresh_from_db()
    assert council.purpose == "Samverkan om kultur."
    latest = council.history.first()
    assert latest.history_user.username == "admin"
    assert latest.history_change_reason.startswith("Återställd till versionen från")


def test_a_revert_that_breaks_an_invariant_is_refused_with_its_message(admin_client, make):
    period = make.period("2023–2026")
    seat = make.seat(make.body(period, "Rådet"), make.organisation("Nora kommun"))
    anna, bo = make.person("Anna", "Berg"), make.person("Bo", "Ek")
    first = make.appointment(anna, seat, start=datetime.date(2023, 1, 1))
    first.end = datetime.date(2024, 12, 31)
    first.save()
    make.appointment(bo, seat, start=datetime.date(2025, 1, 1))
    open_ended = first.history.earliest()  # Anna without an end: overlaps Bo now
    url = reverse(
        "admin:members_appointment_simple_history", args=[first.pk, open_ended.history_id]
    )

    response = admin_client.post(
        url,
        {"person": anna.pk, "seat": seat.pk, "start": "2023-01-01", "end": "", "note": ""},
    )

    assert response.status_code == 200
    assert "Platsen innehas redan av Bo Ek från 1 januari 2025" in response.text
    first.refresh_from_db()
    assert first.end == datetime.date(2024, 12, 31)


def test_nobody_but_the_registry_secretary_may_revert(client, roles, make):
    nora = make.organisation("Nora kommun")
    period = make.period(
        "2025–2028", start=datetime.date(2025, 1, 1), end=datetime.date(2028, 12, 31)
    )
    person = make.person("Nils", "Noraström", organisation=nora)
    person.title = "Ny titel"
    person.save()
    client.force_login(roles("nora", organisations=[nora]))
    url = reverse(
        "admin:members_person_simple_history",
        args=[person.pk, person.history.earliest().history_id],
    )

    page = client.get(url)
    assert page.status_code == 200  # the editor may look at the old version …
    assert 'value="Återställ"' not in page.text
    response = client.post(url, {"first_name": "Nils", "last_name": "Noraström"})
    assert response.status_code == 403  # … but not save it
    person.refresh_from_db()
    assert person.title == "Ny titel"
    assert period.is_open


def test_deleting_an_object_keeps_its_history(admin_client, council):
    pk = council.pk
    admin_client.post(reverse("admin:bodies_body_delete", args=[pk]), {"post": "yes"})

    assert not Body.objects.filter(pk=pk).exists()
    assert [r.history_type for r in Body.history.filter(id=pk)] == ["-", "+"]
    page = admin_client.get(reverse("admin:bodies_body_history", args=[pk]))
    assert page.status_code == 200
    assert "Borttagen" in page.text


def test_carry_forward_is_one_change_set_with_everything_it_wrote(admin_client, make):
    period = make.period("2023–2026")
    top = make.body(period, "Regionala rådet")
    group = make.body(period, "Kulturgruppen", parent=top)
    group.member_organisations.add(make.organisation("Nora kommun"))
    make.seat(group, Organisation.objects.get())

    admin_client.post(
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        {"name": "2027–2030", "slug": "2027-2030", "start": "2027-01-01", "end": "2030-12-31"},
    )

    new = MandatePeriod.objects.get(slug="2027-2030")
    change = ChangeSet.objects.get()
    assert (change.kind, change.period, change.actor.username) == ("carry_forward", new, "admin")
    assert Body.history.filter(change_set=change).count() == 2
    assert Seat.history.filter(change_set=change).count() == 1
    assert new.history.get().change_set == change
    assert all(r.history_user.username == "admin" for r in Body.history.filter(change_set=change))
    # Found from the new period's page, and listing what it touched.
    page = admin_client.get(reverse("admin:bodies_mandateperiod_change", args=[new.pk])).text
    link = reverse("admin:bodies_mandateperiod_change_set", args=[new.pk, change.pk])
    assert link in page
    touched = admin_client.get(link).text
    assert "Kulturgruppen" in touched
    assert "Regionala rådet" in touched


def test_lock_and_unlock_are_change_sets_and_unlocking_needs_a_reason(admin_client, make):
    period = make.period("2019–2022")
    lock = reverse("admin:bodies_mandateperiod_lock", args=[period.pk])
    unlock = reverse("admin:bodies_mandateperiod_unlock", args=[period.pk])

    admin_client.post(lock, {"reason": "Perioden är slut"})
    period.refresh_from_db()
    assert period.is_locked
    refused = admin_client.post(unlock, {"reason": ""})
    assert refused.status_code == 200
    period.refresh_from_db()
    assert period.is_locked
    admin_client.post(unlock, {"reason": "Rättelse av ett uppdrag"})
    period.refresh_from_db()

    assert not period.is_locked
    kinds = list(ChangeSet.objects.order_by("pk").values_list("kind", "reason", "actor__username"))
    assert kinds == [
        ("lock", "Perioden är slut", "admin"),
        ("unlock", "Rättelse av ett uppdrag", "admin"),
    ]
    assert [r.history_change_reason for r in period.history.all()[:2]] == [
        "Rättelse av ett uppdrag",
        "Perioden är slut",
    ]
    listing = admin_client.get(reverse("admin:bodies_mandateperiod_changelist")).text
    assert "Avslutad" in listing  # 2019–2022: unlocked, but ended


def test_mark_decided_is_a_change_set(admin_client, make):
    proposal = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    admin_client.post(
        reverse("admin:bodies_mandateperiod_mark_decided", args=[proposal.pk]),
        {"decision_reference": "RSR 2026-10-15 § 4", "decided_on": "2026-10-15"},
    )
    change = ChangeSet.objects.get()
    assert (change.kind, change.period, change.reason) == (
        "mark_decided",
        proposal,
        "RSR 2026-10-15 § 4",
    )
    assert proposal.history.first().change_set == change


def test_bulk_writes_inside_a_change_set_carry_it(make, django_user_model):
    """The hook for imports: anything written inside ``change_set()`` belongs to it."""
    period = make.period("2023–2026")
    user = django_user_model.objects.create_user("importerare")
    with change_set(user, ChangeSet.Kind.STRUCTURE_IMPORT, "Ny fil", period) as change:
        bulk_create_with_history(
            [
                Organisation(name=f"Kommun {n}", slug=f"kommun-{n}", kind="municipality")
                for n in (1, 2)
            ],
            Organisation,
        )
        make.body(period, "Rådet")
    assert Organisation.history.filter(change_set=change).count() == 2
    record = Body.history.get()
    assert (record.change_set, record.history_user) == (change, user)
    assert record.history_change_reason == "Ny fil"


def test_moving_a_body_in_the_tree_keeps_its_old_position(admin_client, make):
    period = make.period("2023–2026")
    first = make.body(period, "Första rådet")
    second = make.body(period, "Andra rådet")
    group = make.body(period, "Gruppen", parent=first)

    admin_client.post(
        reverse("admin:bodies_body_changelist"),
        {
            "cmd": "move_node",
            "cut_item": group.pk,
            "pasted_on": second.pk,
            "position": "last-child",
        },
    )

    latest, before = group.history.all()[:2]
    assert (before.parent_id, latest.parent_id) == (first.pk, second.pk)
    assert before.tree_id == first.tree_id
    assert latest.tree_id == second.tree_id


def test_an_appointment_keeps_its_history_when_its_person_is_unpublished(make):
    seat = make.seat(make.body(make.period("2023–2026")), make.organisation())
    appointment = make.appointment(make.person(), seat)
    appointment.person.is_published = False
    appointment.person.save()
    assert Appointment.history.filter(id=appointment.pk).count() == 1
