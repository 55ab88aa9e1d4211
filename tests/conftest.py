import pytest
from django.core.management import call_command

from tests import factories


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("staticfiles")


@pytest.fixture(autouse=True)
def _test_settings(settings, _static_root):
    # Production defaults (HTTPS redirect, hashed static manifest, a collected
    # STATIC_ROOT) get in the way of the test client; the rest is the real settings.
    settings.SECURE_SSL_REDIRECT = False
    settings.STATIC_ROOT = _static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def orebro(db):
    """The real Örebro län registry, loaded from fixtures/orebro.toml."""
    call_command("load_structure", "fixtures/orebro.toml", verbosity=0)


@pytest.fixture
def orebro_meetings(orebro):
    """The real meetings of Regionala samverkansrådet, from fixtures/orebro-meetings.toml."""
    call_command("load_meetings", "fixtures/orebro-meetings.toml", verbosity=0)


@pytest.fixture
def make():
    return factories
