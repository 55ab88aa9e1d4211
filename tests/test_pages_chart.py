"""The organisation chart on the start and period pages: the PDF's layout as an SVG.

Each body of the period is a box that links to its page, the lines and the legend
say what the shapes mean, and the nested list stays after it as the same structure
in text (the view on narrow screens: tests/browser/test_charts.py).
"""

import re

import pytest

from bodies.chart import chart_pages, web_chart
from bodies.models import Body
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def period(make, forest):
    make.body(make.period("2019–2022"), "Gamla rådet")
    return forest


def chart_svg(html):
    match = re.search(r'<svg class="org-chart__svg".*?</svg>', html, re.S)
    assert match, "the page has no organisation chart"
    return match.group(0)


def links(svg):
    return re.findall(r'<a class="org-chart__box[^"]*" href="([^"]+)" aria-label="([^"]+)"', svg)


@pytest.mark.parametrize("url", ["/", "/perioder/2023-2026/"])
def test_every_body_of_the_period_is_a_box_linking_to_its_page(client, period, url):
    svg = chart_svg(get(client, url).html)

    assert sorted(href for href, _label in links(svg)) == sorted(
        body.get_absolute_url() for body in period.bodies.all()
    )
    assert "Gamla rådet" not in svg
    # The boxes' links say what the box says, the support too.
    assert (
        "/perioder/2023-2026/chefsgrupp-kultur/",
        "Chefsgrupp kultur, Tjänstepersonsgrupp, Stöd för Kulturrådet",
    ) in links(svg)


def test_it_draws_reporting_lines_and_the_dashed_support_line(client, period):
    svg = chart_svg(get(client, "/perioder/2023-2026/").html)

    report = re.search(r'<g class="org-chart__report"[^>]*>(.*?)</g>', svg, re.S).group(1)
    support = re.search(r'<g class="org-chart__support"[^>]*>(.*?)</g>', svg, re.S).group(1)
    assert report.count("<line") >= 4
    assert support.count("<line") == 1


def test_the_legend_names_each_kind_shown_and_both_lines(client, period):
    page = get(client, "/perioder/2023-2026/")
    legend = re.search(r'<ul class="org-chart__legend".*?</ul>', page.html, re.S).group(0)
    words = re.sub(r"<[^>]+>", " ", legend)

    for label in (
        "Politiskt råd",
        "Tjänstepersonsgrupp",
        "Nätverk",
        "Partnerskap",
        "rapporterar till",
        "tjänstepersonsstöd för",
    ):
        assert label in words
    assert "Styrgrupp" not in words  # no steering group in this period


def test_the_nested_list_stays_as_the_text_version(client, period):
    page = get(client, "/perioder/2023-2026/")

    assert page.html.index("org-chart__svg") < page.html.index('<ul class="tree__roots"')
    assert "Strukturen som lista" in page.text


def test_a_filtered_period_page_shows_the_matches_without_a_chart(client, period):
    page = get(client, "/perioder/2023-2026/?typ=network")

    assert "org-chart" not in page.html


def test_a_period_without_bodies_has_no_chart(client, make):
    make.period("2023–2026")

    page = get(client, "/perioder/2023-2026/")
    assert "org-chart" not in page.html
    assert "Inga organ är registrerade för perioden ännu." in page.text


def test_the_web_chart_has_the_pdf_charts_arrangement(period):
    # One layout (bodies/chart.py): where it fits one page, the PDF's page and the
    # web drawing place the same boxes at the same places, up to the PDF's scale.
    bodies = list(Body.objects.for_period(period).for_chart())
    [page] = chart_pages(bodies, "Organisationsschema", available=(620, 1_000_000))
    web = web_chart(bodies)

    assert [box.body.pk for box in page.boxes] == [box.body.pk for box in web.boxes]
    for pdf_box, web_box in zip(page.boxes, web.boxes, strict=True):
        assert pdf_box.x == pytest.approx(web_box.x * page.scale)
        assert pdf_box.y == pytest.approx(web_box.y * page.scale)
