"""Each structure or meeting import is one change set with its actor and reason, found
from the period's admin page (bodies/history.py)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from bodies.history import ChangeSet
from bodies.models import Body, MandatePeriod, Membership, Seat
from meetings.models import Adjuster, Meeting
from members.models import Appointment
from tests.test_structure_json import small
from tests.test_structure_json_admin import upload

pytestmark = pytest.mark.django_db


def test_loading_the_structure_and_the_meetings_are_two_change_sets_by_their_actor(
    admin_user,
):
    call_command("load_structure", "fixtures/orebro.toml", "--user", "admin", verbosity=0)
    structure = ChangeSet.objects.get()
    assert structure.kind == ChangeSet.Kind.STRUCTURE_IMPORT
    assert (structure.actor, structure.actor_name) == (admin_user, "admin")
    assert structure.reason == "manage.py load_structure fixtures/orebro.toml"
    assert structure.period == MandatePeriod.objects.order_by("-start").first()
    # Everything written carries the change set and the actor, memberships too.
    for model in (Body, Seat, Appointment, Membership):
        assert model.objects.exists()
        history = model.history.all()
        assert history.count() == history.filter(change_set=structure).count() > 0
        assert not history.exclude(history_user=admin_user).exists()

    call_command(
        "load_meetings",
        "fixtures/orebro-meetings.toml",
        "--user",
        "admin",
        "--reason",
        "Protokollen 2022",
        verbosity=0,
    )
    meetings = ChangeSet.objects.exclude(pk=structure.pk).get()
    assert (meetings.kind, meetings.actor, meetings.reason) == (
        ChangeSet.Kind.MEETING_IMPORT,
        admin_user,
        "Protokollen 2022",
    )
    assert meetings.period == Meeting.objects.get(start__date="2022-09-29").body.period
    for model in (Meeting, Adjuster):
        assert model.history.filter(change_set=meetings).count() == model.objects.count() > 0
    record = Meeting.history.filter(change_set=meetings).first()
    assert record.history_change_reason == "Protokollen 2022"


def test_an_unknown_user_is_refused_before_anything_is_written(db):
    with pytest.raises(CommandError, match="inget konto"):
        call_command("load_structure", "fixtures/orebro.toml", "--user", "nobody", verbosity=0)
    assert not MandatePeriod.objects.exists()
    assert not ChangeSet.objects.exists()


def test_a_json_import_is_one_change_set_and_a_repeat_or_dry_run_leaves_none(tmp_path, db):
    path = tmp_path / "region.json"
    path.write_text(json.dumps(small()))
    call_command("import_structure", str(path), "--dry-run", verbosity=0)
    assert not ChangeSet.objects.exists()

    call_command("import_structure", str(path), "--reason", "Första inläsningen", verbosity=0)
    change = ChangeSet.objects.get()
    assert (change.kind, change.actor, change.reason) == (
        "structure_import",
        None,
        "Första inläsningen",
    )
    assert change.period.slug == "2023-2026"  # the newest period of the file
    recorded = Body.history.filter(change_set=change)
    assert recorded.count() == Body.history.count()
    assert set(recorded.values_list("id", flat=True)) == set(
        Body.objects.values_list("pk", flat=True)
    )

    call_command("import_structure", str(path), verbosity=0)
    assert ChangeSet.objects.count() == 1  # nothing changed, nothing recorded


def test_the_admin_upload_is_a_change_set_of_the_secretary_found_from_each_period(
    admin_client,
):
    upload(admin_client, small(), dry_run=True)
    assert not ChangeSet.objects.exists()

    upload(admin_client, small(), dry_run=False)

    change = ChangeSet.objects.get()
    assert (change.kind, change.actor.username) == ("structure_import", "admin")
    assert change.reason == "Strukturfil region.json inläst i administrationen."
    assert all(row.history_user.username == "admin" for row in Body.history.all())
    # Listed on the page of every period it wrote bodies of, not only the newest.
    for period in MandatePeriod.objects.all():
        page = admin_client.get(reverse("admin:bodies_mandateperiod_change", args=[period.pk]))
        link = reverse("admin:bodies_mandateperiod_change_set", args=[period.pk, change.pk])
        assert link in page.text, period
        assert "Inläst strukturfil" in page.text
