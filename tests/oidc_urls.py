"""The site's URLs with OpenID Connect switched on (it is off unless configured)."""

from django.urls import include, path

from samverkan.urls import urlpatterns as site

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls")), *site]
