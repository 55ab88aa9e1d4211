"""The secretary uploads a JSON structure file in the admin and sees the import's report."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bodies.models import Body, MandatePeriod
from samverkan.files import structure_json
from tests.test_structure_json import small

pytestmark = pytest.mark.django_db


def upload(client, data, dry_run, name="region.json"):
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    fields = {"file": SimpleUploadedFile(name, content, content_type="application/json")}
    if dry_run:
        fields["dry_run"] = "on"
    return client.post(reverse("admin:bodies_mandateperiod_import"), fields, follow=True)


def test_the_period_list_links_to_the_upload(admin_client):
    page = admin_client.get(reverse("admin:bodies_mandateperiod_changelist")).content.decode()
    assert reverse("admin:bodies_mandateperiod_import") in page
    assert "Läs in strukturfil" in page


def test_a_trial_run_shows_what_would_change_and_saves_nothing(admin_client):
    form = admin_client.get(reverse("admin:bodies_mandateperiod_import"))
    assert form.status_code == 200
    assert 'type="file"' in form.content.decode()

    response = upload(admin_client, small(), dry_run=True)

    text = response.content.decode()
    assert "Provkörning – ingenting sparades" in text
    assert "+ organ: 2023-2026/gruppen" in text
    assert not MandatePeriod.objects.exists()


def test_a_real_run_imports_and_a_second_changes_nothing(admin_client):
    upload(admin_client, small(), dry_run=False)
    assert Body.objects.count() == 3

    again = upload(admin_client, small(), dry_run=False)

    assert "Redan inläst – ingenting ändrades" in again.content.decode()


def test_a_bad_file_lists_every_problem_and_saves_nothing(admin_client):
    data = small()
    data["bodies"][2]["parent"] = "KC/RD"
    data["bodies"][1]["seats"][2]["appointments"][1]["start"] = "2024-06-01"

    text = upload(admin_client, data, dry_run=False).content.decode()

    assert "Filen innehåller 2 fel; ingenting sparades." in text
    assert "bodies[2].parent: okänt organ &quot;KC/RD&quot; i 2023-2026" in text
    assert "bodies[1].seats[2].appointments[1]: överlappar appointments[0]" in text
    assert not MandatePeriod.objects.exists()


def test_a_truncated_file_is_reported(admin_client):
    text = structure_json.dumps(small()).encode()
    page = upload(admin_client, text[:500], dry_run=True).content.decode()
    assert "region.json: filen är inte giltig JSON (rad " in page


def test_someone_without_the_rights_cannot_import(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:bodies_mandateperiod_import")).status_code == 403


def test_the_upload_returns_at_once_and_the_worker_imports_later(admin_client, settings):
    """With a real queue the request only stores the file; the job page shows its state."""
    from bodies.import_job import ImportJob
    from samverkan.admin_import import run_structure_import

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    response = upload(admin_client, small(), dry_run=False)
    job = ImportJob.objects.get()
    assert response.redirect_chain[-1][0] == job.get_admin_url()
    page = response.content.decode()
    assert "i kö" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert not Body.objects.exists()
    listing = admin_client.get(reverse("admin:bodies_mandateperiod_changelist")).content.decode()
    assert "Senaste inläsningar av strukturfiler" in listing
    assert "region.json" in listing

    run_structure_import.call(job.pk)  # what the worker does

    assert Body.objects.count() == 3
    page = admin_client.get(job.get_admin_url()).content.decode()
    assert "klar" in page
    assert "Inläst" in page
    assert "refresh" not in page


def test_a_real_run_is_one_change_set_by_the_uploader(admin_client, admin_user):
    from bodies.history import ChangeSet
    from bodies.import_job import ImportJob

    upload(admin_client, small(), dry_run=False)

    job = ImportJob.objects.get()
    change = ChangeSet.objects.get()
    assert job.change_set == change
    assert (change.kind, change.actor) == (ChangeSet.Kind.STRUCTURE_IMPORT, admin_user)
    assert change.reason == "Strukturfil region.json inläst i administrationen."
    assert Body.history.exclude(change_set=change).count() == 0
    assert Body.history.filter(change_set=change).values("id").distinct().count() == 3
    assert all(record.history_user == admin_user for record in Body.history.all())


def test_a_trial_run_leaves_no_change_set(admin_client):
    from bodies.history import ChangeSet

    upload(admin_client, small(), dry_run=True)
    assert not ChangeSet.objects.exists()


def test_a_small_deeply_nested_file_gets_a_message_not_a_500(admin_client):
    deep = b'{"format": "samverkan-structure", "bodies": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    assert len(deep) < 4200
    response = upload(admin_client, deep, dry_run=True)
    assert response.status_code == 200
    assert "region.json: filen är nästlad för djupt (högst 20 nivåer" in response.content.decode()


def test_a_nul_character_is_refused_with_its_place(admin_client):
    text = structure_json.dumps(small()).replace('"Rådet"', '"R\\u0000det"', 1).encode()
    page = upload(admin_client, text, dry_run=True).content.decode()
    assert "bodies[0].name: tecknet NUL är inte tillåtet" in page
    raw = structure_json.dumps(small()).replace("Rådet", "R\x00det", 1).encode()
    page = upload(admin_client, raw, dry_run=True).content.decode()
    assert "region.json: rad " in page and "tecknet NUL är inte tillåtet i filen" in page
    assert not MandatePeriod.objects.exists()


def test_a_file_over_the_size_limit_is_refused(admin_client, settings):
    settings.IMPORT_FILE_MAX_BYTES = 1000
    page = upload(admin_client, structure_json.dumps(small()).encode(), dry_run=True)
    assert "Filen är för stor" in page.content.decode()
    assert not MandatePeriod.objects.exists()
