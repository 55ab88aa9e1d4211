"""HTTP around every address of the API: GET, HEAD and OPTIONS only, CORS for any origin
(no credentials), an ETag and a Last-Modified on each answer and a 304 when the client
has it already. Texts taken from the data (a meeting's name, a seat's label) are Swedish."""

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

METHODS = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": METHODS,
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}


class FirstServed:
    """When this process first served the current body of each address (bounded LRU).

    A body that changes gets a new time, later than any time given before for the
    address, so ``If-Modified-Since`` never hides a change (a removed object too,
    which no ``updated_at`` shows); after a restart every address simply looks new.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.seen: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self.lock = threading.Lock()

    def since(self, key: str, etag: str) -> int:
        now = int(time.time()) + 1  # whole seconds, not before this moment
        with self.lock:
            known = self.seen.get(key)
            if not (known and known[0] == etag):
                known = (etag, max(now, known[1] + 1) if known else now)
            self.seen[key] = known
            self.seen.move_to_end(key)
            while len(self.seen) > self.size:
                self.seen.popitem(last=False)
            return known[1]


first_served = FirstServed()


def api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The rules above around a view that answers GET with JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = JsonResponse({"error": f"Only {METHODS} are allowed."}, status=405)
            response["Allow"] = METHODS
        else:
            method, request.method = request.method, "GET"  # HEAD: GET without the body
            with translation.override("sv"):
                response = view(request, *args, **kwargs)
            request.method = method
            if response.status_code == 200 and isinstance(response, HttpResponse):
                response = conditional(request, response)
        return with_headers(response, CORS_HEADERS)

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # read-only: nothing to forge
    return wrapper


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
    last_modified = first_served.since(request.get_full_path(), etag)
    headers = {"ETag": etag, "Last-Modified": http_date(last_modified)}
    headers["Cache-Control"] = "public, no-cache"
    answer = get_conditional_response(request, etag, last_modified, with_headers(response, headers))
    return with_headers(answer or response, headers)  # a 304 carries them too


def with_headers[R: HttpResponseBase](response: R, headers: dict[str, str]) -> R:
    for name, value in headers.items():
        response[name] = value
    return response
