from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    # /personer/anna-andersson/
    path("personer/<slug:slug>/", views.person, name="person"),
    # /personer/anna-andersson/foto/ (only with the person's consent)
    path("personer/<slug:slug>/foto/", views.person_photo, name="person_photo"),
    # /organisationer/, /organisationer/orebro-kommun/
    path("organisationer/", views.organisations, name="organisations"),
    path("organisationer/<slug:slug>/", views.organisation, name="organisation"),
    # /perioder/2023-2026/andringar/?fran=2024-01-01&till=2024-12-31, …/andringar/atom/
    # (before bodies' /perioder/<period>/<body>/: a body may not be called "andringar")
    path("perioder/<slug:slug>/andringar/", views.period_changes, name="period_changes"),
    path(
        "perioder/<slug:slug>/andringar/atom/",
        views.PeriodChangesFeed(),
        name="period_changes_feed",
    ),
]
