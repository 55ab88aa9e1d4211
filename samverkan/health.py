"""/healthz: is this app server able to serve? For load balancers and monitoring.

Answered by a middleware near the top of the stack, before the host check, the
HTTPS redirect, sessions and the language prefix: a load balancer asks each app
server directly, by its address and over plain http, and gets no cookie.

Each check tries the real thing (a query, a cache round trip, writing and reading a
file in the media storage, the migration table) and answers with the part that
failed, never with data: the body is the same JSON for anyone who asks. 200 when all
pass, 503 otherwise, so a load balancer takes the server out of rotation.

A new check is a function that raises ``Unhealthy`` (or any error) when its part
does not work, added to ``CHECKS``; it may return a few figures about its part (never
registry data) for monitoring.
"""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_tasks_db.models import DBTaskResult

HEALTH_PATH = "/healthz"

# Probe files live here for a moment; the backup leaves this folder out.
PROBE_FOLDER = "healthz"

logger = logging.getLogger(__name__)


class Unhealthy(Exception):
    """A part that does not work, with a short reason that reveals no data."""


def database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise Unhealthy("SELECT 1 did not answer 1")


def cache_round_trip() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    try:
        if cache.get(key) != "ok":
            raise Unhealthy("a value written to the cache was not read back")
    finally:
        cache.delete(key)


def media_storage() -> None:
    """Write, read and delete a small file: what an upload and a download need."""
    name = default_storage.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise Unhealthy("a file written to the media storage was not read back")
    finally:
        default_storage.delete(name)


def migrations() -> None:
    """Code and database schema agree: no migration of this code is unapplied."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise Unhealthy(f"{len(pending)} migration(s) not applied: run manage.py migrate")


def task_queue() -> dict:
    """The queue the workers share can be read. How many tasks wait, and since when,
    is for monitoring to judge (a stopped worker is no reason to take this app server
    out of rotation: it still serves pages)."""
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    day_ago = timezone.now() - timedelta(days=1)
    return {
        "waiting": waiting.count(),
        "oldest_waiting_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else 0,
        "failed_last_day": DBTaskResult.objects.failed().filter(finished_at__gte=day_ago).count(),
    }


CHECKS: dict[str, Callable[[], dict | None]] = {
    "database": database,
    "cache": cache_round_trip,
    "media_storage": media_storage,
    "migrations": migrations,
    "task_queue": task_queue,
}


def run_checks(checks: dict[str, Callable[[], dict | None]]) -> dict[str, dict]:
    results = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            figures = check()
        except Unhealthy as problem:
            logger.warning("Health check %s failed: %s", name, problem)
            result = {"ok": False, "error": str(problem)}
        except Exception as error:
            # The answer names the kind of error only (messages may name hosts, users
            # or paths); the log has the whole story.
            logger.warning("Health check %s failed", name, exc_info=True)
            result = {"ok": False, "error": type(error).__name__}
        else:
            result = {"ok": True, **(figures or {})}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results


def healthz(request):
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    results = run_checks(CHECKS)
    healthy = all(result["ok"] for result in results.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results},
        status=200 if healthy else 503,
    )
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answer /healthz before the rest of the stack sees the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
