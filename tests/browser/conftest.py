"""Browser tests: Playwright (sync API) with Debian's Chromium against pytest-django's live server.

Playwright's own browser download is never used: the browser is /usr/bin/chromium
(Debian package ``chromium``). Every test gets the real Örebro registry, loaded
fresh into the live server's database, and "today" fixed inside 2023–2026.
"""

import os
import shutil

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from tests.pages import freeze_today

# Playwright's sync API runs an event loop in this thread; the ORM would refuse to
# work next to it (SynchronousOnlyOperation) although nothing here is asynchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    # A missing browser is an installation error, never a reason to skip.
    if any("tests/browser" in str(item.fspath) for item in items) and not shutil.which(CHROMIUM):
        raise pytest.UsageError(
            f"The browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium"
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url():
    # Replaces pytest-playwright's own, a plugin-class method that pytest 9 warns
    # about; the tests build addresses from the live server instead.
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def live_server(_live_server_settings, live_server):
    """pytest-django's live server, started with the test settings of tests/conftest.py.

    The server starts once per session, before the function-scoped ``settings``
    fixture could change anything, so the same values are set here for the session.
    """
    return live_server


@pytest.fixture(scope="session")
def _live_server_settings(_static_root):
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        STATIC_ROOT=_static_root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


# The apps whose rows make up the registry; the Örebro files fill them.
REGISTRY_APPS = ("bodies", "members", "meetings")


@pytest.fixture(scope="session")
def _orebro_rows(django_db_setup, django_db_blocker):
    """The Örebro registry as serialized rows, read once per session.

    Loading the structure files validates everything and takes seconds; the
    live server's tests empty the database after each test, so each test gets
    the rows back from this copy instead (a fraction of a second).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_structure", "fixtures/orebro.toml", verbosity=0)
        call_command("load_meetings", "fixtures/orebro-meetings.toml", verbosity=0)
        rows = [
            serializers.serialize("json", model._default_manager.order_by("pk"))
            for label in REGISTRY_APPS
            for model in apps.get_app_config(label).get_models()
        ]
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def site(live_server, _orebro_rows, monkeypatch):
    """The live server's address, serving the Örebro registry with its meetings."""
    freeze_today(monkeypatch)
    models = set()
    # Foreign keys are checked at commit on both SQLite and PostgreSQL: any order works.
    with transaction.atomic():
        for rows in _orebro_rows:
            for row in serializers.deserialize("json", rows):
                row.save()
                models.add(type(row.object))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return live_server.url
