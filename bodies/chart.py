"""The organisation chart of a period, laid out once for every place that draws it.

The layout is computed here, in points at scale 1, from the bodies in tree order:
boxes with their wrapped text, the reporting lines between them and the dashed
support lines. Text is measured with the Noto Sans font shipped in ``static/fonts/``,
which both drawings use, so the boxes fit their text.

- The PDF report (``samverkan/pdf.py``, ``templates/pdf/includes/chart_page.html``)
  draws ``chart_pages()``: landscape pages, absolutely placed HTML boxes over an SVG
  of lines; a period too large for one readable page gets an overview cut at the
  deepest level that fits, then one page per branch that was cut.
- The web pages (``templates/includes/chart_svg.html``) draw ``web_chart()``: the
  same arrangement of the whole forest, as one inline SVG whose boxes link to the
  bodies' pages.
"""

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from bodies.models import Body
from bodies.roster import BodyAddresses

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# ---------------------------------------------------------------------------
# Text measurement with the shipped font, so the chart's boxes fit their text.


@lru_cache(maxsize=2)
def _advances(bold):
    from fontTools.ttLib import TTFont

    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    with TTFont(FONT_DIR / name) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        cmap = font.getBestCmap()
        widths = {chr(code): metrics[glyph][0] / units for code, glyph in cmap.items()}
    return widths, 0.6


def text_width(text, size, bold=False):
    """The width in points of a line of text set in Noto Sans at ``size`` points."""
    widths, default = _advances(bold)
    return sum(widths.get(char, default) for char in text) * size


def wrap(text, width, size, bold=False):
    """Break text into lines no wider than ``width`` points (long words are cut)."""
    return list(_wrapped(text, width, size, bold))


@lru_cache(maxsize=4096)
def _wrapped(text, width, size, bold):
    # The chart tries many arrangements of the same boxes: each text is measured once.
    lines = []
    line = ""
    for word in text.split():
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut] + "-", size, bold) > width:
                cut -= 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut] + "-")
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return tuple(lines) or ("",)


# ---------------------------------------------------------------------------
# The organisation chart: sizes in points at scale 1.

BOX_W = 150
PAD_X, PAD_Y = 5, 4
KIND_SIZE, KIND_LINE = 5.6, 7.4
NAME_SIZE, NAME_LINE = 7.6, 9.3
NOTE_SIZE, NOTE_LINE = 6.4, 8.0
TEXT_W = BOX_W - 2 * PAD_X - 3  # borders and a little slack
INDENT = 12  # stacked children sit this far right of their connector
STACK_GAP = 6
H_GAP = 16
V_GAP = 18
ROOT_GAP = 26
ROW_GAP = 26
MAX_SCALE = 1.1
MIN_SCALE = 0.72  # 5.5 pt names: the smallest a printed chart stays readable at
STACK_LIMITS = (None, 12, 8, 5)
HORIZONTAL_DEPTHS = (None, 3, 2, 1)

KIND_LABELS = {
    Body.Kind.POLITICAL_COUNCIL: "Politiskt råd",
    Body.Kind.OFFICIALS_GROUP: "Tjänstepersonsgrupp",
    Body.Kind.NETWORK: "Nätverk",
    Body.Kind.STEERING_GROUP: "Styrgrupp",
    Body.Kind.PARTNERSHIP: "Partnerskap",
}


def kind_label(kind):
    return gettext(KIND_LABELS.get(kind, "Organ"))


@dataclass
class ChartBox:
    """A body's box on a chart page; coordinates in points from the chart's top left."""

    body: Body
    name_lines: list
    note_lines: list
    hidden: int = 0  # bodies below this one shown on another chart page
    x: float = 0
    y: float = 0
    w: float = BOX_W
    h: float = 0
    target: str = ""  # the anchor of the chart page that shows what is hidden
    style: str = ""

    @property
    def kind_label(self):
        return kind_label(self.body.kind)

    @property
    def more_text(self):
        return ngettext(
            "+ %(count)s organ under, se sidan", "+ %(count)s organ under, se sidan", self.hidden
        ) % {"count": self.hidden}


