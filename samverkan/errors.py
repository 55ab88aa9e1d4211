"""The 400 answer: a page of the site in the address's language, or JSON for the API.

Django's own 400 is an English page without the site around it. A 400 comes from a
request Django refuses to read (more query fields than DATA_UPLOAD_MAX_NUMBER_FIELDS,
a bad Host): the page is rendered without reading the query string again.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import translation

from samverkan.api.http import CORS_HEADERS, with_headers


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        # The API's error shape (samverkan/api/views.py).
        response = JsonResponse({"error": "The request could not be read."}, status=400)
        return with_headers(response, CORS_HEADERS)
    request.GET = QueryDict()  # reading it again would raise again
    language = translation.get_language_from_path(request.path_info) or "sv"
    with translation.override(language):
        return render(request, "400.html", status=400)
