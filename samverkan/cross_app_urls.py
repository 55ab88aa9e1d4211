"""Addresses named in the ``bodies`` namespace whose views read every app.

The search and the downloads read members and meetings too, which bodies may not
import (tests/test_app_graph.py); samverkan/urls.py serves them with bodies/urls.py.
"""

from django.urls import path

from samverkan import export_views, search

urlpatterns = [
    # /sok/?q=
    path("sok/", search.search_page, name="search"),
]

# Downloads (samverkan/export_views.py):
# /perioder/2023-2026/rapport.pdf, /perioder/2023-2026/ledamoter.csv|xlsx,
# /perioder/2023-2026/regionala-samverkansradet/ledamoter.pdf|csv|xlsx,
# /organisationer/orebro-kommun/ledamoter.csv|xlsx, /moten/12/protokoll.pdf
urlpatterns += [
    path("perioder/<slug:slug>/rapport.pdf", export_views.period_report, name="period_report"),
    path(
        "perioder/<slug:slug>/ledamoter.<str:kind>",
        export_views.period_roster,
        name="period_roster",
    ),
    path(
        "perioder/<slug:period_slug>/<slug:body_slug>/ledamoter.<str:kind>",
        export_views.body_roster,
        name="body_roster",
    ),
    path(
        "organisationer/<slug:slug>/ledamoter.<str:kind>",
        export_views.organisation_roster,
        name="organisation_roster",
    ),
    path("moten/<int:pk>/protokoll.pdf", export_views.meeting_minutes, name="meeting_minutes"),
]
