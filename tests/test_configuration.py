"""Stateless app servers: the cache and the uploaded files live where the environment says.

Every server process must see the same cache (CACHE_URL) and the same uploaded files
(local disk, or object storage through django-storages), so any of them can answer.
"""

import json
import os
import re
import socket
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from meetings.models import AgendaItem, Attachment, Meeting
from samverkan.config import S3_OPTIONS, cache_config, media_storage

REDIS = ("127.0.0.1", 6379)
PDF = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"


def redis_reachable():
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


# Cache URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        (None, "locmem.LocMemCache", None),
        ("", "locmem.LocMemCache", None),
        ("locmem://", "locmem.LocMemCache", None),
        ("redis://10.0.0.5:6379/2", "redis.RedisCache", "redis://10.0.0.5:6379/2"),
        ("rediss://:secret@cache.example.se:6380/0", "redis.RedisCache", None),
        ("unix:///run/redis.sock?db=1", "redis.RedisCache", "unix:///run/redis.sock?db=1"),
        ("db://", "db.DatabaseCache", "samverkan_cache"),
        ("db://pdf_cache", "db.DatabaseCache", "pdf_cache"),
        ("file:///var/cache/samverkan", "filebased.FileBasedCache", "/var/cache/samverkan"),
        ("dummy://", "dummy.DummyCache", None),
    ],
)
def test_cache_url_chooses_the_backend(url, backend, location):
    config = cache_config(url)
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    if location:
        assert config["LOCATION"] == location
    if backend != "redis.RedisCache" and backend != "dummy.DummyCache":
        # Rendered PDFs are up to a megabyte each: keep the most recent.
        assert config["OPTIONS"] == {"MAX_ENTRIES": 50}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("memcached://127.0.0.1:11211", "is not understood"),
        ("file://relative/folder", "needs an absolute folder"),
    ],
)
def test_a_cache_url_that_cannot_work_stops_the_start_with_a_reason(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        cache_config(url)


def settings_in_a_new_process(**environ):
    """The settings a server process started with this environment would have."""
    script = (
        "import json, samverkan.settings as s;"
        "print(json.dumps({'CACHES': s.CACHES, 'STORAGES': s.STORAGES}, default=str))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CACHE_", "AWS_", "MEDIA_ROOT"))
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env={**env, **environ},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def test_the_environment_reaches_the_settings():
    default = settings_in_a_new_process()
    assert default["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert default["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")

    shared = settings_in_a_new_process(CACHE_URL="redis://127.0.0.1:6379/3")
    assert shared["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"

    # The older CACHE_DIR still works, as CACHE_URL=file://… does.
    older = settings_in_a_new_process(CACHE_DIR="/var/cache/samverkan")
    assert older["CACHES"]["default"]["LOCATION"] == "/var/cache/samverkan"

    s3 = settings_in_a_new_process(AWS_STORAGE_BUCKET_NAME="samverkan-filer")
    assert s3["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


@pytest.mark.django_db
def test_a_database_cache_is_shared_through_the_database(settings):
    settings.CACHES = {"default": cache_config("db://samverkan_cache_test")}
    call_command("createcachetable", verbosity=0)
    assert "samverkan_cache_test" in connection.introspection.table_names()

    cache.set("rapport", b"%PDF-1.7 ...", 60)
    # Another process has its own backend object and reads the same table.
    assert caches.create_connection("default").get("rapport") == b"%PDF-1.7 ..."


def test_a_file_cache_is_shared_through_a_folder(settings, tmp_path):
    settings.CACHES = {"default": cache_config(f"file://{tmp_path}/cache")}
    cache.set("rapport", b"%PDF-1.7 ...", 60)
    assert caches.create_connection("default").get("rapport") == b"%PDF-1.7 ..."
    assert list((tmp_path / "cache").iterdir())


@pytest.mark.skipif(
    not redis_reachable(),
    reason="no Redis server on 127.0.0.1:6379 (CI and the development machines run one)",
)
@pytest.mark.django_db
def test_redis_is_one_cache_for_every_server_process(settings, client, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {
        "default": {
            **cache_config("redis://127.0.0.1:6379/0"),
            # Other test runs may use the same server at the same time.
            "KEY_PREFIX": f"samverkan-test-{uuid.uuid4().hex}",
        }
    }
    assert isinstance(caches["default"], RedisCache)
    # Another server process: a backend object with its own connection pool.
    other = caches.create_connection("default")
    try:
        cache.set("rapport", b"%PDF-1.7 ...", 60)
        assert other.get("rapport") == b"%PDF-1.7 ..."
        other.delete("rapport")
        assert cache.get("rapport") is None
        assert json.loads(client.get("/healthz").content)["checks"]["cache"]["ok"]
    finally:
        cache.clear()


# Uploaded files ----------------------------------------------------------------------


def test_without_a_bucket_files_are_kept_in_media_root():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_moves_the_files_to_s3_compatible_object_storage(monkeypatch):
    from storages.backends.s3 import S3Storage

    environ = {
        "AWS_STORAGE_BUCKET_NAME": "samverkan-filer",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.se",
        "AWS_S3_REGION_NAME": "se-orebro-1",
        "AWS_LOCATION": "produktion",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    config = media_storage(environ)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    # The keys are read by django-storages from the environment, never kept in settings.
    monkeypatch.setenv("AWS_S3_ACCESS_KEY_ID", "nyckel")
    monkeypatch.setenv("AWS_S3_SECRET_ACCESS_KEY", "hemlig")
    storage = S3Storage(**config["OPTIONS"])
    assert storage.bucket_name == "samverkan-filer"
    assert storage.endpoint_url == "https://s3.example.se"
    assert storage.region_name == "se-orebro-1"
    assert storage.location == "produktion"
    assert storage.addressing_style == "path"
    assert (storage.access_key, storage.secret_key) == ("nyckel", "hemlig")
    assert storage.file_overwrite is False
    assert storage.default_acl is None  # a private bucket: the app serves the files
    assert "hemlig" not in json.dumps(config)


@pytest.fixture
def memory_storage(settings):
    """A storage with no file system path at all, as object storage has none."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


@pytest.mark.django_db
def test_minutes_and_attachments_are_served_from_any_storage(
    client, orebro_meetings, memory_storage
):
    meeting = Meeting.objects.filter(status=Meeting.Status.HELD).first()
    meeting.minutes.save("protokoll.pdf", ContentFile(PDF))
    item = AgendaItem.objects.filter(meeting=meeting).first()
    attachment = Attachment.objects.create(agenda_item=item, title="Bilaga 1")
    attachment.document.save("bilaga.pdf", ContentFile(PDF[::-1]))
    # Nothing on the disk: code that went around the storage API would find nothing.
    assert not os.path.exists(memory_storage.path(meeting.minutes.name))

    for url, content in [
        (f"/moten/{meeting.pk}/protokoll/", PDF),
        (attachment.get_absolute_url(), PDF[::-1]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == content

    memory_storage.delete(meeting.minutes.name)
    assert client.get(f"/moten/{meeting.pk}/protokoll/").status_code == 404


# The documentation -----------------------------------------------------------------


def test_every_environment_variable_the_settings_read_is_documented():
    base = django_settings.BASE_DIR
    source = "".join(
        (base / "samverkan" / name).read_text(encoding="utf-8")
        for name in ("settings.py", "config.py")
    )
    readers = r"(?:environ\.get|environ\[|env_bool|env_int|env_list)"
    pattern = readers + r"""\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
    read = set(re.findall(pattern, source)) | set(S3_OPTIONS) | {"DATABASE_URL"}
    assert {"DEBUG", "SECRET_KEY", "CACHE_URL", "LOG_FORMAT", "AWS_S3_ENDPOINT_URL"} <= read
    documented = set(
        re.findall(r"`([A-Z][A-Z0-9_]+)`", (base / "docs" / "deployment.md").read_text("utf-8"))
    )
    assert read - documented == set()
