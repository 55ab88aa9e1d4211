from django.urls import path

from meetings import decision_views, views

app_name = "meetings"

urlpatterns = [
    # /moten/?visa=manad&manad=2022-09&organ=…&organisation=…&lansdel=…
    path("moten/", views.calendar, name="calendar"),
    # /moten/statistik/?ar=2022
    path("moten/statistik/", views.statistics, name="statistics"),
    # /moten/12/, /moten/12/protokoll/, /moten/12/bilagor/3/
    path("moten/<int:pk>/", views.meeting, name="meeting"),
    path("moten/<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("moten/<int:pk>/bilagor/<int:attachment_pk>/", views.attachment, name="attachment"),
    # /moten/kalender.ics, /moten/organ/regionala-samverkansradet/kalender.ics,
    # /moten/organisationer/orebro-kommun/kalender.ics
    path("moten/kalender.ics", views.feed, name="feed"),
    path("moten/organ/<slug:body_slug>/kalender.ics", views.feed, name="body_feed"),
    path(
        "moten/organisationer/<slug:organisation_slug>/kalender.ics",
        views.feed,
        name="organisation_feed",
    ),
    # /beslut/?organ=…&period=…&typ=…&status=…&q=…, /beslut/12/, /beslut/beslut.csv
    path("beslut/", decision_views.decision_list, name="decisions"),
    path("beslut/beslut.csv", decision_views.decisions_csv, name="decisions_csv"),
    path("beslut/<int:pk>/", decision_views.decision, name="decision"),
]
