"""Public pages answered from the registry's change stamp: 304s and a shared page cache.

Every public GET (pages, feeds, exports, API) gets an ETag and a Last-Modified made
from the change stamp (``bodies.ChangeStamp``), so a browser, a calendar app or a proxy
that already has the page gets ``304 Not Modified`` for one query. Rendered responses
are kept in Django's cache under the stamp, the language and the address: a change
bumps the stamp in its own transaction, which makes every older entry unreachable at
once. Staff — anyone sending a session cookie — always get a fresh, private page.

Pages also change with time alone (the current period, upcoming meetings, a roster
"today"), so the key and the ETag carry the hour as well: a page is at most an hour
behind the clock, never behind the data.

Each server process also keeps the pages it served last in its own memory
(``RecentPages``), in front of the shared cache. That is safe for the same reason the
shared cache is: an entry never changes under its key, and the stamp is still read on
every request, so a change made through any process makes the kept pages unreachable
at once. It saves the shared cache's round trip and the copying of the page out of it.
The stamp query is also the connection's health check (``read_stamp``), so that a
public request makes one round trip to the database, not two.
"""

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from bodies.models import ChangeStamp
from bodies.my_choice import COOKIE as CHOICE_COOKIE
from samverkan.api.http import CORS_HEADERS, with_headers

# Addresses that are never public: the admin (in every language), sign-in, health, and
# the "min kommun" choice (it may set the visitor's cookie).
PRIVATE_PREFIXES = ("/admin/", "/en/admin/", "/oidc/", "/healthz", "/min/", "/en/min/")
# Pages that read the visitor's remembered choice (bodies/my_choice.py): with that
# cookie they are personal, so private; without it they are the same for everyone.
CHOICE_PAGES = ("/", "/en/")


def is_public_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(PRIVATE_PREFIXES)
        and not (CHOICE_COOKIE in request.COOKIES and request.path in CHOICE_PAGES)
    )


def read_stamp():
    """``ChangeStamp.read()``, standing in for the connection's health check.

    With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of
    each request on a kept connection. The stamp query comes first on a public
    request, so it is the check: if it fails on a kept connection, that connection is
    closed and the stamp read on a new one, as Django's check would have done.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if (
        connection.connection is None
        or not connection.health_check_enabled
        or connection.health_check_done
        or connection.in_atomic_block
    ):
        return ChangeStamp.read()
    connection.health_check_done = True
    try:
        return ChangeStamp.read()
    except (OperationalError, InterfaceError):
        connection.close()
    return ChangeStamp.read()


class RecentPages:
    """The pages this process served last, at most ``max_bytes`` of them, by key.

    Entries are ``(content, headers)``. A key carries the stamp, day and hour, so
    when those change every older entry is unreachable: they are dropped at once
    instead of waiting to be pushed out.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.entries = OrderedDict()
        self.size = 0
        self.generation = None
        self.lock = threading.Lock()

    def get(self, generation, key):
        with self.lock:
            if generation != self.generation:
                return None
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, generation, key, entry):
        size = len(entry[0])
        if size > self.max_bytes // 8:
            return  # a large download would push out many pages
        with self.lock:
            if generation != self.generation:
                self.entries.clear()
                self.size = 0
                self.generation = generation
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _, (content, _) = self.entries.popitem(last=False)
                self.size -= len(content)


class PublicCacheMiddleware:
    """Conditional GET and a cache for what anonymous visitors see (see the module doc)."""

    # Set by finish() on every answer: not kept with the page.
    OWN_HEADERS = {"etag", "last-modified", "cache-control"}

    def __init__(self, get_response):
        self.get_response = get_response
        # A cache in this process's memory already (development, the tests) needs none.
        in_memory = isinstance(caches[settings.PUBLIC_PAGE_CACHE], LocMemCache)
        memory = 0 if in_memory else settings.PUBLIC_PAGE_MEMORY_BYTES
        self.recent = RecentPages(memory) if memory else None

    def __call__(self, request):
        if not is_public_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not request.path.startswith("/api/"):
                response.headers.setdefault("Cache-Control", "private, no-cache")
            return response

        stamp = read_stamp()
        hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        generation, key = self.cache_key(request, stamp, hour)
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
        last_modified = int(max(stamp.changed_at, hour).timestamp())
        if last_modified >= int(time.time()):
            # HTTP dates have whole seconds: a second change within this second would
            # carry the same date, so none is given until the second has passed (the
            # ETag still answers).
            last_modified = None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            if request.path.startswith("/api/"):
                # A cross-origin client revalidating needs the CORS headers on the 304 too.
                with_headers(not_modified, CORS_HEADERS)
            return self.finish(not_modified, etag, last_modified)

        entry = self.recent.get(generation, key) if self.recent else None
        if entry is None:
            cache = caches[settings.PUBLIC_PAGE_CACHE]
            entry = cache.get(key)
            if entry is None:
                response = self.get_response(request)
                if not self.is_cacheable(response):
                    return response
                # Rendered by now (template responses are rendered inside the handler).
                entry = self.entry(response)
                cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
            if self.recent:
                self.recent.put(generation, key, entry)
        content, headers = entry
        # A new response each time: the middleware above adds its headers to it.
        return self.finish(HttpResponse(content, headers=dict(headers)), etag, last_modified)

    @classmethod
    def entry(cls, response):
        """What is kept of a page: its bytes and its own headers (no pickled object)."""
        headers = tuple(
            (name, value) for name, value in response.items() if name.lower() not in cls.OWN_HEADERS
        )
        return response.content, headers

    @staticmethod
    def cache_key(request, stamp, hour):
        # The address says the language (/en/…). The stamp's time as well as its number:
        # a restored backup may bring an old number back.
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        version = f"{stamp.version}-{stamp.changed_at.timestamp()}"
        # localdate() as well as the hour: "as of today" logic reads it on its own.
        day = timezone.localdate().isoformat()
        generation = f"{version}:{day}:{hour:%H}"
        # "public-page-2": entries are (content, headers), no longer pickled responses.
        return generation, f"public-page-2:{generation}:{request.method}:{address}"

    @staticmethod
    def is_cacheable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def finish(response, etag, last_modified):
        response.headers["ETag"] = etag
        if last_modified is not None:
            response.headers["Last-Modified"] = http_date(last_modified)
        # Anyone may keep it, but must ask again (a 304 is cheap) before using it.
        response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        # The page is the same for every visitor without a session: no Vary on Cookie
        # (reading the permissions of an anonymous visitor marks the session as used).
        vary = [h.strip() for h in response.get("Vary", "").split(",") if h.strip()]
        if vary:
            del response.headers["Vary"]
            kept = [h for h in vary if h.lower() != "cookie"]
            if kept:
                patch_vary_headers(response, kept)
        return response
