"""Backup and restore: a registry is backed up, wiped and restored row for row, byte for byte.

The drill runs on whichever database the suite runs on (SQLite by default, PostgreSQL
with ``make test-postgresql``; CI runs both), once with uploaded files on the local
disk and once on a storage without any file system path (Django's in-memory storage),
as object storage would be.
"""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from bodies.models import Body
from meetings.models import AgendaItem, Attachment, Meeting
from members.models import Person
from samverkan import backup

# Every byte value, so that any re-encoding on the way shows.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
ATTACHMENT_PDF = b"%PDF-1.7\n" + bytes(reversed(range(256))) * 25 + b"\n%%EOF\n"


@pytest.fixture(params=["local disk", "object storage"])
def storage(request, settings, tmp_path):
    """The default storage, on a temporary folder or in memory (nothing on the disk)."""
    if request.param == "local disk":
        settings.MEDIA_ROOT = tmp_path / "media"
        backend = "django.core.files.storage.FileSystemStorage"
    else:
        backend = "django.core.files.storage.InMemoryStorage"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}
    return default_storage


@pytest.fixture
def registry(orebro_meetings, storage, django_user_model):
    """The Örebro registry with meetings, plus what a year of use adds: signed minutes,
    attachments, an unpublished person with contact details, users, a group with
    permissions and the admin's change log."""
    meeting = Meeting.objects.filter(status=Meeting.Status.HELD).order_by("start").first()
    meeting.minutes.save("protokoll.pdf", ContentFile(PDF))
    item = AgendaItem.objects.filter(meeting=meeting).order_by("number").first()
    attachment = Attachment.objects.create(agenda_item=item, title="Verksamhetsplan")
    attachment.document.save("plan.pdf", ContentFile(ATTACHMENT_PDF))
    Person.objects.create(
        first_name="Hemlig",
        last_name="Person",
        slug="hemlig-person",
        email="hemlig@example.se",
        phone="070-123 45 67",
        is_published=False,
    )
    secretary = django_user_model.objects.create_superuser("sekreterare", "s@example.se", "pw")
    editors = Group.objects.create(name="Organisationsredaktörer")
    editors.permissions.set(Permission.objects.filter(codename__endswith="_person"))
    editor = django_user_model.objects.create_user("redaktor", "r@example.se", "pw")
    editor.groups.add(editors)
    LogEntry.objects.log_actions(
        secretary.pk, [meeting], ADDITION, change_message="Protokoll uppladdat"
    )
    return meeting


def table_rows():
    """Every row of every table Django made (sessions aside), as the driver reads it."""
    tables = set(connection.introspection.django_table_names(only_existing=True))
    tables.discard("django_session")
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def stored_bytes(storage):
    contents = {}
    for name in backup.stored_files(storage):
        with storage.open(name, "rb") as handle:
            contents[name] = handle.read()
    return contents


def wipe(storage):
    """What a new server has: the tables migrate makes, the rows migrate writes, no files."""
    call_command("flush", interactive=False, verbosity=0)
    for name in list(backup.stored_files(storage)):
        storage.delete(name)


@pytest.mark.django_db(transaction=True)
def test_a_wiped_registry_comes_back_row_for_row_and_byte_for_byte(
    registry, storage, tmp_path, client
):
    before = table_rows()
    files_before = stored_bytes(storage)
    assert len(files_before) == 2
    assert sum(len(rows) for rows in before.values()) > 1400
    archive = tmp_path / "samverkan.zip"

    call_command("backup", str(archive), verbosity=0)
    wipe(storage)
    assert not Body.objects.exists()
    assert stored_bytes(storage) == {}
    call_command("restore", str(archive), verbosity=0)

    after = table_rows()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert stored_bytes(storage) == files_before

    # As the public and the secretary notice it: the minutes download, the log-in works,
    # and new rows get new ids (the sequences moved past the restored rows).
    response = client.get(f"/moten/{registry.pk}/protokoll/")
    assert b"".join(response.streaming_content) == PDF
    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": "sekreterare", "password": "pw", "next": "/admin/"},
    )
    assert login.status_code == 302 and login.url == "/admin/"
    period = Body.objects.first().period
    newest = Body.objects.order_by("-pk").first().pk
    assert Body.objects.create(period=period, name="Nytt nätverk", slug="nytt").pk > newest


