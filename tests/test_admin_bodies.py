"""The secretary builds a period's structure in the admin: bodies, the tree, seats."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bodies.models import Body, Seat
from members.models import Appointment
from tests.pages import management

pytestmark = pytest.mark.django_db


def tree(period):
    """The period's forest as a compact string: "A(B C(D)) E"."""

    def node(body):
        children = [node(child) for child in body.get_children()]
        return body.name + (f"({' '.join(children)})" if children else "")

    roots = Body.objects.for_period(period).filter(parent=None).order_by("tree_id")
    return " ".join(node(root) for root in roots)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_adding_a_body_with_rules_and_seats(admin_client, make):
    period = make.period("2023–2026")
    council = make.body(period, "Regionala samverkansrådet")
    town = make.organisation("Lindesbergs kommun")
    data = {
        "period": period.pk,
        "name": "Chefsgrupp kultur",
        "short_name": "CG kultur",
        "slug": "chefsgrupp-kultur",
        "kind": Body.Kind.OFFICIALS_GROUP,
        "parent": council.pk,
        "supports": council.pk,
        "purpose": "Bereder ärenden om kultur.",
        "min_meetings_per_year": "4",
        "closing_note": "Frågorna hanteras i Regionala samverkansrådet.",
        "members": [town.pk],
        **management("rules", total=1),
        "rules-0-organisation": "",
        "rules-0-ordinary": "1",
        "rules-0-substitutes": "1",
        **management("seats", total=1),
        "seats-0-organisation": town.pk,
        "seats-0-role": Seat.Role.ORDINARY,
        "seats-0-position": Seat.Position.CHAIR,
        "seats-0-order": "0",
    }
    response = admin_client.post(reverse("admin:bodies_body_add"), data)

    assert response.status_code == 302, response.context["errors"]
    body = Body.objects.get(slug="chefsgrupp-kultur")
    assert body.parent == council
    assert body.supports == council
    assert list(body.member_organisations.all()) == [town]
    assert body.closing_note == "Frågorna hanteras i Regionala samverkansrådet."
    assert body.rules.get().substitutes == 1
    assert body.seats.get().position == Seat.Position.CHAIR
    assert tree(period) == "Regionala samverkansrådet(Chefsgrupp kultur)"


def test_adding_a_body_under_a_body_of_another_period_is_refused(admin_client, make):
    earlier = make.period("2019–2022")
    period = make.period("2023–2026")
    old_council = make.body(earlier, "Gamla rådet")
    data = {
        "period": period.pk,
        "name": "Nytt råd",
        "slug": "nytt-rad",
        "kind": Body.Kind.POLITICAL_COUNCIL,
        "parent": old_council.pk,
        **management("rules"),
        **management("seats"),
    }
    response = admin_client.post(reverse("admin:bodies_body_add"), data)

    assert response.status_code == 200
    assert "Ett organ kan bara rapportera till ett organ i samma mandatperiod." in (
        response.content.decode()
    )
    assert not Body.objects.filter(name="Nytt råd").exists()


def test_a_substitute_seat_can_back_only_ordinary_seats_of_its_own_body(admin_client, make):
    period = make.period("2023–2026")
    body = make.body(period)
    other = make.body(period)
    town = make.organisation()
    own = make.seat(body, town)
    foreign = make.seat(other, town)
    make.seat(body, town, role=Seat.Role.SUBSTITUTE)

    response = admin_client.get(reverse("admin:bodies_body_change", args=[body.pk]))
    backs = response.context["inline_admin_formsets"][1].formset.forms[0].fields["backs"]
    assert [value for value, _label in backs.choices if value] == [own.pk]
    assert foreign.pk not in backs.queryset.values_list("pk", flat=True)


