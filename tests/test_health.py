"""/healthz as a load balancer and a monitoring system use it: real failures, no data."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

pytestmark = pytest.mark.django_db

PARTS = {"database", "cache", "media_storage", "migrations", "task_queue"}
QUEUE_FIGURES = {"waiting", "oldest_waiting_seconds", "failed_last_day"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def health(client, **headers):
    response = client.get("/healthz", **headers)
    assert response["Content-Type"] == "application/json"
    return response, json.loads(response.content)


def test_a_healthy_server_answers_200_and_every_part_is_ok(client):
    response, answer = health(client)

    assert response.status_code == 200
    assert answer["status"] == "ok"
    assert set(answer["checks"]) == PARTS
    assert all(check["ok"] for check in answer["checks"].values())


def test_it_answers_a_load_balancer_by_address_over_plain_http(client, settings):
    # Production settings redirect http to https and accept only the site's name.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["samverkan.example.se"]

    response, answer = health(client, HTTP_HOST="10.0.0.11:8000")

    assert response.status_code == 200
    assert answer["status"] == "ok"
    assert client.get("/", HTTP_HOST="10.0.0.11:8000").status_code == 400


def test_it_sets_no_cookie_and_is_never_cached(client):
    response, _ = health(client)

    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert "no-store" in response["Cache-Control"]


def test_it_shows_no_data_only_the_state_of_each_part(client, orebro):
    response, answer = health(client)

    assert set(answer) == {"status", "checks"}
    for check in answer["checks"].values():
        assert set(check) <= {"ok", "error", "ms"} | QUEUE_FIGURES
    assert b"rebro" not in response.content


def test_a_cache_that_cannot_be_reached_gives_503_and_names_the_cache(client, settings):
    # Nothing listens on port 1: the connection is refused at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response, answer = health(client)

    assert response.status_code == 503
    assert answer["status"] == "fail"
    assert answer["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": answer["checks"]["cache"]["ms"],
    }
    assert answer["checks"]["database"]["ok"] and answer["checks"]["media_storage"]["ok"]


def test_media_storage_that_cannot_be_written_gives_503(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked

    response, answer = health(client)

    assert response.status_code == 503
    assert answer["checks"]["media_storage"]["ok"] is False
    assert str(tmp_path) not in response.content.decode()  # no paths in the answer


def test_the_probe_leaves_no_file_behind(client, settings, tmp_path):
    health(client)
    assert list((tmp_path / "media" / "healthz").iterdir()) == []


def test_an_unapplied_migration_gives_503(client):
    newest = MigrationRecorder.Migration.objects.filter(app="meetings").order_by("-name").first()
    newest.delete()

    response, answer = health(client)

    assert response.status_code == 503
    assert answer["checks"]["migrations"] == {
        "ok": False,
        "error": "1 migration(s) not applied: run manage.py migrate",
        "ms": answer["checks"]["migrations"]["ms"],
    }


def test_a_database_that_is_down_gives_503(tmp_path):
    # A server process whose database cannot be reached (nothing listens on port 1).
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/samverkan?connect_timeout=2",
        "MEDIA_ROOT": str(tmp_path),
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = done.stdout.splitlines()[-2:]
    answer = json.loads(body)
    assert status == "503"
    assert answer["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": answer["checks"]["database"]["ms"],
    }
    assert answer["checks"]["cache"]["ok"] and answer["checks"]["media_storage"]["ok"]
    assert "127.0.0.1" not in body and "postgres" not in body


def test_only_reading_is_allowed(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def enqueue_task(status, enqueued_at, finished_at=None):
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.create(
        status=status,
        finished_at=finished_at,
        task_path="samverkan.pdf_queue.render_pdf",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)  # auto_now_add


def test_the_task_queue_says_how_many_tasks_wait_since_when_and_how_many_failed(client):
    now = timezone.now()
    enqueue_task("READY", now - timedelta(minutes=10))
    enqueue_task("READY", now - timedelta(minutes=1))
    enqueue_task("FAILED", now - timedelta(hours=2), finished_at=now - timedelta(hours=2))
    enqueue_task("FAILED", now - timedelta(days=3), finished_at=now - timedelta(days=3))
    enqueue_task("SUCCESSFUL", now - timedelta(hours=1), finished_at=now - timedelta(hours=1))

    response, answer = health(client)

    queue = answer["checks"]["task_queue"]
    assert response.status_code == 200  # waiting tasks are for monitoring to judge
    assert queue["ok"] is True
    assert queue["waiting"] == 2
    assert 590 <= queue["oldest_waiting_seconds"] <= 660
    assert queue["failed_last_day"] == 1


def test_a_task_queue_that_cannot_be_read_gives_503(client):
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(f"DROP TABLE {DBTaskResult._meta.db_table}")

    response, answer = health(client)

    assert response.status_code == 503
    assert answer["checks"]["task_queue"]["ok"] is False
    assert answer["checks"]["database"]["ok"] is True
