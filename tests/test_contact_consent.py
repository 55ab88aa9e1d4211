"""Contact details by consent: a person's work e-mail, phone and photo are public only
with a recorded consent, in every public output at once; a body's functional mailbox."""

import csv
import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from PIL import Image

from members.models import Person

EMAIL, PHONE = "marta.oberg@aby.se", "0581-123 45"
CONSENT = datetime.date(2026, 1, 15)


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile("portratt.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def world(db, make, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period = make.period()
    town = make.organisation("Åby kommun")
    body = make.body(period, "Rådet för äldre", public_email="kansliet@region.se")
    person = make.person("Märta", "Öberg", email=EMAIL, phone=PHONE, organisation=town)
    person.photo = png()
    person.save()
    make.appointment(person, make.seat(body, town))
    return body, person


def consent(person, email=True, phone=True, photo=True):
    person.email_consent_on = CONSENT if email else None
    person.phone_consent_on = CONSENT if phone else None
    person.photo_consent_on = CONSENT if photo else None
    person.save()


def spreadsheet_text(response):
    if response["Content-Type"].startswith("text/csv"):
        return response.content.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist()).decode()


def every_output(client, body, person):
    """What each public output says about the person: {name: text}."""
    period = body.period.slug
    texts = {
        "person page": client.get(person.get_absolute_url()).content.decode(),
        "api person": client.get(f"/api/v1/people/{person.slug}/").content.decode(),
        "api people": client.get("/api/v1/people/").content.decode(),
    }
    for url in (
        f"/perioder/{period}/ledamoter.csv",
        f"/perioder/{period}/ledamoter.xlsx",
        f"/perioder/{period}/{body.slug}/ledamoter.csv",
        f"/perioder/{period}/{body.slug}/ledamoter.xlsx",
        "/organisationer/aby-kommun/ledamoter.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = spreadsheet_text(response)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/oppna-data/{period}.zip").content))
    texts["open data"] = b"".join(archive.read(n) for n in archive.namelist()).decode()
    return texts


def test_without_consent_no_contact_detail_leaves_the_registry(client, world):
    body, person = world
    for name, text in every_output(client, body, person).items():
        assert "Märta" in text or "Öberg" in text, name
        for secret in (EMAIL, PHONE, "/foto/"):
            assert secret not in text, (name, secret)
    assert client.get(f"/personer/{person.slug}/foto/").status_code == 404


def test_with_consent_every_output_shows_the_consented_fields(client, world):
    body, person = world
    consent(person)
    for name, text in every_output(client, body, person).items():
        assert EMAIL in text, name
        assert PHONE in text, name
    page = client.get(person.get_absolute_url()).content.decode()
    assert f'<img class="person-photo" src="/personer/{person.slug}/foto/"' in page
    assert 'alt="Foto av Märta Öberg"' in page
    photo = client.get(f"/personer/{person.slug}/foto/")
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/png")
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    api = client.get(f"/api/v1/people/{person.slug}/").json()
    assert api["email"] == EMAIL
    assert api["image"] == f"http://testserver/personer/{person.slug}/foto/"
    assert api["contact_details"] == [
        {"type": "email", "value": EMAIL},
        {"type": "voice", "value": PHONE},
    ]
    people = next(
        row
        for row in csv.DictReader(
            io.StringIO(
                zipfile.ZipFile(io.BytesIO(client.get("/oppna-data/2023-2026.zip").content))
                .read("persons.csv")
                .decode()
            )
        )
        if row["id"] == person.slug
    )
    assert (people["email"], people["phone"], people["image"]) == (
        EMAIL,
        PHONE,
        f"/personer/{person.slug}/foto/",
    )


def test_consent_is_per_field(client, world):
    body, person = world
    consent(person, email=True, phone=False, photo=False)
    for name, text in every_output(client, body, person).items():
        assert EMAIL in text, name
        assert PHONE not in text, name
    assert client.get(f"/personer/{person.slug}/foto/").status_code == 404