@dataclass
class _Block:
    """A laid-out piece of chart: boxes and lines relative to its top left."""

    w: float
    h: float
    anchor: float  # where a line from above joins it, from its left edge
    boxes: list  # (box, x, y)
    lines: list  # (x1, y1, x2, y2)

    def placed(self, dx, dy):
        return (
            [(box, x + dx, y + dy) for box, x, y in self.boxes],
            [(x1 + dx, y1 + dy, x2 + dx, y2 + dy) for x1, y1, x2, y2 in self.lines],
        )


@dataclass
class ChartPage:
    """One landscape page of the chart: a title, the boxes, the lines, the scale."""

    title: str
    anchor: str
    boxes: list
    report_lines: list
    support_lines: list
    width: float
    height: float
    scale: float
    is_overview: bool = False
    part_of: str = ""

    @property
    def font_size(self):
        return f"{NAME_SIZE * self.scale:.2f}pt"

    @property
    def size_style(self):
        return f"width:{self.width:.1f}pt;height:{self.height:.1f}pt;font-size:{self.font_size}"

    @property
    def line_width(self):
        return f"{max(0.5, 0.9 * self.scale):.2f}"


class _Node:
    """A body with its children, for laying out a chart."""

    def __init__(self, body):
        self.body = body
        self.children = []

    def descendants(self):
        return sum(1 + child.descendants() for child in self.children)

    def height(self):
        return 1 + max((child.height() for child in self.children), default=0)

    def widest(self):
        """The most children any body in this subtree has."""
        return max([len(self.children), *(child.widest() for child in self.children)])


