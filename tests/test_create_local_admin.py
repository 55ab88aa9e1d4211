"""`manage.py create_local_admin`: a known login for local development, never elsewhere."""

import pytest
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    # The lockout (django-axes) needs the request a login comes with.
    return auth.authenticate(RequestFactory().post("/admin/login/"), **credentials)


def test_it_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="bara till för lokal utveckling"):
        call_command("create_local_admin")
    assert not get_user_model().objects.exists()


def test_it_creates_a_superuser_admin_with_password_admin(settings, capsys):
    settings.DEBUG = True
    call_command("create_local_admin")

    user = authenticate(username="admin", password="admin")
    assert user is not None and user.is_superuser and user.is_staff
    assert (
        "Logga in på http://127.0.0.1:8000/admin/ med användarnamn admin och lösenord admin"
        in capsys.readouterr().out
    )


def test_it_names_the_port_the_server_will_listen_on(settings, capsys):
    settings.DEBUG = True
    call_command("create_local_admin", "--port", "8123")

    assert "Logga in på http://127.0.0.1:8123/admin/" in capsys.readouterr().out


def test_it_is_idempotent_and_resets_the_password(settings):
    settings.DEBUG = True
    call_command("create_local_admin")
    user = get_user_model().objects.get(username="admin")
    user.set_password("something else")
    user.is_active = False
    user.save()

    call_command("create_local_admin")

    assert get_user_model().objects.count() == 1
    assert authenticate(username="admin", password="admin") is not None


def test_it_takes_another_username_and_password(settings):
    settings.DEBUG = True
    call_command("create_local_admin", "--username", "sekreterare", "--password", "hemligt")
    assert authenticate(username="sekreterare", password="hemligt").is_superuser
