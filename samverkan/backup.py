"""Backup and restore of a whole instance: every table and every uploaded file.

A backup is one zip archive:

- ``manifest.json`` — format, app version (pyproject version and git commit), schema
  version (the latest applied migration of each app), rows and SHA-256 per table,
  size and SHA-256 per file;
- ``data/<app>.<model>.jsonl`` — the rows of each table, one JSON object per line, as
  Django's serializers write them (so the same archive loads into SQLite or
  PostgreSQL). Every model is included, found at run time, so tables that new apps
  or new versions add (history, task queues …) are backed up without a change here.
  Sessions are left out: after a restore everybody logs in again;
- ``media/<name>`` — every file of the default storage (minutes, attachments), read
  and written through Django's storage API so object storage works as a disk does.

Restore checks everything before it writes anything: the archive's checksums, the
schema version against this installation's, and that the database is empty. Rows
are loaded raw, bypassing ``save()`` and signals: django-mptt's tree fields, history
and computed values come back exactly as they were written.
"""

import datetime
import hashlib
import json
import os
import subprocess
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import batched
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers.json import DjangoJSONEncoder
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    connections,
    models,
    router,
    transaction,
)
from django.db.migrations.recorder import MigrationRecorder

from samverkan.health import PROBE_FOLDER

FORMAT = "samverkan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
# Left out of the backup, with the reason the manifest gives.
SKIPPED = {
    "sessions.session": "log-ins are not kept: everybody logs in again after a restore",
}
# Rows that ``migrate`` writes into every new database; restore replaces them with
# the backup's, so that their ids (which other rows point at) are the same as before.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """Why a backup cannot be restored here, in Swedish and English."""


