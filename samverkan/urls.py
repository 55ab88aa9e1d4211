from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from bodies import urls as bodies_urls
from samverkan import cross_app_urls, opendata, signin


def favicon(request):
    # Pages name their icon; a browser showing the JSON API asks for this address.
    return redirect(static("favicon.svg"), permanent=True)


# A refused request (too many query fields) gets a page of the site, not Django's own.
handler400 = "samverkan.errors.bad_request"

urlpatterns = [
    path("favicon.ico", favicon),
    path("api/v1/", include("samverkan.api.urls")),
]

if settings.OIDC_ENABLED:
    # /oidc/authenticate/, /oidc/callback/: sign-in with the organisation's provider.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

urlpatterns += i18n_patterns(
    # /admin/tvastegsverifiering/: an authenticator app as second factor (before the admin's
    # catch-all).
    path("admin/tvastegsverifiering/", signin.second_factor, name="second_factor"),
    path("admin/", admin.site.urls),
    # /oppna-data/, /oppna-data/2023-2026.zip, /oppna-data/dcat.jsonld (DCAT-AP-SE)
    path("oppna-data/", opendata.page, name="opendata"),
    path("oppna-data/dcat.jsonld", opendata.dcat, name="opendata_dcat"),
    path("oppna-data/<slug:slug>.zip", opendata.period_zip, name="opendata_zip"),
    path("", include("members.urls")),
    # The search and the downloads read members and meetings, so they live in samverkan/
    # (bodies may not import them) but keep their names: {% url 'bodies:search' %}.
    path("", include((bodies_urls.urlpatterns + cross_app_urls.urlpatterns, "bodies"))),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    # Under its own name: ``static`` above is the address of a static file.
    from django.conf.urls.static import static as served_from

    urlpatterns += served_from(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
