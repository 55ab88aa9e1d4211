"""The public fast path: pages kept in each server process's memory, never stale, and one
round trip to the database per cached page or 304 (samverkan/public_cache.py)."""

import datetime

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from bodies.models import Body, ChangeStamp
from samverkan import public_cache
from samverkan.config import cache_config
from samverkan.public_cache import RecentPages, read_stamp
from tests.pages import freeze_today, rename_bodies_in_another_process

PAGE = "/perioder/2023-2026/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def database_cache(settings, db):
    """The production default: a cache table shared by all server processes."""
    settings.CACHES = {"default": cache_config("db://")}
    call_command("createcachetable", verbosity=0)


@pytest.fixture
def period(make):
    period = make.period("2023–2026")
    council = make.body(period, "Regionala rådet")
    seat = make.seat(council, make.organisation("Nora kommun"))
    make.appointment(make.person("Anna", "Berg"), seat, start=datetime.date(2023, 1, 1))
    return period


@pytest.mark.django_db
def test_a_page_served_again_by_the_same_process_costs_one_query(
    database_cache, period, django_assert_num_queries
):
    client = Client()
    first = client.get(PAGE)
    assert first.status_code == 200

    with django_assert_num_queries(1):  # the stamp; the page comes from memory
        again = client.get(PAGE)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    # The headers of the middleware above are added to every answer anew.
    assert again["X-Request-ID"] != first["X-Request-ID"]


@pytest.mark.django_db
def test_another_process_finds_the_page_in_the_shared_cache(
    database_cache, period, django_assert_num_queries
):
    first = Client().get(PAGE)

    with django_assert_num_queries(2):  # the stamp and the shared cache: nothing rendered
        other = Client().get(PAGE)
    assert other.content == first.content
    assert other["ETag"] == first["ETag"]


@pytest.mark.django_db
def test_a_kept_page_is_never_shown_after_a_change(database_cache, period):
    client = Client()
    assert "Regionala rådet" in client.get(PAGE).content.decode()
    assert "Regionala rådet" in client.get(PAGE).content.decode()

    Body.objects.update(name="Samverkansrådet")

    page = client.get(PAGE).content.decode()
    assert "Samverkansrådet" in page
    assert "Regionala rådet" not in page


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_kept_page_is_never_shown_after_a_write_by_another_process(database_cache, period):
    client = Client()
    before = client.get(PAGE)
    assert client.get(PAGE).content == before.content  # now kept in this process too
    rename_bodies_in_another_process("Ändrat av en annan process")

    after = client.get(PAGE, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Ändrat av en annan process" in after.content.decode()
    assert client.get(PAGE, headers={"if-none-match": after["ETag"]}).status_code == 304


@pytest.mark.django_db
def test_a_staff_page_is_never_kept_for_the_public(database_cache, period, admin_client):
    address = "/perioder/2023-2026/regionala-radet/"
    staff = admin_client.get(address)
    assert "Registrera ett nytt möte" in staff.content.decode()

    public = Client()
    for _ in range(2):  # rendered, then from memory
        page = public.get(address)
        assert page["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert "Registrera ett nytt möte" not in page.content.decode()
    assert admin_client.get(address)["Cache-Control"] == "private, no-cache"


def test_memory_holds_at_most_its_bytes_dropping_the_least_recently_used():
    recent = RecentPages(max_bytes=8000)
    for name in "abcd":
        recent.put("stamp 1", name, (b"x" * 900, ()))
    recent.get("stamp 1", "a")  # used: kept longer than b
    for name in "efghi":
        recent.put("stamp 1", name, (b"x" * 900, ()))

    assert recent.size <= 8000
    assert recent.get("stamp 1", "a") is not None
    assert recent.get("stamp 1", "b") is None
    # A page larger than an eighth of it is left to the shared cache.
    recent.put("stamp 1", "large", (b"x" * 1001, ()))
    assert recent.get("stamp 1", "large") is None


def test_memory_forgets_every_page_of_an_older_stamp_at_once():
    recent = RecentPages(max_bytes=8000)
    recent.put("stamp 1", "a", (b"old", ()))
    recent.put("stamp 2", "b", (b"new", ()))

    assert recent.get("stamp 1", "a") is None
    assert recent.get("stamp 2", "a") is None
    assert recent.get("stamp 2", "b") == (b"new", ())
    assert recent.size == 3


@pytest.mark.django_db
def test_the_stamp_is_read_as_the_orm_reads_it(period):
    stamp = ChangeStamp.read()
    assert stamp == ChangeStamp.objects.get(pk=1)
    assert stamp.version == ChangeStamp.objects.get(pk=1).version
    assert stamp.changed_at == ChangeStamp.objects.get(pk=1).changed_at
    assert stamp.changed_at.tzinfo is not None


@pytest.mark.django_db
def test_the_stamp_is_made_on_first_use_after_a_flush():
    ChangeStamp.objects.all().delete()
    assert ChangeStamp.read().version == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_stamp_query_checks_a_kept_connection_instead_of_select_1(monkeypatch, period):
    if connection.vendor != "postgresql":
        pytest.skip("the health check of kept connections is tested on PostgreSQL")
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    connection.ensure_connection()
    checks = []
    usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or usable())
    # A new request on the kept connection (what close_old_connections does).
    connection.health_check_done = False
    assert read_stamp().version == ChangeStamp.objects.get(pk=1).version
    assert checks == []  # no SELECT 1 before the stamp query

    # The server dropped the kept connection (a restart, an idle timeout): the stamp is
    # read on a new one, as Django's own check would have made.
    dropped = connection.connection.info.backend_pid
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname="postgres"
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    connection.health_check_done = False
    assert read_stamp().version == ChangeStamp.objects.get(pk=1).version
    assert connection.connection.info.backend_pid != dropped


def test_a_process_local_cache_gets_no_second_copy_in_memory(settings):
    settings.CACHES = {"default": cache_config("locmem://")}
    assert public_cache.PublicCacheMiddleware(lambda request: None).recent is None
    settings.CACHES = {"default": cache_config("db://")}
    assert public_cache.PublicCacheMiddleware(lambda request: None).recent is not None