def test_withdrawing_consent_removes_the_field_everywhere_at_once(client, world):
    body, person = world
    consent(person)
    every_output(client, body, person)  # every page now cached with the details
    consent(person, email=False, phone=False, photo=False)
    for name, text in every_output(client, body, person).items():
        assert EMAIL not in text and PHONE not in text, name
    assert client.get(f"/personer/{person.slug}/foto/").status_code == 404


def test_an_unpublished_person_shows_nothing_even_with_consent(client, world):
    body, person = world
    consent(person)
    person.is_published = False
    person.save()
    assert person.public_contact().email == ""
    assert client.get(person.get_absolute_url()).status_code == 404
    assert client.get(f"/personer/{person.slug}/foto/").status_code == 404
    for name, text in every_output(client, body, person).items():
        if name in ("person page", "api person"):
            continue  # 404
        assert EMAIL not in text and PHONE not in text and "Öberg" not in text, name


def test_a_consent_needs_the_detail_and_a_date_not_in_the_future(world):
    _body, person = world
    person.phone = ""
    person.phone_consent_on = CONSENT
    person.email_consent_on = datetime.date(2999, 1, 1)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert error.value.message_dict["phone_consent_on"] == [
        "Det finns inget att publicera: fyll i uppgiften först."
    ]
    assert error.value.message_dict["email_consent_on"] == [
        "Samtycket kan inte vara registrerat i framtiden."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(phone="", phone_consent_on=CONSENT)


def test_the_consent_date_is_kept_in_the_history(world):
    _body, person = world
    consent(person)
    consent(person, email=False)
    assert [h.email_consent_on for h in person.history.order_by("history_date")][-2:] == [
        CONSENT,
        None,
    ]


def test_a_body_shows_its_public_mailbox(client, world):
    body, _person = world
    page = client.get(body.get_absolute_url()).content.decode()
    assert 'href="mailto:kansliet@region.se"' in page
    api = client.get(f"/api/v1/bodies/{body.period.slug}/{body.slug}/").json()
    assert api["contact_details"] == [{"type": "email", "value": "kansliet@region.se"}]


def test_a_photo_that_is_not_an_image_is_refused_by_the_form(world):
    _body, person = world
    form_class = modelform_factory(Person, fields=["photo"])
    fake = SimpleUploadedFile("portratt.png", b"<html>not an image</html>")
    form = form_class({}, {"photo": fake}, instance=person)
    assert not form.is_valid()
    assert "photo" in form.errors
    assert form_class({}, {"photo": png()}, instance=person).is_valid()


# --- photo files leave the storage -------------------------------------------------------


def test_a_replaced_or_cleared_photo_leaves_the_storage_after_commit(
    world, django_capture_on_commit_callbacks
):
    _body, person = world
    first = Path(person.photo.path)
    person.photo = png()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person.save()
    assert first.exists()  # not yet: the transaction has not committed
    for callback in callbacks:
        callback()
    assert not first.exists()
    second = Path(person.photo.path)
    assert second.exists()

    person.photo = ""
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    assert not second.exists()


def test_a_deleted_persons_photo_leaves_the_storage_unless_another_row_names_it(
    world, make, django_capture_on_commit_callbacks
):
    _body, person = world
    gone = make.person("Sigge", "Ström")
    gone.photo = png()
    gone.save()
    path = Path(gone.photo.path)
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert not path.exists()

    shared = make.person("Siv", "Sund")
    Person.objects.filter(pk=shared.pk).update(photo=person.photo.name)
    with django_capture_on_commit_callbacks(execute=True):
        shared.delete()
    assert Path(person.photo.path).exists()  # still named by the first person


def test_a_rolled_back_photo_change_keeps_the_file(world, django_capture_on_commit_callbacks):
    _body, person = world
    path = Path(person.photo.path)
    person.photo = ""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person.save()
    assert len(callbacks) == 1  # run only on commit; a rollback drops it
    assert path.exists()