class TestMovingInTheTree:
    """The draggable changelist posts cmd=move_node to the changelist URL."""

    @pytest.fixture
    def structure(self, make):
        period = make.period("2023–2026")
        council = make.body(period, "Rådet")
        group = make.body(period, "Gruppen", parent=council)
        network = make.body(period, "Nätverket")
        earlier = make.period("2019–2022")
        old = make.body(earlier, "Gamla rådet")
        return period, council, group, network, old

    def move(self, client, cut_item, pasted_on, position):
        return client.post(
            reverse("admin:bodies_body_changelist"),
            {
                "cmd": "move_node",
                "cut_item": cut_item.pk,
                "pasted_on": pasted_on.pk,
                "position": position,
            },
        )

    def test_it_moves_a_body_under_another_in_the_same_period(self, admin_client, structure):
        period, council, group, network, _old = structure
        response = self.move(admin_client, network, group, "last-child")

        assert response.content == b"OK, moved."
        assert messages_of(response) == ["Nätverket har flyttats."]
        assert tree(period) == "Rådet(Gruppen(Nätverket))"

    def test_it_moves_a_body_beside_another(self, admin_client, structure):
        period, council, group, network, _old = structure
        response = self.move(admin_client, group, network, "right")

        assert response.content == b"OK, moved."
        assert tree(period) == "Rådet Nätverket Gruppen"

    def test_it_refuses_to_move_a_body_under_one_of_another_period(self, admin_client, structure):
        period, council, group, network, old = structure
        response = self.move(admin_client, group, old, "last-child")

        assert response.content.startswith(b"FAIL")
        assert messages_of(response) == [
            "Ett organ kan bara rapportera till ett organ i samma mandatperiod."
        ]
        group.refresh_from_db()
        assert group.parent == council
        assert tree(period) == "Rådet(Gruppen) Nätverket"
        assert tree(old.period) == "Gamla rådet"

    def test_it_refuses_to_move_a_body_beside_a_child_of_another_period(
        self, admin_client, make, structure
    ):
        period, council, group, network, old = structure
        old_child = make.body(old.period, "Gammal grupp", parent=old)
        response = self.move(admin_client, network, old_child, "left")

        assert response.content.startswith(b"FAIL")
        assert tree(period) == "Rådet(Gruppen) Nätverket"

    def test_it_refuses_to_move_a_body_under_its_own_descendant(self, admin_client, structure):
        period, council, group, network, _old = structure
        response = self.move(admin_client, council, group, "last-child")

        assert response.content.startswith(b"FAIL")
        assert tree(period) == "Rådet(Gruppen) Nätverket"

    def test_the_changelist_loads_the_drag_and_drop_script_with_its_tree(
        self, admin_client, structure
    ):
        period, council, group, network, _old = structure
        response = admin_client.get(reverse("admin:bodies_body_changelist"), {"period": "all"})
        content = response.content.decode()
        assert "mptt/draggable-admin.js" in content
        assert 'id="draggable-admin-context"' in content
        assert "bodies/admin/bodies.css" in content
        assert f'data-pk="{group.pk}" data-level="1"' in content
        # The script's JSON context, with its labels in Swedish.
        assert "F\\u00e4ll ut tr\\u00e4det" in content
        assert "Expand tree" not in content


def test_adding_a_seat_with_appointments(admin_client, make):
    period = make.period("2023–2026")
    body = make.body(period)
    town = make.organisation()
    anna, bo = make.person("Anna"), make.person("Bo")
    data = {
        "body": body.pk,
        "organisation": town.pk,
        "role": Seat.Role.ORDINARY,
        "position": Seat.Position.MEMBER,
        "order": "0",
        **management("appointments", total=2),
        "appointments-0-person": anna.pk,
        "appointments-0-start": "2023-01-01",
        "appointments-0-end": "2024-06-30",
        "appointments-0-appointed_by": "Kommunfullmäktige",
        "appointments-1-person": bo.pk,
        "appointments-1-start": "2024-07-01",
        "appointments-1-end": "",
    }
    response = admin_client.post(reverse("admin:bodies_seat_add"), data)

    assert response.status_code == 302, response.context["errors"]
    # After saving, the secretary is back on the body's page.
    assert response.url == reverse("admin:bodies_body_change", args=[body.pk])
    seat = Seat.objects.get(body=body)
    assert [(a.person, a.end) for a in seat.appointments.all()] == [
        (anna, period.start.replace(year=2024, month=6, day=30)),
        (bo, None),
    ]


def test_appointing_people_on_an_existing_seat(admin_client, make):
    period = make.period("2023–2026")
    seat = make.seat(make.body(period), make.organisation())
    anna = make.person("Anna")
    data = {
        "organisation": seat.organisation_id,
        "role": seat.role,
        "position": seat.position,
        "order": "0",
        **management("appointments", total=1),
        "appointments-0-person": anna.pk,
        "appointments-0-start": "2023-01-01",
        "_continue": "1",
    }
    response = admin_client.post(reverse("admin:bodies_seat_change", args=[seat.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    assert response.url == reverse("admin:bodies_seat_change", args=[seat.pk])
    assert Appointment.objects.get().person == anna


def test_choosing_a_parent_offers_the_newest_period_first(admin_client, make):
    old = make.body(make.period("2019–2022"), "Samverkansrådet")
    new = make.body(make.period("2023–2026"), "Samverkansrådet")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "bodies", "model_name": "body", "field_name": "parent", "term": "samv"},
    )
    assert [item["id"] for item in response.json()["results"]] == [str(new.pk), str(old.pk)]
    assert response.json()["results"][0]["text"] == "Samverkansrådet (2023–2026)"


def test_the_member_organisations_are_shown_and_changed_in_the_body_form(admin_client, make):
    period = make.period("2023–2026")
    body = make.body(period, "Kulturrådet")
    nora, laxa = make.organisation("Nora kommun"), make.organisation("Laxå kommun")
    body.member_organisations.set([nora])
    url = reverse("admin:bodies_body_change", args=[body.pk])

    page = admin_client.get(url).content.decode()
    assert f'<option value="{nora.pk}" selected>Nora kommun</option>' in page
    assert f'<option value="{laxa.pk}">Laxå kommun</option>' in page

    data = {
        "period": period.pk,
        "name": body.name,
        "slug": body.slug,
        "kind": body.kind,
        "members": [laxa.pk],
        **management("rules"),
        **management("seats"),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(body.member_organisations.all()) == [laxa]
