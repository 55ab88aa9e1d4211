"""Sign-in with the organisation's identity provider (OpenID Connect).

A small provider runs in the test on 127.0.0.1: it issues an RS256-signed ID token
for the code it is given, publishes its key, and answers the user-info request.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

# The site's URLs as configured, without OpenID Connect: loaded before any test here
# switches it on (the URL module reads the setting once).
import samverkan.urls  # noqa: F401

pytestmark = pytest.mark.django_db

CLIENT_ID = "samverkan-test"


class Provider:
    """A minimal OpenID provider: /token, /userinfo and /jwks."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.grants = {}  # code -> (nonce, claims)
        self.audience = CLIENT_ID
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self.reply({"keys": [{**jwk, "kid": provider.kid, "alg": "RS256"}]})
                elif self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    self.reply(provider.grants[token][1])
                else:
                    self.reply({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                code = form["code"][0]
                if code not in provider.grants or form["client_id"][0] != CLIENT_ID:
                    self.reply({"error": "invalid_grant"}, 400)
                    return
                nonce, claims = provider.grants[code]
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        **claims,
                        "iss": provider.url,
                        "aud": provider.audience,
                        "nonce": nonce,
                        "iat": now,
                        "exp": now + 300,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": provider.kid},
                )
                self.reply({"id_token": id_token, "access_token": code, "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def grant(self, nonce, **claims):
        code = uuid.uuid4().hex
        self.grants[code] = (nonce, {"sub": uuid.uuid4().hex, **claims})
        return code


@pytest.fixture
def provider(settings):
    provider = Provider()
    settings.ROOT_URLCONF = "tests.oidc_urls"
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Region Örebro läns inloggning"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "hemlighet"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.url + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = provider.url + "/token"
    settings.OIDC_OP_USER_ENDPOINT = provider.url + "/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = provider.url + "/jwks"
    settings.OIDC_CREATE_USER = False
    settings.LOGIN_REDIRECT_URL = "/admin/"
    settings.LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?oidc=misslyckades"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "samverkan.signin.StaffOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "anna", "Anna.Berg@example.se", "lösenord-som-inte-används", is_staff=True
    )


def sign_in_at_provider(client, provider, **claims):
    """Follow the login link to the provider, sign in there, and come back with a code."""
    start = client.get("/admin/login/?next=/admin/")
    assert "Logga in med Region Örebro läns inloggning" in start.content.decode()
    response = client.get("/oidc/authenticate/?next=/admin/")
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.url + "/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == [CLIENT_ID]
    code = provider.grant(query["nonce"][0], **claims)
    return client.get("/oidc/callback/", {"code": code, "state": query["state"][0]})


def test_staff_sign_in_with_the_identity_provider_by_their_e_mail(client, provider, staff):
    response = sign_in_at_provider(client, provider, email="anna.berg@example.se")

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_nobody_is_created_for_an_unknown_e_mail(client, provider, staff):
    response = sign_in_at_provider(client, provider, email="okand@example.se")

    assert response.url == "/admin/login/?oidc=misslyckades"
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == 1
    page = client.get(response.url).content.decode()
    assert "Inloggningen via identitetsleverantören gick inte igenom." in page


def test_a_user_who_is_not_staff_cannot_sign_in_that_way(client, provider, staff):
    staff.is_staff = False
    staff.save()
    response = sign_in_at_provider(client, provider, email="anna.berg@example.se")

    assert response.url == "/admin/login/?oidc=misslyckades"
    assert "_auth_user_id" not in client.session


def test_a_token_issued_for_another_client_is_refused(client, provider, staff):
    provider.audience = "another-client"
    response = sign_in_at_provider(client, provider, email="anna.berg@example.se")

    assert response.url == "/admin/login/?oidc=misslyckades"
    assert "_auth_user_id" not in client.session


def test_without_configuration_there_is_no_provider_login(client):
    page = client.get("/admin/login/").content.decode()
    assert "Logga in med" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
