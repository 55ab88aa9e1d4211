import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from tests import factories, snapshot


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
    # Each test starts with empty caches: a page cached by another test's data is no
    # evidence of anything.
    for cache in caches.all():
        cache.clear()
    # A request to an English page leaves English active in the thread (the locale
    # middleware sets it per request); each test starts in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(scope="session")
def orebro_snapshot(django_db_setup, django_db_blocker):
    """The Örebro structure and its meetings as serialized rows, read once per session.

    Loading the structure files validates everything and takes seconds; each test
    that needs the data gets the rows back from this copy (a fraction of a second).
    The files themselves are tested in test_load_structure and test_meeting_loader.
    """
    # No history while loading: the snapshot leaves it out anyway (tests/snapshot.py).
    with (
        django_db_blocker.unblock(),
        override_settings(SIMPLE_HISTORY_ENABLED=False),
        transaction.atomic(),
    ):
        call_command("load_structure", "fixtures/orebro.toml", verbosity=0)
        structure = snapshot.rows(("bodies", "members"))
        call_command("load_meetings", "fixtures/orebro-meetings.toml", verbosity=0)
        # The meetings file adds people too (other participants): take everything.
        with_meetings = snapshot.rows(("bodies", "members", "meetings"))
        transaction.set_rollback(True)
    return structure, with_meetings


@pytest.fixture
def orebro(db, orebro_snapshot):
    """The real Örebro län registry, as fixtures/orebro.toml loads it."""
    snapshot.restore(orebro_snapshot[0])


@pytest.fixture
def orebro_meetings(db, orebro_snapshot):
    """The real meetings of Regionala samverkansrådet, from fixtures/orebro-meetings.toml."""
    snapshot.restore(orebro_snapshot[1])


@pytest.fixture
def make():
    return factories


@pytest.fixture
def forest(make):
    """A period of six bodies of every kind, with a reporting tree and a support line."""
    from bodies.models import Body

    period = make.period("2023–2026")
    council = make.body(period, "Regionala rådet")
    culture = make.body(period, "Kulturrådet", parent=council)
    group = make.body(period, "Chefsgruppen", kind=Body.Kind.OFFICIALS_GROUP, parent=council)
    make.body(
        period, "Chefsgrupp kultur", kind=Body.Kind.OFFICIALS_GROUP, parent=group, supports=culture
    )
    make.body(period, "Energinätverket", kind=Body.Kind.NETWORK, parent=group)
    make.body(period, "Partnerskapet", kind=Body.Kind.PARTNERSHIP)
    return period


def user_with_roles(username, *, registry_secretary=False, organisations=(), bodies=()):
    """A staff account with registry roles (members.models.UserRoles)."""
    from django.contrib.auth import get_user_model

    from members.models import UserRoles

    user = get_user_model().objects.create_user(username, password="hemligt-123", is_staff=True)
    roles = UserRoles.objects.create(user=user, registry_secretary=registry_secretary)
    roles.organisations.set(organisations)
    roles.bodies.set(bodies)
    return user


@pytest.fixture
def roles():
    """Make staff accounts with roles: ``roles("anna", organisations=[nora])``."""
    return user_with_roles
