"""Every form control on the secretary's biggest admin forms has a name for a screen
reader: a <label for> or an aria-label (the browser check with axe-core is
tests/browser/test_admin_accessible.py; this one is quick and runs everywhere)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from bodies.models import Body
from meetings.models import Meeting
from tests.conftest import user_with_roles


class Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.labelled, self.controls, self.in_label = set(), [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            if self.in_label:  # <label>Åtgärd: <select …></label>
                attrs["aria-label"] = attrs.get("aria-label") or "(label)"
            self.controls.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def unnamed_controls(html):
    parser = Controls()
    parser.feed(html)
    return [
        attrs.get("name")
        for attrs in parser.controls
        if not attrs.get("aria-label")
        and attrs.get("id") not in parser.labelled
        # The empty row a script copies to add one: never shown.
        and "__prefix__" not in (attrs.get("name") or "")
        # A two-list selection: its script draws the named lists in its place.
        and "selectfilter" not in (attrs.get("class") or "").lower()
    ]


@pytest.mark.django_db
def test_the_rsr_body_form_and_a_meeting_form_name_every_control(client, orebro_meetings):
    client.force_login(user_with_roles("sekreterare", registry_secretary=True))
    rsr = Body.objects.get(period__slug="2023-2026", slug="regionala-samverkansradet")
    meeting = Meeting.objects.order_by("start").first()
    for url in (
        reverse("admin:bodies_body_change", args=[rsr.pk]),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:meetings_meeting_add"),
        reverse("admin:members_party_changelist"),
    ):
        html = client.get(url).content.decode()
        assert not unnamed_controls(html), url
    html = client.get(reverse("admin:bodies_body_change", args=[rsr.pk])).content.decode()
    assert 'name="seats-0-role" aria-label="roll"' in html or 'aria-label="Roll"' in html
    assert 'name="seats-0-DELETE" aria-label="Ta bort"' in html
