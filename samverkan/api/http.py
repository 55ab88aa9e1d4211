"""HTTP around every address of the API: GET, HEAD and OPTIONS, CORS for any origin (no
credentials), Swedish texts from the data. ETag and 304: samverkan/public_cache.py."""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import translation

METHODS = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": METHODS,
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}


def api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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
        return with_headers(response, CORS_HEADERS)

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # read-only: nothing to forge
    return wrapper


def with_headers[R: HttpResponseBase](response: R, headers: dict[str, str]) -> R:
    for name, value in headers.items():
        response[name] = value
    return response
