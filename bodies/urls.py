from django.urls import path

from bodies import export_views, my_choice, views

app_name = "bodies"

urlpatterns = [
    # /
    path("", views.start, name="start"),
    # /perioder/, /perioder/2023-2026/, /perioder/2023-2026/regionala-samverkansradet/
    path("perioder/", views.periods, name="periods"),
    # /perioder/jamfor/?fran=2023-2026&till=2027-2030 (before the period slug pattern)
    path("perioder/jamfor/", views.compare_periods, name="compare"),
    path("perioder/<slug:slug>/", views.period, name="period"),
    path("perioder/<slug:period_slug>/<slug:body_slug>/", views.body, name="body"),
    # /lansdelar/, /lansdelar/norra-lansdelen/
    path("lansdelar/", views.county_parts, name="county_parts"),
    path("lansdelar/<slug:slug>/", views.county_part, name="county_part"),
    # /min/?val=org:kumla-kommun (min kommun / min organisation)
    path("min/", my_choice.mine, name="mine"),
    # /sok/?q=
    path("sok/", views.search, name="search"),
    # /tillganglighet/
    path("tillganglighet/", views.accessibility, name="accessibility"),
]

# Downloads (bodies/export_views.py):
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
