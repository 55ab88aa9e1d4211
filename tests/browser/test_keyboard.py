"""Using the site with a keyboard only: skip link, Tab order, visible focus, the chart as a tree."""

import re

import pytest
from playwright.sync_api import expect

from bodies.models import Body

# Pages of every kind; Tab goes through all of their controls.
TAB_PAGES = [
    "/",
    "/perioder/2023-2026/",
    "/perioder/2023-2026/regionala-samverkansradet/",
    "/personer/tom-rymoen/",
    "/organisationer/askersunds-kommun/",
    "/sok/?q=Rymo%C3%A9n",
    "/moten/",
    "/moten/statistik/",
    "/tillganglighet/",
]

# Numbers every visible control that Tab should reach, in document order.
MARK_CONTROLS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";
  const controls = [...document.querySelectorAll(selector)].filter((el) => {
    if (el.tabIndex < 0 || el.disabled || el.closest("[hidden], [inert]")) return false;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    // The skip link is off screen until focused; it counts.
    return el.getClientRects().length > 0;
  });
  controls.forEach((el, n) => { el.dataset.kb = n; });
  return controls.length;
}"""

# What the focused element looks like: which one, and whether focus is visible on it.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none";
  return {
    kb: el.dataset.kb === undefined ? null : Number(el.dataset.kb),
    what: el.tagName.toLowerCase() + " " + (el.textContent || el.name || el.id).trim().slice(0, 40),
    indicator: outline || shadow,
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight
      && rect.right > 0 && rect.left < innerWidth,
  };
}"""


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(site, page):
    page.goto(site + "/perioder/2023-2026/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    assert page.url.endswith("#innehall")
    # The next Tab continues inside the main content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("path", TAB_PAGES)
def test_tab_reaches_every_control_in_order_with_a_visible_focus(site, page, path):
    response = page.goto(site + path)
    assert response.status == 200
    count = page.evaluate(MARK_CONTROLS)
    assert count > 5

    reached, invisible = [], []
    # A date field takes one Tab per part (day, month, year): allow for a few extra.
    for _ in range(count + 20):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["kb"] is None:
            break  # past the last control: focus left the document
        if reached and reached[-1] == focused["kb"]:
            continue
        reached.append(focused["kb"])
        if not (focused["indicator"] and focused["onScreen"]):
            invisible.append(focused["what"])

    assert reached == list(range(count)), "Tab skipped or reordered controls"
    assert not invisible, f"focus not visible on: {invisible}"


def test_the_chart_is_a_tree_of_disclosure_buttons_for_keyboard_and_screen_readers(site, page):
    page.goto(site + "/")
    # The tree after the organisation chart (whose boxes link to the same bodies).
    tree = page.locator(".tree")
    council = tree.get_by_role("link", name="Regional chefssamverkansgrupp (KC/RD-gruppen)")
    culture = tree.get_by_role("link", name="Chefsgrupp kultur")
    toggle = page.get_by_role(
        "button", name="Organ som rapporterar till Regional chefssamverkansgrupp (KC/RD-gruppen)"
    )
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(culture).to_be_visible()

    # Tab from the link before it reaches the button; Enter closes, Space opens.
    tree.get_by_role("link", name="Regionala samverkansrådet").focus()
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(culture).to_be_hidden()
    expect(council).to_be_visible()
    controlled = toggle.get_attribute("aria-controls")
    expect(page.locator(f"#{controlled}")).to_be_hidden()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(culture).to_be_visible()

    # Escape inside an open branch closes it and returns to its button.
    culture.focus()
    page.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.get_by_role("button", name="Fäll ut alla").press("Enter")
    expect(page.locator(".tree__toggle[aria-expanded=false]")).to_have_count(0)
    expect(culture).to_be_visible()
    page.get_by_role("button", name="Fäll ihop alla").press("Enter")
    expect(page.locator(".tree__toggle[aria-expanded=true]")).to_have_count(0)
    expect(council).to_be_hidden()
    # The top of the structure stays in view.
    expect(tree.get_by_role("link", name="Regionala samverkansrådet")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/perioder/2023-2026/"])
def test_without_javascript_the_whole_chart_is_shown_and_nothing_needs_a_script(
    site, browser, path
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(site + path)
        items = page.locator(".tree .tree__name")
        assert items.count() == Body.objects.filter(period__slug="2023-2026").count()
        for n in range(items.count()):
            expect(items.nth(n)).to_be_visible()
        expect(page.locator(".tree__toggle, .tree__controls")).to_have_count(0)
        expect(page.locator(".tree").get_by_role("link", name="Chefsgrupp kultur")).to_be_visible()
    finally:
        context.close()


def test_scripts_may_come_only_from_the_site_itself(site, page):
    response = page.goto(site + "/")
    policy = response.headers["content-security-policy"]
    assert re.search(r"script-src 'self'(;|$)", policy), policy
    # The chart's script ran under that policy.
    expect(page.locator(".tree__toggle").first).to_be_visible()
