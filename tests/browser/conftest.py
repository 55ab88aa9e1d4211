"""Browser tests: Playwright (sync API) with Debian's Chromium against pytest-django's live server.

Playwright's own browser download is never used: the browser is /usr/bin/chromium
(Debian package ``chromium``). Every test gets the real Örebro registry, loaded
fresh into the live server's database, and "today" fixed inside 2023–2026.
"""

import os
import shutil

import pytest
from django.db import connections
from django.test import override_settings

from tests.pages import freeze_today
from tests.snapshot import restore

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
def playwright(_database_before_playwright, playwright):
    """pytest-playwright's Playwright, started once the test database exists.

    Starting Playwright's sync API gives this thread a new context, and Django's
    database connections are context-local: the ones opened before it are out of
    reach afterwards. So each side closes its own, and none is still open when the
    test database is dropped (PostgreSQL refuses to drop a database in use).
    """
    yield playwright
    connections.close_all()


@pytest.fixture(scope="session")
def _database_before_playwright(django_db_setup):
    connections.close_all()


@pytest.fixture(scope="session")
def live_server(django_db_setup, _live_server_settings, live_server):
    """pytest-django's live server, started with the test settings of tests/conftest.py.

    The server starts once per session, before the function-scoped ``settings``
    fixture could change anything, so the same values are set here for the session.
    It starts after the test database is made, so it stops before it is dropped.
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


@pytest.fixture
def site(live_server, orebro_snapshot, monkeypatch):
    """The live server's address, serving the Örebro registry with its meetings."""
    freeze_today(monkeypatch)
    restore(orebro_snapshot[1])
    return live_server.url
