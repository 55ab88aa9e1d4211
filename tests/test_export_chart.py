"""The organisation chart's layout: readable on one landscape page, or split by branch.

Laid out from bodies in memory (no database, no PDF): a chart is a list of pages
of boxes with positions in points, which the PDF template draws as they are. The
layout lives in ``bodies/chart.py``, which the web pages draw too.
"""

import itertools
import random

import pytest

from bodies import chart
from bodies.chart import MIN_SCALE, chart_pages, text_width, wrap
from bodies.models import Body
from samverkan import pdf

PAGE = (750, 430)  # the chart area of a landscape A4 page, in points


def forest(count, seed=1, roots=4):
    """``count`` bodies in tree order: a few roots, the rest hung below at random."""
    rng = random.Random(seed)
    bodies = []
    for n in range(count):
        parent = bodies[rng.randrange(n)] if n >= roots else None
        body = Body(
            pk=n + 1,
            name=f"Samverkansgrupp nummer {n} för regional utveckling",
            slug=f"organ-{n}",
            kind=Body.Kind.POLITICAL_COUNCIL if n < roots else Body.Kind.OFFICIALS_GROUP,
            parent=parent,
        )
        body.level = parent.level + 1 if parent else 0
        bodies.append(body)
    return in_tree_order(bodies)


def in_tree_order(bodies):
    children = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)
    ordered = []

    def walk(parent_id):
        for body in children.get(parent_id, []):
            ordered.append(body)
            walk(body.pk)

    walk(None)
    return ordered


def height(box):
    return float(box.style.split("height:")[1].split("pt")[0])


def width(box):
    return float(box.style.split("width:")[1].split("pt")[0])


def assert_readable(pages, bodies):
    shown = {}
    anchors = [page.anchor for page in pages]
    assert len(set(anchors)) == len(anchors)
    for number, page in enumerate(pages):
        assert page.scale >= MIN_SCALE, (page.title, page.scale)
        assert page.width <= PAGE[0] + 0.01 and page.height <= PAGE[1] + 0.01
        for box in page.boxes:
            shown.setdefault(box.body.pk, number)
            assert box.x >= 0 and box.y >= 0
            assert box.x + width(box) <= page.width + 0.01
            assert box.y + height(box) <= page.height + 0.01
            if box.hidden:
                # What is cut off is on a later page, which the box points to.
                later = anchors.index(box.target)
                assert later > number
                assert box.body.pk in {b.body.pk for b in pages[later].boxes}
        for i, a in enumerate(page.boxes):
            for b in page.boxes[i + 1 :]:
                separate = (
                    a.x + width(a) <= b.x + 0.01
                    or b.x + width(b) <= a.x + 0.01
                    or a.y + height(a) <= b.y + 0.01
                    or b.y + height(b) <= a.y + 0.01
                )
                assert separate, (page.title, a.body.name, b.body.name)
    assert set(shown) == {body.pk for body in bodies}


def test_a_small_structure_fits_on_one_page():
    bodies = forest(18, roots=3)
    pages = chart_pages(bodies, "Organisationsschema")
    assert len(pages) == 1
    assert not pages[0].is_overview
    assert_readable(pages, bodies)


def test_300_bodies_are_split_by_branch_into_readable_pages():
    bodies = forest(300)
    pages = chart_pages(bodies, "Organisationsschema")
    assert pages[0].is_overview
    assert 2 < len(pages) < 60
    assert_readable(pages, bodies)


def test_a_wide_council_with_many_groups_stacks_them_in_columns():
    council = Body(pk=1, name="Regionala rådet", slug="radet", kind=Body.Kind.POLITICAL_COUNCIL)
    council.level = 0
    groups = []
    for n in range(60):
        group = Body(
            pk=n + 2,
            name=f"Nätverk {n}",
            slug=f"natverk-{n}",
            kind=Body.Kind.NETWORK,
            parent=council,
        )
        groups.append(group)
    pages = chart_pages([council, *groups], "Organisationsschema")
    assert len(pages) == 1
    assert_readable(pages, [council, *groups])
    columns = {round(box.x) for box in pages[0].boxes if box.body.pk != 1}
    assert len(columns) > 3


def test_long_names_wrap_inside_the_box_without_losing_words():
    name = "Specifika samverkansrådet för skola, utbildning och kompetensförsörjning"
    lines = wrap(name, 137, 7.6, bold=True)
    assert len(lines) == 3
    assert " ".join(lines) == name
    for line in lines:
        assert text_width(line, 7.6, bold=True) <= 137


def drawn(pages):
    """What a reader sees of the chart pages: titles, scales, boxes, lines."""
    return [
        (
            page.title,
            page.scale,
            [(box.body.slug, box.style, box.target) for box in page.boxes],
            page.report_lines,
            page.support_lines,
        )
        for page in pages
    ]


def council_with_groups(count):
    council = Body(pk=1, name="Regionala rådet", slug="radet", kind=Body.Kind.POLITICAL_COUNCIL)
    council.level = 0
    groups = [
        Body(pk=n + 2, name=f"Nätverk {n}", slug=f"natverk-{n}", kind=Body.Kind.NETWORK)
        for n in range(count)
    ]
    for group in groups:
        group.parent = council
        group.level = 1
    return [council, *groups]


SHAPES = {
    "Örebro-sized": lambda: forest(18, roots=3),
    "one deep tree": lambda: forest(60, roots=1),
    "300 bodies": lambda: forest(300),
    "9 groups under a council": lambda: council_with_groups(9),
    "13 groups under a council": lambda: council_with_groups(13),
    "60 groups under a council": lambda: council_with_groups(60),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_skipping_arrangements_that_change_nothing_draws_the_same_chart(monkeypatch, shape):
    # The chart tries only the arrangements that can differ (for speed); trying
    # every combination must not give a different, better chart.
    fast = drawn(chart_pages(SHAPES[shape](), "Organisationsschema"))

    def every_arrangement(_roots, max_depth):
        return [
            chart._Options(max_depth=max_depth, limit=limit, horizontal=horizontal)
            for horizontal, limit in itertools.product(chart.HORIZONTAL_DEPTHS, chart.STACK_LIMITS)
        ]

    monkeypatch.setattr(chart, "_arrangements", every_arrangement)
    assert drawn(chart_pages(SHAPES[shape](), "Organisationsschema")) == fast


def test_the_pdf_draws_the_chart_laid_out_by_the_chart_module():
    # One layout for the PDF and the web pages (bodies/chart.py).
    assert pdf.chart_pages is chart.chart_pages
