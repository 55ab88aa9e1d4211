from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    # /personer/anna-andersson/
    path("personer/<slug:slug>/", views.person, name="person"),
    # /organisationer/, /organisationer/orebro-kommun/
    path("organisationer/", views.organisations, name="organisations"),
    path("organisationer/<slug:slug>/", views.organisation, name="organisation"),
]
