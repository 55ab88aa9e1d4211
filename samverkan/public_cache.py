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
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
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


class PublicCacheMiddleware:
    """Conditional GET and a cache for what anonymous visitors see (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not request.path.startswith("/api/"):
                response.headers.setdefault("Cache-Control", "private, no-cache")
            return response

        stamp = ChangeStamp.read()
        hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        key = self.cache_key(request, stamp, hour)
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

        cache = caches[settings.PUBLIC_PAGE_CACHE]
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if not self.is_cacheable(response):
                return response
            # Rendered by now (template responses are rendered inside the handler).
            cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return self.finish(response, etag, last_modified)

    @staticmethod
    def cache_key(request, stamp, hour):
        # The address says the language (/en/…). The stamp's time as well as its number:
        # a restored backup may bring an old number back.
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        version = f"{stamp.version}-{stamp.changed_at.timestamp()}"
        # localdate() as well as the hour: "as of today" logic reads it on its own.
        day = timezone.localdate().isoformat()
        return f"public-page:{version}:{day}:{hour:%H}:{request.method}:{address}"

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