def _nodes(bodies):
    """Nest bodies listed in tree order into ``_Node`` roots."""
    nodes, roots = {}, []
    for body in bodies:
        node = nodes[body.pk] = _Node(body)
        parent = nodes.get(body.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def _box(node, cut):
    """A chart box for the node; ``cut``: its children are on another page."""
    body = node.body
    box = ChartBox(
        body=body,
        name_lines=wrap(body.name, TEXT_W, NAME_SIZE, bold=True),
        note_lines=(
            wrap(
                gettext("Stöd för %(name)s") % {"name": body.supports.display_name},
                TEXT_W,
                NOTE_SIZE,
            )
            if body.supports_id
            else []
        ),
    )
    more_lines = 0
    if cut:
        box.hidden = node.descendants()
        # Room for the page number the PDF fills in.
        more_lines = len(wrap(box.more_text + " 000", TEXT_W, NOTE_SIZE))
    box.h = (
        2 * PAD_Y
        + KIND_LINE
        + len(box.name_lines) * NAME_LINE
        + (len(box.note_lines) + more_lines) * NOTE_LINE
        + 1.5
    )
    return box


def _is_cut(node, depth, max_depth):
    return max_depth is not None and depth >= max_depth and bool(node.children)


@dataclass
class _Options:
    """One way of arranging a chart: where cuts fall and how lists are folded."""

    max_depth: int | None  # bodies at this depth show their children on another page
    limit: int | None  # the most boxes in one column of a list
    horizontal: int | None  # from this depth on, subtrees are drawn as indented lists


def _column_stack(blocks, limit):
    """Blocks one under another, each joined by a tick to a line on their left,
    in columns of at most ``limit``. A line from above joins at ``anchor``."""
    count = len(blocks)
    columns = 1 if not limit or count <= limit else math.ceil(count / limit)
    per_column = math.ceil(count / columns)
    placed, lines, connectors = [], [], []
    left = height = 0
    for column in range(columns):
        connector = left + INDENT / 2
        connectors.append(connector)
        y = STACK_GAP
        last_middle = 0
        widest = 0
        for block in blocks[column * per_column : (column + 1) * per_column]:
            boxes, block_lines = block.placed(left + INDENT, y)
            placed += boxes
            lines += block_lines
            middle = y + block.boxes[0][0].h / 2
            lines.append((connector, middle, left + INDENT, middle))
            last_middle = middle
            widest = max(widest, block.w)
            y += block.h + STACK_GAP
        lines.append((connector, 0, connector, last_middle))
        height = max(height, y - STACK_GAP)
        left += INDENT + widest + H_GAP
    if columns > 1:
        lines.append((connectors[0], 0, connectors[-1], 0))
    anchor = (connectors[0] + connectors[-1]) / 2
    return _Block(left - H_GAP, height, anchor, placed, lines)


def _indented(node, depth, options):
    """A subtree as an indented list: the body, its children stacked below it."""
    cut = _is_cut(node, depth, options.max_depth)
    box = _box(node, cut)
    if cut or not node.children:
        return _Block(BOX_W, box.h, BOX_W / 2, [(box, 0, 0)], [])
    children = [_indented(child, depth + 1, options) for child in node.children]
    stack = _column_stack(children, None)
    boxes, lines = stack.placed(0, box.h)
    return _Block(max(BOX_W, stack.w), box.h + stack.h, BOX_W / 2, [(box, 0, 0), *boxes], lines)


def _layout(node, depth, options):
    """Lay out a subtree: children without children stacked, others side by side,
    or the whole subtree as an indented list from ``options.horizontal`` on."""
    if options.horizontal is not None and depth >= options.horizontal:
        return _indented(node, depth, options)
    cut = _is_cut(node, depth, options.max_depth)
    box = _box(node, cut)
    children = [] if cut else node.children
    if not children:
        return _Block(BOX_W, box.h, BOX_W / 2, [(box, 0, 0)], [])

    def shown_as_leaf(child):
        return not child.children or _is_cut(child, depth + 1, options.max_depth)

    leaves = [child for child in children if shown_as_leaf(child)]
    branches = [child for child in children if not shown_as_leaf(child)]
    stack = None
    if leaves:
        stack = _column_stack(
            [_indented(child, depth + 1, options) for child in leaves], options.limit
        )
    if not branches:
        if stack.anchor == INDENT / 2:
            # One column: hang it from the parent's lower edge, like an indented list.
            boxes, lines = stack.placed(0, box.h)
            return _Block(
                max(BOX_W, stack.w), box.h + stack.h, BOX_W / 2, [(box, 0, 0), *boxes], lines
            )
        units, top = [stack], box.h + V_GAP / 2
    else:
        units = [_layout(child, depth + 1, options) for child in branches]
        if stack:
            units.append(stack)
        top = box.h + V_GAP
    bus = box.h + (top - box.h) / 2
    offsets, x = [], 0
    for unit in units:
        offsets.append(x)
        x += unit.w + H_GAP
    anchors = [offset + unit.anchor for offset, unit in zip(offsets, units, strict=True)]
    centre = (anchors[0] + anchors[-1]) / 2
    shift = max(0.0, BOX_W / 2 - centre)
    boxes = [(box, centre + shift - BOX_W / 2, 0)]
    lines = [(centre + shift, box.h, centre + shift, bus)]
    if len(units) > 1:
        lines.append((anchors[0] + shift, bus, anchors[-1] + shift, bus))
    for offset, unit, anchor in zip(offsets, units, anchors, strict=True):
        unit_boxes, unit_lines = unit.placed(offset + shift, top)
        boxes += unit_boxes
        lines += unit_lines
        lines.append((anchor + shift, bus, anchor + shift, top))
    width = max(x - H_GAP, centre + BOX_W / 2) + shift
    height = top + max(unit.h for unit in units)
    return _Block(width, height, centre + shift, boxes, lines)


def _pack(blocks, row_width):
    """Place root blocks in rows no wider than ``row_width`` (a wider block gets its own)."""
    rows, row, used = [], [], 0
    for block in blocks:
        extra = block.w + (ROOT_GAP if row else 0)
        if row and used + extra > row_width:
            rows.append(row)
            row, used = [], 0
            extra = block.w
        row.append(block)
        used += extra
    if row:
        rows.append(row)
    boxes, lines = [], []
    y = width = 0
    for row in rows:
        x = 0
        for block in row:
            placed_boxes, placed_lines = block.placed(x, y)
            boxes += placed_boxes
            lines += placed_lines
            x += block.w + ROOT_GAP
        width = max(width, x - ROOT_GAP)
        y += max(block.h for block in row) + ROW_GAP
    return width, y - ROW_GAP, boxes, lines


def _arrangements(roots, max_depth):
    """The ``_Options`` that can give different charts of these roots, in order of
    preference. Folding lists longer than the longest there is, or drawing levels
    as lists below the last level with children, would change nothing."""
    shown_height = max(root.height() for root in roots)
    if max_depth is not None:
        shown_height = min(shown_height, max_depth + 1)
    widest = max(root.widest() for root in roots)
    arrangements = []
    for horizontal in HORIZONTAL_DEPTHS:
        if horizontal is not None and horizontal + 2 > shown_height:
            horizontal = None
        for limit in STACK_LIMITS:
            if limit is not None and limit >= widest:
                limit = None
            options = _Options(max_depth=max_depth, limit=limit, horizontal=horizontal)
            if options not in arrangements:
                arrangements.append(options)
    return arrangements


def _best_layout(roots, max_depth, available):
    """The arrangement of the roots that can be drawn largest on the page.

    Org-chart style (branches side by side) is preferred; deeper levels become
    indented lists, and long lists fold into columns, when that draws clearly larger.
    """
    best = None
    for options in _arrangements(roots, max_depth):
        blocks = [_layout(root, 0, options) for root in roots]
        widths = sorted(
            {sum(b.w for b in blocks[: n + 1]) + ROOT_GAP * n for n in range(len(blocks))}
        )
        for row_width in widths:
            width, height, boxes, lines = _pack(blocks, row_width)
            scale = min(available[0] / width, available[1] / height, MAX_SCALE)
            if best is None or scale > best[0] + 0.02:
                best = (scale, width, height, boxes, lines)
    return best


def _segment_hits_box(line, box_rect):
    """Whether a straight line crosses a rectangle (Liang–Barsky clipping)."""
    x1, y1, x2, y2 = line
    left, top, right, bottom = box_rect
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _support_lines(placed):
    """Dashed lines from an officials' group to the council it supports, where a
    straight line between the two boxes crosses no other box."""
    where = {box.body.pk: (box, x, y) for box, x, y in placed}
    lines = []
    for box, x, y in placed:
        target = where.get(box.body.supports_id)
        if not target:
            continue
        other, ox, oy = target
        if x + box.w <= ox:
            line = (x + box.w, y + box.h / 2, ox, oy + other.h / 2)
        elif ox + other.w <= x:
            line = (x, y + box.h / 2, ox + other.w, oy + other.h / 2)
        elif y > oy:
            line = (x + box.w / 2, y, ox + other.w / 2, oy + other.h)
        else:
            line = (x + box.w / 2, y + box.h, ox + other.w / 2, oy)
        shrunk = (
            line[0] + (line[2] - line[0]) * 0.01,
            line[1] + (line[3] - line[1]) * 0.01,
            line[2] - (line[2] - line[0]) * 0.01,
            line[3] - (line[3] - line[1]) * 0.01,
        )
        blocked = any(
            _segment_hits_box(shrunk, (bx + 0.5, by + 0.5, bx + b.w - 0.5, by + b.h - 0.5))
            for b, bx, by in placed
            if b is not box and b is not other
        )
        if not blocked:
            lines.append(line)
    return lines


def chart_pages(bodies, title, available=(750, 430)):
    """The chart of a period as one or more ``ChartPage``s for a landscape page.

    ``bodies`` in tree order, each with ``supports`` loaded. When the whole forest
    would be drawn smaller than ``MIN_SCALE``, the first page shows the upper
    levels; the branches cut there follow, as many to a page as fit readably.
    """
    pages = []
    _add_pages(pages, _nodes(bodies), title, "diagram", available)
    return pages


def _fits(roots, available):
    return _best_layout(roots, None, available)[0] >= MIN_SCALE


def _add_pages(pages, roots, title, anchor, available):
    """Add the page for ``roots`` and, after it, the pages for what it cuts off.

    A page for one root always shows at least its children, so every further
    page shows a smaller branch and the splitting ends.
    """
    layout = _best_layout(roots, None, available)
    max_depth = None
    if layout[0] < MIN_SCALE:
        lowest = 1 if len(roots) == 1 else 0
        deepest = max(root.height() for root in roots)
        for depth in range(deepest - 2, lowest - 1, -1):
            layout, max_depth = _best_layout(roots, depth, available), depth
            if layout[0] >= MIN_SCALE:
                break
    scale, width, height, placed, lines = layout
    page = ChartPage(
        title=title,
        anchor=anchor,
        boxes=[box for box, _x, _y in placed],
        report_lines=[_scaled(line, scale) for line in lines],
        support_lines=[_scaled(line, scale) for line in _support_lines(placed)],
        width=width * scale,
        height=height * scale,
        scale=scale,
        is_overview=max_depth is not None,
    )
    pages.append(page)
    for box, x, y in placed:
        box.x, box.y = x * scale, y * scale
        box.style = (
            f"left:{x * scale:.2f}pt;top:{y * scale:.2f}pt;"
            f"width:{box.w * scale:.2f}pt;height:{box.h * scale:.2f}pt"
        )
    by_pk = {}
    for root in roots:
        _index(root, by_pk)
    # The cut branches, in chart order, grouped onto pages while they fit.
    groups = []
    for box in (box for box in page.boxes if box.hidden):
        node = by_pk[box.body.pk]
        if groups and _fits([*groups[-1][1], node], available):
            groups[-1][0].append(box)
            groups[-1][1].append(node)
        else:
            groups.append(([box], [node]))
    for boxes, nodes in groups:
        target = f"diagram-{nodes[0].body.slug}"
        for box in boxes:
            box.target = target
        names = ", ".join(node.body.display_name for node in nodes)
        _add_pages(
            pages,
            nodes,
            gettext("Organisationsschema, fortsättning: organen under %(names)s")
            % {"names": names},
            target,
            available,
        )


def _index(node, by_pk):
    by_pk[node.body.pk] = node
    for child in node.children:
        _index(child, by_pk)


def _scaled(line, scale):
    return tuple(f"{value * scale:.2f}" for value in line)


# ---------------------------------------------------------------------------
# The chart on the web pages: the whole forest as one SVG, in the same arrangement.

# The chart is drawn this many CSS pixels per point: names in 7.6 pt become 13.3 px.
WEB_PX = 1.75
# The width the arrangement tries to fit, in points: the content column of a page.
WEB_WIDTH = 620


@dataclass
class WebText:
    """One line of a box's text: where its baseline lies and how it is set."""

    text: str
    x: float
    y: float
    kind: str  # "kind", "name" or "note"


@dataclass
class WebBox:
    """A body's box on the web chart, in points from the chart's top left."""

    body: Body
    x: float
    y: float
    w: float
    h: float
    lines: list

    @property
    def kind_label(self):
        return kind_label(self.body.kind)

    @property
    def label(self):
        """What a screen reader says for the box's link."""
        parts = [self.body.name, kind_label(self.body.kind)]
        if self.body.supports_id:
            parts.append(gettext("Stöd för %(name)s") % {"name": self.body.supports.display_name})
        return ", ".join(parts)


@dataclass
class WebChart:
    """A period's chart for a web page: boxes, lines and the size of the drawing."""

    boxes: list
    report_lines: list
    support_lines: list
    width: float
    height: float

    @property
    def pixel_width(self):
        return round(self.width * WEB_PX)

    @property
    def pixel_height(self):
        return round(self.height * WEB_PX)

    @property
    def view_box(self):
        return f"0 0 {self.width:.1f} {self.height:.1f}"

    @property
    def drawing(self):
        """The lines and the linked boxes inside the ``<svg>``, as markup.

        Written here rather than by a template loop: a template spends about 0.2 ms a
        box on its variable lookups and filters (30 ms for 150 bodies), this a tenth.
        """
        address = BodyAddresses()
        lines = {
            name: "".join(_LINE.format(*line) for line in lines)
            for name, lines in (("report", self.report_lines), ("support", self.support_lines))
        }
        return mark_safe(
            _DRAWING.format(
                report=lines["report"],
                support=lines["support"],
                boxes="".join(_box_markup(box, address) for box in self.boxes),
            )
        )

    @property
    def kinds(self):
        """The kinds of body on the chart, for its legend, in the order of ``Body.Kind``."""
        shown = {box.body.kind for box in self.boxes}
        return [(kind, kind_label(kind)) for kind in Body.Kind.values if kind in shown]


_LINE = '<line x1="{}" y1="{}" x2="{}" y2="{}"/>'
_DRAWING = (
    '<g class="org-chart__report" aria-hidden="true">{report}</g>\n'
    '      <g class="org-chart__support" aria-hidden="true">{support}</g>\n'
    "      {boxes}"
)
# The corners of a box say its kind: rounded for networks, slightly for partnerships.
_CORNERS = {"network": "5", "partnership": "3"}


def _box_markup(box, address):
    """One box: a link around its rectangle and its lines of text (then a new line)."""
    kind = escape(box.body.kind)
    text = "".join(
        f'<tspan class="org-chart__{escape(line.kind)}" x="{line.x:.1f}" y="{line.y:.1f}">'
        f"{escape(line.text)}</tspan>"
        for line in box.lines
    )
    return (
        f'<a class="org-chart__box org-chart__box--{kind}" '
        f'href="{escape(address(box.body))}" aria-label="{escape(box.label)}">'
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
        f'rx="{_CORNERS.get(box.body.kind, "0")}"/><text aria-hidden="true">{text}</text></a>\n'
        "      "
    )


def _web_lines(box, x, y):
    """The lines of text in a box with their baselines (about 0.78 of a line down)."""
    left = x + PAD_X + 1
    top = y + PAD_Y + 0.75
    lines = [WebText(box.kind_label.upper(), left, top + KIND_LINE * 0.78, "kind")]
    top += KIND_LINE
    for text in box.name_lines:
        lines.append(WebText(text, left, top + NAME_LINE * 0.78, "name"))
        top += NAME_LINE
    for text in box.note_lines:
        lines.append(WebText(text, left, top + NOTE_LINE * 0.78, "note"))
        top += NOTE_LINE
    return lines


# A drawing of more bodies than this would outgrow a web page (about 1 KB a box) and
# be unreadable anyway; the tree below it shows them all, the PDF report draws them.
WEB_CHART_MAX_BODIES = 300


def web_chart(bodies, width=WEB_WIDTH):
    """The chart of ``bodies`` (tree order, ``supports`` loaded) for a web page, or None
    (also when there are more than ``WEB_CHART_MAX_BODIES``).

    The whole forest on one drawing, arranged as the PDF arranges a page (branches
    side by side, deeper levels as lists, long lists in columns) to fit ``width``
    points; a page scrolls downwards, so the height is free. Nothing is cut off.
    """
    if len(bodies) > WEB_CHART_MAX_BODIES:
        return None
    roots = _nodes(bodies)
    if not roots:
        return None
    _scale, chart_width, chart_height, placed, lines = _best_layout(roots, None, (width, 1_000_000))
    return WebChart(
        boxes=[WebBox(box.body, x, y, box.w, box.h, _web_lines(box, x, y)) for box, x, y in placed],
        report_lines=[_rounded(line) for line in lines],
        support_lines=[_rounded(line) for line in _support_lines(placed)],
        width=chart_width,
        height=chart_height,
    )


def _rounded(line):
    return tuple(f"{value:.1f}" for value in line)