@pytest.mark.django_db(transaction=True)
def test_the_tree_columns_come_back_as_they_were(orebro, storage, tmp_path):
    tree = list(Body.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght", "level"))
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    wipe(storage)
    call_command("restore", str(tmp_path / "kopia.zip"), verbosity=0)
    assert (
        list(Body.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght", "level"))
        == tree
    )


def read_manifest(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


@pytest.mark.django_db
def test_the_manifest_counts_every_table_and_checksums_every_file(registry, storage, tmp_path):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    manifest = read_manifest(tmp_path / "kopia.zip")

    # Every table in the database, found by asking the database, not the backup code.
    tables = set(connection.introspection.django_table_names(only_existing=True))
    backed_up = {
        model._meta.db_table
        for model in backup.backed_up_models()
        if model._meta.label_lower in manifest["tables"]
    }
    assert backed_up == tables - {"django_session"}
    assert manifest["skipped_tables"] == {"sessions.session": backup.SKIPPED["sessions.session"]}
    assert manifest["tables"]["meetings.meeting"]["rows"] == Meeting.objects.count()
    assert manifest["tables"]["members.person"]["rows"] == Person.objects.count()
    with zipfile.ZipFile(tmp_path / "kopia.zip") as archive:
        people = archive.read("data/members.person.jsonl")
    assert hashlib.sha256(people).hexdigest() == manifest["tables"]["members.person"]["sha256"]
    assert b"hemlig@example.se" in people  # contact details and unpublished people too

    assert manifest["files"] == {
        registry.minutes.name: {
            "member": f"media/{registry.minutes.name}",
            "bytes": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
        Attachment.objects.exclude(document="").get().document.name: {
            "member": f"media/{Attachment.objects.exclude(document='').get().document.name}",
            "bytes": len(ATTACHMENT_PDF),
            "sha256": hashlib.sha256(ATTACHMENT_PDF).hexdigest(),
        },
    }
    assert manifest["missing_files"] == {}
    assert manifest["app"]["version"] == "0.1.0"
    assert manifest["schema"]["meetings"] == max(
        name
        for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
        if app == "meetings"
    )


@pytest.mark.django_db
def test_times_keep_their_microseconds(orebro, storage, tmp_path, django_user_model):
    joined = datetime.datetime(2026, 3, 1, 9, 15, 30, 123456, tzinfo=datetime.UTC)
    django_user_model.objects.create_user("anna", date_joined=joined)
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    with zipfile.ZipFile(tmp_path / "kopia.zip") as archive:
        users = archive.read("data/auth.user.jsonl").decode()
    assert "2026-03-01T09:15:30.123456+00:00" in users


@pytest.mark.django_db
def test_a_file_the_database_points_at_but_the_storage_lacks_is_reported(
    registry, storage, tmp_path
):
    storage.delete(registry.minutes.name)
    out = io.StringIO()
    err = io.StringIO()
    call_command("backup", str(tmp_path / "kopia.zip"), stdout=out, stderr=err)
    manifest = read_manifest(tmp_path / "kopia.zip")
    assert manifest["missing_files"] == {registry.minutes.name: f"meetings.meeting {registry.pk}"}
    assert (
        f"Filen {registry.minutes.name} (meetings.meeting {registry.pk}) saknas" in err.getvalue()
    )


@pytest.mark.django_db
def test_a_database_that_is_not_empty_is_refused(orebro, storage, tmp_path):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "kopia.zip"), verbosity=0)
    message = str(refused.value)
    assert "Databasen är inte tom." in message
    assert "The database is not empty." in message
    assert "--replace" in message
    assert "bodies.body (54)" in message


@pytest.mark.django_db(transaction=True)
def test_replace_puts_the_backup_in_place_of_what_is_there(orebro, storage, tmp_path):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    before = table_rows()
    Body.objects.filter(pk=Body.objects.order_by("pk").last().pk).update(name="Ändrat efter kopian")
    Person.objects.create(first_name="Ny", last_name="Person", slug="ny-person")

    call_command("restore", str(tmp_path / "kopia.zip"), replace=True, interactive=False)

    assert table_rows() == before


def rewrite(path, target, change):
    """A copy of the archive at ``target`` with ``change(name, data)`` applied to each member."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            copy.writestr(info, change(info.filename, source.read(info.filename)))


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_another_schema_version_is_refused(orebro, storage, tmp_path):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)

    def older_schema(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema"]["bodies"] = "0001_initial"
        return json.dumps(manifest).encode()

    rewrite(tmp_path / "kopia.zip", tmp_path / "gammal.zip", older_schema)
    wipe(storage)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "gammal.zip"), verbosity=0)
    message = str(refused.value)
    assert "Säkerhetskopian har en annan schemaversion" in message
    assert "The backup has a different schema version" in message
    assert "bodies: 0001_initial i kopian" in message
    assert not Body.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_written(registry, storage, tmp_path):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)

    def flip_one_byte(name, data):
        if not name.startswith("media/moten/protokoll/"):
            return data
        return data[:100] + bytes([data[100] ^ 1]) + data[101:]

    rewrite(tmp_path / "kopia.zip", tmp_path / "skadad.zip", flip_one_byte)
    wipe(storage)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "skadad.zip"), verbosity=0)
    message = str(refused.value)
    assert "Säkerhetskopian är skadad: 1 delar stämmer inte" in message
    assert f"media/{registry.minutes.name}" in message
    assert not Body.objects.exists()
    assert stored_bytes(storage) == {}


@pytest.mark.django_db(transaction=True)
def test_rows_the_database_refuses_leave_it_empty_and_take_the_files_away(
    registry, storage, tmp_path
):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    manifest = read_manifest(tmp_path / "kopia.zip")
    member = manifest["tables"]["meetings.meeting"]["member"]

    def meeting_of_a_body_that_is_not_there(name, data):
        if name == member:
            lines = data.decode().splitlines(keepends=True)
            row = json.loads(lines[0])
            row["fields"]["body"] = 999_999
            data = ("".join([json.dumps(row) + "\n", *lines[1:]])).encode()
            changed["sha256"] = hashlib.sha256(data).hexdigest()
        elif name == "manifest.json":
            manifest["tables"]["meetings.meeting"]["sha256"] = changed["sha256"]
            data = json.dumps(manifest).encode()
        return data

    changed = {}
    rewrite(tmp_path / "kopia.zip", tmp_path / "trasig.zip", meeting_of_a_body_that_is_not_there)
    wipe(storage)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "trasig.zip"), verbosity=0)
    assert "Databasen tog inte emot kopians rader" in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert not Body.objects.exists()
    assert not Meeting.objects.exists()
    assert stored_bytes(storage) == {}


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused(storage, tmp_path):
    (tmp_path / "annat.zip").write_bytes(b"inte en zip")
    with pytest.raises(CommandError, match="kan inte läsas som säkerhetskopia"):
        call_command("restore", str(tmp_path / "annat.zip"), verbosity=0)


@pytest.mark.django_db
def test_check_reads_the_whole_backup_and_writes_nothing(registry, storage, tmp_path):
    call_command("backup", str(tmp_path / "kopia.zip"), verbosity=0)
    Body.objects.filter(pk=Body.objects.order_by("pk").last().pk).update(name="Ändrat efter kopian")
    out, err = io.StringIO(), io.StringIO()
    call_command("restore", str(tmp_path / "kopia.zip"), check=True, stdout=out, stderr=err)
    assert "Kopian är hel och har samma schema" in out.getvalue()
    assert "a restore here would be refused:\nDatabasen är inte tom." in out.getvalue()
    assert err.getvalue() == ""
    assert Body.objects.filter(name="Ändrat efter kopian").exists()


@pytest.mark.django_db
def test_a_folder_gets_a_dated_file_and_an_existing_file_is_kept(storage, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    [made] = tmp_path.glob("samverkan-*.zip")
    assert made.name.startswith(f"samverkan-{timezone.now():%Y}")
    assert str(made) in out.getvalue()
    with pytest.raises(CommandError, match="finns redan"):
        call_command("backup", str(made), verbosity=0)
    assert list(tmp_path.iterdir()) == [made]  # no half-written file left behind
