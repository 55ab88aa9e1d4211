"""The read-only JSON API, version 1 (samverkan/api.py); outside the language prefixes."""

from django.urls import path, re_path

from samverkan import api

app_name = "api"

urlpatterns = [
    # /api/v1/, /api/v1/schema/, /api/v1/docs/
    path("", api.index, name="index"),
    path("schema/", api.schema, name="schema"),
    path("docs/", api.docs, name="docs"),
    # /api/v1/periods/, /api/v1/periods/2023-2026/
    path("periods/", api.periods, name="periods"),
    path("periods/<str:slug>/", api.period, name="period"),
    # /api/v1/county-parts/, /api/v1/county-parts/norra/
    path("county-parts/", api.county_parts, name="county_parts"),
    path("county-parts/<str:slug>/", api.county_part, name="county_part"),
    # /api/v1/organizations/, /api/v1/organizations/orebro-kommun/
    path("organizations/", api.organizations, name="organizations"),
    path("organizations/<str:slug>/", api.organization, name="organization"),
    # /api/v1/parties/, /api/v1/parties/S/
    path("parties/", api.parties, name="parties"),
    path("parties/<str:abbreviation>/", api.party, name="party"),
    # /api/v1/bodies/, /api/v1/bodies/2023-2026/regionala-samverkansradet/
    path("bodies/", api.bodies, name="bodies"),
    path("bodies/<str:period>/<str:slug>/", api.body, name="body"),
    # /api/v1/posts/, /api/v1/posts/42/
    path("posts/", api.posts, name="posts"),
    path("posts/<int:pk>/", api.post, name="post"),
    # /api/v1/people/, /api/v1/people/andreas-svahn/
    path("people/", api.people, name="people"),
    path("people/<str:slug>/", api.person, name="person"),
    # /api/v1/memberships/?post=42&date=2022-09-29, /api/v1/memberships/7/
    path("memberships/", api.memberships, name="memberships"),
    path("memberships/<int:pk>/", api.membership, name="membership"),
    # /api/v1/meetings/, /api/v1/meetings/12/
    path("meetings/", api.meetings, name="meetings"),
    path("meetings/<int:pk>/", api.meeting, name="meeting"),
    # Anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", api.not_found),
]
