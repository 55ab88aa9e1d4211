"""/api/v1/: the docs page, the operations (behind http.py) and a JSON 404 for the rest."""

from django.urls import URLPattern, path, re_path

from samverkan.api.http import api_view
from samverkan.api.views import api, docs, unknown_address

app_name = "api"

operations = [p for p in api.urls[0] if isinstance(p, URLPattern)]
urlpatterns = [
    path("docs/", docs, name="docs"),
    *(URLPattern(p.pattern, api_view(p.callback), name=p.name) for p in operations),
    re_path(r"^(?P<rest>.*)$", api_view(unknown_address)),
]