@dataclass
class Summary:
    """What a backup or restore did, for the command's output."""

    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    notes: list[str] = field(default_factory=list)
    # What a restore into this installation would refuse (found by a check only).
    would_refuse: list[str] = field(default_factory=list)


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included, by label."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        and model._meta.managed
        and not model._meta.swapped
        and model._meta.label_lower not in SKIPPED
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def schema_version(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The latest applied migration of each app (names are numbered: 0007_… > 0006_…)."""
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        latest[app_label] = max(latest.get(app_label, ""), name)
    return dict(sorted(latest.items()))


def app_version() -> dict[str, str]:
    pyproject = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text("utf-8"))
    version = {"version": pyproject["project"]["version"], "django": django.get_version()}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    if commit:
        version["commit"] = commit
    return version


def stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folder by folder, the health probe's folder left out."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        if not folder and name == PROBE_FOLDER:
            continue
        yield from stored_files(storage, f"{folder}/{name}" if folder else name)


def referenced_files(model_list: Iterable[type[models.Model]]) -> dict[str, str]:
    """File names the database points at, each with the row that does."""
    found = {}
    for model in model_list:
        for model_field in model._meta.local_concrete_fields:
            if isinstance(model_field, models.FileField):
                rows = models.QuerySet(model).exclude(**{model_field.attname: ""})
                for pk, name in rows.values_list("pk", model_field.attname):
                    found[name] = f"{model._meta.label_lower} {pk}"
    return found


def _serialized_rows(model: type[models.Model]) -> Iterator[dict]:
    """The model's rows as the python serializer writes them, by primary key.

    Many-to-many fields are left out: their tables are backed up as models of their
    own, with the rows' own ids.
    """
    names = [f.name for f in model._meta.local_fields]
    rows = models.QuerySet(model).order_by("pk").iterator(chunk_size=2000)
    for chunk in batched(rows, 2000):
        yield from serializers.serialize("python", chunk, fields=names)


def _line(row: dict) -> bytes:
    return (json.dumps(row, cls=ExactEncoder, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _consistent_snapshot(connection, outermost: bool) -> None:
    """All tables as of one moment, even while the site is in use (PostgreSQL; SQLite
    reads one snapshot in a transaction anyway). Only the first statement of a
    transaction can ask for it."""
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def create_backup(path: Path, storage: Storage = default_storage) -> Summary:
    """Write the archive to ``path`` (a new file; a folder gets a dated name)."""
    path = Path(path)
    if path.is_dir():
        path = path / datetime.datetime.now().strftime("samverkan-%Y%m%d-%H%M%S.zip")
    if path.exists():
        raise BackupError(f"{path} finns redan. / {path} already exists.")
    summary = Summary(path=path)
    connection = connections[DEFAULT_DB_ALIAS]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "app": app_version(),
        "database": connection.vendor,
        "skipped_tables": SKIPPED,
        "tables": {},
        "files": {},
    }
    # Written beside the target and renamed when complete: a failed backup never
    # leaves a half archive under the expected name.
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                _consistent_snapshot(connection, outermost)
                manifest["schema"] = schema_version()
                model_list = backed_up_models()
                for model in model_list:
                    manifest["tables"][model._meta.label_lower] = _write_table(archive, model)
                references = referenced_files(model_list)
            for name in stored_files(storage):
                manifest["files"][name] = _write_file(archive, storage, name)
            missing = sorted(set(references) - set(manifest["files"]))
            manifest["missing_files"] = {name: references[name] for name in missing}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    summary.tables = len(manifest["tables"])
    summary.rows = sum(table["rows"] for table in manifest["tables"].values())
    summary.files = len(manifest["files"])
    summary.file_bytes = sum(entry["bytes"] for entry in manifest["files"].values())
    for name, row in manifest["missing_files"].items():
        summary.notes.append(
            f"Filen {name} ({row}) saknas i lagringen och kunde inte säkerhetskopieras. / "
            f"The file {name} ({row}) is missing from the storage and was not backed up."
        )
    return summary


def _write_table(archive: zipfile.ZipFile, model: type[models.Model]) -> dict:
    member = f"data/{model._meta.label_lower}.jsonl"
    digest = hashlib.sha256()
    rows = size = 0
    info = zipfile.ZipInfo(member, date_time=datetime.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as out:
        for row in _serialized_rows(model):
            line = _line(row)
            out.write(line)
            digest.update(line)
            rows += 1
            size += len(line)
    return {"member": member, "rows": rows, "bytes": size, "sha256": digest.hexdigest()}


def _write_file(archive: zipfile.ZipFile, storage: Storage, name: str) -> dict:
    member = f"media/{name}"
    digest = hashlib.sha256()
    size = 0
    # Uploads are PDFs, already compressed: stored as they are.
    info = zipfile.ZipInfo(member, date_time=datetime.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with storage.open(name, "rb") as source, archive.open(info, "w", force_zip64=True) as out:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return {"member": member, "bytes": size, "sha256": digest.hexdigest()}


# Restore ------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(
            "Filen är ingen säkerhetskopia från Samverkan (manifest.json saknas eller är "
            "trasig). / The file is not a Samverkan backup (manifest.json is missing or "
            "damaged)."
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Säkerhetskopians format {manifest.get('format')} "
            f"{manifest.get('format_version')} kan inte läsas av den här versionen, som "
            f"läser {FORMAT} {FORMAT_VERSION}. / The backup's format "
            f"{manifest.get('format')} {manifest.get('format_version')} cannot be read by "
            f"this version, which reads {FORMAT} {FORMAT_VERSION}."
        )
    return manifest


def check_schema(manifest: dict) -> None:
    """Refuse a backup made with another schema: its rows would not fit the tables."""
    ours = schema_version()
    theirs = manifest["schema"]
    if ours == theirs:
        return
    differences = [
        f"  {app}: {theirs.get(app, '–')} i kopian, {ours.get(app, '–')} här "
        f"/ {theirs.get(app, '–')} in the backup, {ours.get(app, '–')} here"
        for app in sorted(set(ours) | set(theirs))
        if ours.get(app) != theirs.get(app)
    ]
    made_by = manifest["app"].get("version", "?")
    if manifest["app"].get("commit"):
        made_by += f" (git {manifest['app']['commit'][:12]})"
    raise BackupError(
        "Säkerhetskopian har en annan schemaversion än den här installationen, så den "
        f"kan inte läsas in. Installera samma version av Samverkan som gjorde kopian "
        f"({made_by}), kör migrate, läs in kopian och uppgradera sedan som vanligt. / "
        "The backup has a different schema version from this installation, so it cannot "
        f"be restored. Install the version of Samverkan that made it ({made_by}), run "
        "migrate, restore the backup and then upgrade as usual.\n" + "\n".join(differences)
    )


def verify_checksums(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Read every member once and compare it with the manifest: nothing is trusted unread."""
    entries = [*manifest["tables"].values(), *manifest["files"].values()]
    damaged = []
    for entry in entries:
        digest = hashlib.sha256()
        try:
            with archive.open(entry["member"]) as member:
                for chunk in iter(lambda: member.read(1024 * 1024), b""):
                    digest.update(chunk)
        except (KeyError, zipfile.BadZipFile, OSError):
            damaged.append(entry["member"])
            continue
        if digest.hexdigest() != entry["sha256"]:
            damaged.append(entry["member"])
    if damaged:
        raise BackupError(
            f"Säkerhetskopian är skadad: {len(damaged)} delar stämmer inte med sina "
            "kontrollsummor, så ingenting lästes in. / The backup is damaged: "
            f"{len(damaged)} parts do not match their checksums, so nothing was restored.\n"
            + "\n".join(f"  {name}" for name in damaged[:20])
        )


def rows_present(model_list: Iterable[type[models.Model]]) -> dict[str, int]:
    """Tables with rows of their own (not the ones migrate fills in itself)."""
    counts = {}
    for model in model_list:
        label = model._meta.label_lower
        if label in MADE_BY_MIGRATE or label in SKIPPED:
            continue
        count = models.QuerySet(model).count()
        if count:
            counts[label] = count
    return counts


def file_conflicts(archive: zipfile.ZipFile, manifest: dict, storage: Storage) -> list[str]:
    """Files in the storage under a name in the backup, with other content."""
    conflicts = []
    for name, entry in manifest["files"].items():
        if storage.exists(name) and _storage_sha256(storage, name) != entry["sha256"]:
            conflicts.append(name)
    return conflicts


def _storage_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def restore_backup(
    path: Path,
    storage: Storage = default_storage,
    replace: bool = False,
    check_only: bool = False,
) -> Summary:
    """Load the archive into this instance. Everything is checked before anything is
    written; the database is loaded in one transaction.

    ``replace`` empties a database that already holds a registry (and overwrites
    files of the same name); without it such a database is refused.
    ``check_only`` stops after the checks.
    """
    path = Path(path)
    summary = Summary(path=path)

    def refuse(message: str) -> None:
        # A check of the archive on a live instance reports what a restore would refuse.
        if not check_only:
            raise BackupError("Ingenting lästes in. / Nothing was restored.\n" + message)
        summary.would_refuse.append(message)

    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(
            f"{path} kan inte läsas som säkerhetskopia ({error}). / "
            f"{path} cannot be read as a backup ({error})."
        ) from None
    with archive:
        manifest = read_manifest(archive)
        check_schema(manifest)
        verify_checksums(archive, manifest)
        model_list = backed_up_models()
        unknown = sorted(set(manifest["tables"]) - {m._meta.label_lower for m in model_list})
        if unknown:
            raise BackupError(
                "Säkerhetskopian har tabeller som den här installationen saknar: "
                f"{', '.join(unknown)}. / The backup has tables this installation lacks: "
                f"{', '.join(unknown)}."
            )
        present = rows_present(model_list)
        if present and not replace:
            tables = ", ".join(f"{label} ({count})" for label, count in sorted(present.items()))
            refuse(
                "Databasen är inte tom. Läs in kopian i en ny, migrerad databas, eller "
                "använd --replace för att ersätta allt innehåll. / The database is not "
                "empty. Restore into a new, migrated database, or use --replace to replace "
                "everything in it.\n"
                f"  {tables}"
            )
        conflicts = file_conflicts(archive, manifest, storage)
        if conflicts and not replace:
            refuse(
                f"{len(conflicts)} filer i lagringen har samma namn som filer i kopian men "
                "annat innehåll; använd --replace för att skriva över dem. / "
                f"{len(conflicts)} files in the storage have the name of a file in the "
                "backup but other content; use --replace to overwrite them.\n"
                + "\n".join(f"  {name}" for name in conflicts[:20])
            )
        summary.tables = len(manifest["tables"])
        summary.rows = sum(table["rows"] for table in manifest["tables"].values())
        summary.files = len(manifest["files"])
        summary.file_bytes = sum(entry["bytes"] for entry in manifest["files"].values())
        if check_only:
            return summary
        written: list[str] = []
        try:
            _restore_files(archive, manifest, storage, set(conflicts), written)
            _restore_rows(archive, manifest, model_list)
        except BaseException as error:
            # The database is as it was: take away the files that came with it.
            for name in written:
                storage.delete(name)
            if isinstance(error, DatabaseError):
                raise BackupError(
                    f"Databasen tog inte emot kopians rader ({error}); ingenting ändrades. / "
                    f"The database refused the backup's rows ({error}); nothing was changed."
                ) from error
            raise
    # Nothing cached from the database before (pages, PDFs, content type ids) holds.
    for cache in caches.all():
        cache.clear()
    if apps.is_installed("django.contrib.contenttypes"):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
    if manifest["app"].get("version") != app_version()["version"]:
        summary.notes.append(
            f"Kopian gjordes med version {manifest['app'].get('version')}, det här är "
            f"{app_version()['version']} (samma schema). / The backup was made with version "
            f"{manifest['app'].get('version')}, this is {app_version()['version']} (same schema)."
        )
    return summary


def _restore_files(
    archive: zipfile.ZipFile,
    manifest: dict,
    storage: Storage,
    overwrite: set[str],
    written: list[str],
) -> None:
    """Write the backup's files, noting each in ``written`` (to take away on failure)."""
    for name, entry in manifest["files"].items():
        if storage.exists(name):
            if name not in overwrite:
                continue  # the same content is already there
            storage.delete(name)
        with archive.open(entry["member"]) as member:
            content = File(member, name=name)
            content.size = entry["bytes"]  # a zip member cannot tell its size itself
            saved = storage.save(name, content)
        written.append(saved)
        if saved != name:
            raise BackupError(
                f"Lagringen sparade {name} som {saved}. / The storage saved {name} as {saved}."
            )


def _restore_rows(
    archive: zipfile.ZipFile, manifest: dict, model_list: list[type[models.Model]]
) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    by_label = {model._meta.label_lower: model for model in model_list}
    with transaction.atomic(), connection.constraint_checks_disabled():
        # Every table is emptied, including the content types and permissions migrate
        # made: the backup's come back with their own ids.
        connection.ops.execute_sql_flush(sql_flush(no_style(), connection))
        for label, entry in manifest["tables"].items():
            _load_table(archive, by_label[label], entry["member"])
        # The checks the database deferred, now: a broken reference fails the restore.
        connection.check_constraints(
            table_names=[by_label[label]._meta.db_table for label in manifest["tables"]]
        )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
                cursor.execute(sql)


def _load_table(archive: zipfile.ZipFile, model: type[models.Model], member: str) -> None:
    """Insert the rows as they are: no save(), no signals (raw, like loaddata)."""
    with archive.open(member) as lines:
        rows = (json.loads(line) for line in lines)
        objects = (item.object for item in serializers.deserialize("python", rows))
        multi_table = bool(model._meta.parents)
        for chunk in batched(objects, BATCH):
            if multi_table:
                for obj in chunk:
                    models.Model.save_base(obj, raw=True)
            else:
                # bulk_create() would stamp auto_now fields (updated_at) with the time of
                # the restore; a raw insert, as loaddata's save_base(raw=True) does,
                # keeps every value as it was backed up.
                models.QuerySet(model)._insert(
                    list(chunk), fields=model._meta.local_concrete_fields, raw=True
                )
