"""Charts say in text what they show in shapes and colours."""

from playwright.sync_api import expect

# Each bar's own title ("Örebro kommun: 75 %") and each table row's label and rate.
BARS = """(chart) => [...chart.querySelectorAll("svg g.bars__row > title")]
  .map((title) => title.textContent.trim())"""
ROWS = """(chart) => [...chart.querySelectorAll("table tbody tr")].map((row) =>
  row.querySelector("th").textContent.trim() + ": "
  + row.querySelector("td:last-child").textContent.trim())"""


def test_the_attendance_charts_have_a_table_with_the_same_numbers(site, page):
    page.goto(site + "/moten/statistik/?ar=2022")

    charts = page.locator(".rate-chart")
    expect(charts).to_have_count(2)
    for n in range(2):
        chart = charts.nth(n)
        svg = chart.get_by_role("img")
        expect(svg).to_have_accessible_name(
            "Stapeldiagram: närvaro i procent per "
            + ("organisation" if n == 0 else "organ")
            + ". Samma siffror finns i tabellen."
        )
        bars = chart.evaluate(BARS)
        assert bars, "the chart has no bars"
        assert sorted(bars) == sorted(chart.evaluate(ROWS))
        # A bar's colour is never the only sign of its value: the number is written out.
        values = chart.locator(".bars__value").all_text_contents()
        assert len(values) == len(bars)
        assert all(value.strip().endswith("%") for value in values)


def test_the_structure_chart_names_each_kind_in_words_not_only_by_colour(site, page):
    page.goto(site + "/perioder/2023-2026/")
    nodes = page.locator(".tree__node")
    assert nodes.count() > 10
    for node in nodes.all():
        expect(node.locator(".kind")).not_to_be_empty()


def test_the_organisation_chart_links_every_body_and_gives_way_to_the_list_at_320_px(site, page):
    page.goto(site + "/perioder/2023-2026/")
    chart = page.locator(".org-chart")
    expect(chart).to_be_visible()
    boxes = chart.locator("svg a")
    tree_links = page.locator(".tree .tree__name")
    assert boxes.count() == tree_links.count() > 10
    expect(boxes.first).to_have_accessible_name("Regionala samverkansrådet, Politiskt råd")
    expect(chart.locator(".org-chart__legend")).to_contain_text("tjänstepersonsstöd för")
    # A box is a link like any other: the keyboard reaches it and Enter follows it.
    boxes.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/regionala-samverkansradet/")

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(site + "/")
    expect(page.locator(".org-chart")).to_be_hidden()
    expect(page.locator(".tree").first).to_be_visible()
    assert page.evaluate(
        "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
    )
