"""The secretary moves a body in the tree with the keyboard alone: Tab to its button,
Enter, and the tree shows the new order with the message (no drag and drop)."""

from playwright.sync_api import expect

from bodies.models import Body, MandatePeriod
from tests.browser.test_admin_accessible import log_in
from tests.conftest import user_with_roles


def test_a_body_moves_down_with_the_keyboard(site, page):
    period = MandatePeriod.objects.get(slug="2023-2026")
    parent = next(
        body for body in Body.objects.filter(period=period) if body.get_children().count() >= 2
    )
    first, second = list(parent.get_children())[:2]
    user_with_roles("sekreterare", registry_secretary=True)
    log_in(page, site, "sekreterare")
    page.goto(f"{site}/admin/bodies/body/?period={period.pk}")

    button = page.get_by_role("button", name=f"Flytta {first.name} ned", exact=True)
    # Reach it by Tab from the button before it, as a keyboard user would.
    page.get_by_role("button", name=f"Flytta {first.name} upp", exact=True).focus()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text(f"{first.name} har flyttats.")
    assert page.url.endswith(f"#flytta-{first.pk}")
    assert [child.pk for child in Body.objects.get(pk=parent.pk).get_children()][:2] == [
        second.pk,
        first.pk,
    ]
    titles = page.locator("#result_list .tree-title").all_inner_texts()
    assert titles.index(second.name) < titles.index(first.name)
