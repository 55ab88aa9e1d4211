"""Moving a body in the tree with buttons (up, down, in, out): plain form posts that work
without script, with the same rights, checks and history as drag and drop."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bodies.models import Body

pytestmark = pytest.mark.django_db


def tree(period):
    """The period's tree as text: "Rådet(Gruppen) Nätverket"."""

    def render(body):
        children = [render(child) for child in body.get_children()]
        return body.name + (f"({' '.join(children)})" if children else "")

    roots = Body.objects.filter(period=period, parent__isnull=True).order_by("tree_id")
    return " ".join(render(root) for root in roots)


@pytest.fixture
def structure(make):
    period = make.period("2023–2026")
    council = make.body(period, "Rådet")
    group = make.body(period, "Gruppen", parent=council)
    other = make.body(period, "Utskottet", parent=council)
    network = make.body(period, "Nätverket")
    return period, council, group, other, network


def move(client, body, direction, follow=False):
    changelist = reverse("admin:bodies_body_changelist")
    return client.post(
        reverse("admin:bodies_body_keyboard_move"),
        {"move": f"{body.pk}:{direction}", "next": f"{changelist}?period=all"},
        follow=follow,
    )


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_tree_has_move_buttons_in_a_form_of_their_own(admin_client, structure):
    _period, _council, group, _other, _network = structure
    response = admin_client.get(reverse("admin:bodies_body_changelist") + "?period=all")
    html = response.content.decode()
    assert f'name="move" value="{group.pk}:up"' in html
    assert 'form="tree-move-form"' in html
    assert 'aria-label="Flytta Gruppen upp"' in html
    assert f'action="{reverse("admin:bodies_body_keyboard_move")}"' in html


def test_up_down_in_and_out(admin_client, structure):
    period, council, group, other, network = structure
    assert tree(period) == "Rådet(Gruppen Utskottet) Nätverket"

    response = move(admin_client, other, "up")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?period=all#flytta-{other.pk}")
    assert texts(response) == ["Utskottet har flyttats."]
    assert tree(period) == "Rådet(Utskottet Gruppen) Nätverket"

    move(admin_client, Body.objects.get(pk=other.pk), "down")
    assert tree(period) == "Rådet(Gruppen Utskottet) Nätverket"

    move(admin_client, Body.objects.get(pk=other.pk), "in")
    assert tree(period) == "Rådet(Gruppen(Utskottet)) Nätverket"

    move(admin_client, Body.objects.get(pk=other.pk), "out")
    assert tree(period) == "Rådet(Gruppen Utskottet) Nätverket"

    move(admin_client, Body.objects.get(pk=network.pk), "up")
    assert tree(period) == "Nätverket Rådet(Gruppen Utskottet)"


def test_a_move_that_cannot_be_done_says_so_and_changes_nothing(admin_client, structure):
    period, council, group, _other, _network = structure
    response = move(admin_client, group, "up")
    assert texts(response) == ["Gruppen kan inte flyttas upp."]
    response = move(admin_client, council, "out")
    assert texts(response)[-1] == "Rådet kan inte flyttas ut en nivå."
    assert tree(period) == "Rådet(Gruppen Utskottet) Nätverket"


def test_it_stays_within_the_period(admin_client, make, structure):
    period, council, _group, _other, network = structure
    make.body(make.period("2027–2030"), "Nya rådet")
    move(admin_client, network, "down")
    assert tree(period) == "Rådet(Gruppen Utskottet) Nätverket"


def test_the_move_is_in_the_history(admin_client, structure):
    _period, council, group, other, _network = structure
    move(admin_client, other, "in")
    latest, before = Body.objects.get(pk=other.pk).history.all()[:2]
    assert (before.parent_id, latest.parent_id) == (council.pk, group.pk)
    assert latest.history_user.username == "admin"


def test_only_those_who_may_change_the_body_move_it(client, roles, make, structure):
    period, council, group, other, _network = structure
    client.force_login(roles("nora", organisations=[make.organisation()]))
    response = move(client, other, "up")
    assert response.status_code in (302, 403)
    assert tree(period) == "Rådet(Gruppen Utskottet) Nätverket"
    client.force_login(roles("sekreterare", registry_secretary=True))
    move(client, other, "up")
    assert tree(period) == "Rådet(Utskottet Gruppen) Nätverket"
