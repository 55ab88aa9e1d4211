"""Headers and cookies the security review asked for, as a browser receives them."""

import pytest
from django.test import RequestFactory
from django.views.i18n import set_language

pytestmark = pytest.mark.django_db


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_the_policy_forbids_a_base_element_and_plugins(client):
    directives = csp_directives(client.get("/"))

    # An injected <base href> would send every relative link and form elsewhere.
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_policy_is_on_admin_and_english_pages_too(client):
    for path in ("/en/", "/admin/login/"):
        assert csp_directives(client.get(path))["base-uri"] == ["'none'"], path


def test_the_language_cookie_is_secure_same_site_and_hidden_from_scripts(client):
    # The site's language switch is two links and sets no cookie; Django's own switch
    # (not routed here) would, and then with these flags.
    assert not client.get("/").cookies
    request = RequestFactory().post("/", {"language": "en", "next": "/"})
    response = set_language(request)

    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert "Secure" in cookie.OutputString()
