"""Staff sign-in: lockout after failed logins, idle sessions end, a second factor."""

import datetime
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def secretary():
    return get_user_model().objects.create_superuser(
        "sekreterare", "sekreterare@example.se", "rätt-lösenord-123"
    )


def log_in(client, password="rätt-lösenord-123", username="sekreterare", otp_token="", **meta):
    data = {"username": username, "password": password, "otp_token": otp_token, "next": "/admin/"}
    return client.post(LOGIN, data, **meta)


def code(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits) + offset:06d}"[-6:]


# Lockout (django-axes)


def test_five_wrong_passwords_lock_the_user_name_out_for_15_minutes(client, secretary):
    for _ in range(4):
        response = log_in(client, password="fel")
        assert response.status_code == 200
        assert "Ange användarnamn och lösenord för ett personalkonto" in response.content.decode()

    response = log_in(client, password="fel")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Inloggningen är spärrad efter 5 misslyckade försök." in page
    assert "Vänta 15 minuter och försök sedan igen." in page
    # Even the right password is refused while the lockout lasts …
    assert log_in(client).status_code == 429
    assert "_auth_user_id" not in client.session
    # … for this user name from this address only.
    assert log_in(client, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, secretary):
    for _ in range(5):
        log_in(client, password="fel")
    assert log_in(client).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    response = log_in(client)
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_the_registry_secretary_can_lift_a_lockout_in_the_admin(client, admin_client, secretary):
    for _ in range(5):
        log_in(client, password="fel")
    attempt = AccessAttempt.objects.get(username="sekreterare")

    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "sekreterare" in listing.content.decode()
    admin_client.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert log_in(client).status_code == 302


def test_behind_the_proxy_the_lockout_counts_the_address_the_proxy_appended(
    client, secretary, settings
):
    settings.BEHIND_TLS_PROXY = True
    # The client may forge the first entries; the proxy appends the real address last.
    for forged in range(5):
        log_in(client, password="fel", HTTP_X_FORWARDED_FOR=f"1.2.3.{forged}, 198.51.100.7")

    assert log_in(client, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7").status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


# Sessions


def test_a_staff_session_ends_at_browser_close_and_after_two_idle_hours(client, secretary):
    response = log_in(client)
    cookie = response.cookies["sessionid"]
    # No lifetime on the cookie: the browser forgets it when it closes.
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.get("/admin/").status_code == 200

    start = timezone.now()
    with mock.patch(
        "django.utils.timezone.now", return_value=start + datetime.timedelta(hours=1.9)
    ):
        # Activity keeps the session alive …
        assert client.get("/admin/").status_code == 200
    later = start + datetime.timedelta(hours=1.9 + 1.9)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get("/admin/").status_code == 200
    idle = later + datetime.timedelta(hours=2, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=idle):
        # … two hours without a request end it.
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_logging_out_deletes_the_session(client, secretary):
    log_in(client)
    assert Session.objects.count() == 1
    client.post("/admin/logout/")
    assert Session.objects.count() == 0


# Second factor (django-otp)


@pytest.fixture
def device(secretary):
    return TOTPDevice.objects.create(user=secretary, name="Telefon", confirmed=True)


def test_with_an_authenticator_app_the_password_alone_is_not_enough(client, device):
    response = log_in(client)

    assert response.status_code == 200
    assert "Ange engångskoden från din autentiseringsapp." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(client, device):
    response = log_in(client, otp_token=code(device, offset=1))
    assert "Fel engångskod." in response.content.decode()
    # Guessing is slowed down: right after a wrong code even the right one waits.
    response = log_in(client, otp_token=code(device))
    assert "För många felaktiga engångskoder." in response.content.decode()

    a_little_later = timezone.now() + datetime.timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=a_little_later):
        response = log_in(client, otp_token=code(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_registry_secretary_must_set_up_a_second_factor_when_required(
    client, secretary, settings
):
    settings.OTP_REQUIRED_FOR_REGISTRY_SECRETARY = True
    log_in(client)

    # The admin sends the secretary on to set up an authenticator app …
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/tvastegsverifiering/"
    page = response.content.decode()
    assert "Skanna QR-koden" in page
    assert '<svg role="img" aria-label="QR-kod att skanna med autentiseringsappen"' in page
    device = TOTPDevice.objects.get(user=secretary)
    assert not device.confirmed

    # … which is switched on by the first code it shows.
    response = client.post("/admin/tvastegsverifiering/", {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_without_the_setting_staff_may_go_without_a_second_factor(client, secretary):
    log_in(client)
    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.exists()
