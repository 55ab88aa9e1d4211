"""The admin speaks Swedish: no English word of Django's (or of the apps it uses) shows
as visible text on the pages a registry secretary works with.

Django 6.1 added strings that its Swedish catalogue lacks; locale/sv has them.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from bodies.models import Body, MandatePeriod
from tests.conftest import user_with_roles

ENGLISH = re.compile(
    r"\b(Add|Change|Changed|Delete|Deleted|Save|Search|History|Filter|Revert|Home|"
    r"Log out|Logout|View site|Welcome|Object|Comment|Go|Run|Show all|Clear all filters|"
    r"Select all|Hide|Show|Yes|No|Unknown|Today|Now|None|Action|Remove)\b"
)


class VisibleText(HTMLParser):
    """The text a reader sees: text outside scripts and styles, and button captions."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "title"):
            self.hidden += 1
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "title"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def secretary_pages():
    """Index, every changelist, add form, first change form and its history, the tree,
    carrying a period forward and the structure upload."""
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            paths.append(reverse(f"{name}_change", args=[obj.pk]))
            paths.append(reverse(f"{name}_history", args=[obj.pk]))
    period = MandatePeriod.objects.get(slug="2023-2026")
    rsr = Body.objects.get(period=period, slug="regionala-samverkansradet")
    paths += [
        reverse("admin:bodies_body_add"),
        reverse("admin:bodies_body_change", args=[rsr.pk]),
        reverse("admin:bodies_body_delete", args=[rsr.pk]),
        reverse("admin:bodies_mandateperiod_carry_forward", args=[period.pk]),
        reverse("admin:bodies_mandateperiod_import"),
        reverse("admin:bodies_body_nominations", args=[rsr.pk]),
        reverse("admin:bodies_body_changelist") + "?q=Nora",
    ]
    return paths


@pytest.mark.django_db
def test_the_secretarys_admin_pages_show_no_english(client, orebro):
    client.force_login(user_with_roles("sekreterare", registry_secretary=True))
    english = {}
    for path in secretary_pages():
        response = client.get(path)
        if response.status_code in (302, 403):
            continue  # a page the secretary has no business on
        assert response.status_code == 200, path
        found = sorted(set(ENGLISH.findall(visible_text(response.content.decode()))))
        if found:
            english[path] = found
    assert not english, "English on the admin pages:\n" + "\n".join(
        f"  {path}: {words}" for path, words in english.items()
    )


@pytest.mark.django_db
def test_the_admin_scripts_speak_swedish(client):
    """The admin's script catalogue (calendar, actions) has the strings Django 6.1 added."""
    client.force_login(user_with_roles("sekreterare", registry_secretary=True))
    text = client.get(reverse("admin:jsi18n")).content.decode()
    assert '"Today (%(date)s)": "I dag (%(date)s)"' in text
    assert '"%(month)s %(day)s, %(year)s": "%(day)s %(month)s %(year)s"' in text


@pytest.mark.django_db
def test_the_authenticator_apps_are_listed_and_edited_in_swedish(admin_client, django_user_model):
    """django-otp names its columns, fields and fieldsets in fixed English."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    other = django_user_model.objects.create_user("anna", password="hemligt-123")
    device = TOTPDevice.objects.create(user=other, name="Telefon")
    english = re.compile(
        r"\b(Identity|Timestamps|Configuration|State|Throttling|created at|last used at|"
        r"confirmed|Created at|Last used at|Confirmed|User|Name|Key|Step|Digits|Tolerance|"
        r"Drift|QR Code|None)\b"
    )
    for url in [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_add"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
    ]:
        text = visible_text(admin_client.get(url).text)
        assert english.findall(text) == [], url
    text = visible_text(admin_client.get(reverse("admin:otp_totp_totpdevice_changelist")).text)
    assert "Användare Namn Skapad Senast använd Bekräftad" in text
