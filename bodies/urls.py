from django.urls import path

from bodies import my_choice, views

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
    # /tillganglighet/
    path("tillganglighet/", views.accessibility, name="accessibility"),
]
