"""Public structure pages: start, periods, bodies, county parts.

Every page reads a fixed number of queries whatever the size of the data: the
joins and prefetches live in the QuerySet methods, the nesting of a chart is
built in Python from one list of bodies.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from bodies.chart import web_chart
from bodies.comparison import compare
from bodies.models import (
    Body,
    CountyPart,
    MandatePeriod,
    Seat,
)
from bodies.my_choice import ChoiceForm, remembered
from bodies.representation import by_period
from bodies.spreadsheets import STRUCTURE_ORDER


def start(request):
    """The current period's structure as a chart, a search box, links to other periods."""
    period = MandatePeriod.objects.current()
    periods = list(MandatePeriod.objects.order_by("-start"))
    bodies = list(Body.objects.for_period(period).for_chart()) if period else []
    return render(
        request,
        "bodies/start.html",
        {
            "period": period,
            "periods": periods,
            "forest": Body.forest(bodies),
            "chart": web_chart(bodies),
            "choice_form": ChoiceForm(),
            # Read only with the visitor's consent cookie; such a page is never cached
            # publicly (samverkan/public_cache.py).
            "remembered": remembered(request),
        },
    )


def periods(request):
    """Every mandate period, newest first."""
    return render(
        request,
        "bodies/periods.html",
        {
            "periods": MandatePeriod.objects.with_body_counts().order_by("-start"),
            "current": MandatePeriod.objects.current(),
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


def period(request, slug):
    """The structure of one period as nested lists, optionally filtered by kind."""
    period = get_object_or_404(MandatePeriod, slug=slug)
    bodies = list(Body.objects.for_period(period).for_chart())
    kind = request.GET.get("typ", "")
    kind_error = ""
    matches = None
    if kind and kind not in Body.Kind.values:
        kind_error = gettext("Det finns ingen typ av organ som heter ”%(kind)s”. Alla visas.") % {
            "kind": kind[:50]
        }
        kind = ""
    forest = Body.forest(bodies)
    others = list(MandatePeriod.objects.exclude(pk=period.pk).order_by("-start"))
    if kind:
        matches = [node for node in _walk(forest) if node.body.kind == kind]
    return render(
        request,
        "bodies/period.html",
        {
            "period": period,
            "forest": forest,
            "body_count": len(bodies),
            "completeness": Seat.objects.filter(body__period=period).completeness(
                period.default_day()
            ),
            "completeness_day": period.default_day(),
            "kinds": Body.Kind.choices,
            "kind": kind,
            "kind_label": Body.Kind(kind).label if kind else "",
            "kind_error": kind_error,
            "matches": matches,
            "chart": None if kind else web_chart(bodies),
            "other_periods": others,
            "previous_period": next((p for p in others if p.start < period.start), None),
            "next_period": next((p for p in reversed(others) if p.start > period.start), None),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("bodies:periods"), gettext("Mandatperioder")),
            ],
        },
    )


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def body(request, period_slug, body_slug):
    """A body: what it is for, where it sits, its composition and who holds its seats."""
    body = get_object_or_404(Body.objects.for_body_page(), period__slug=period_slug, slug=body_slug)
    period = body.period
    on, date_error = _roster_day(request.GET.get("datum"), period)
    ancestors = list(body.get_ancestors().select_related("period"))
    roster = body.roster(on)
    return render(
        request,
        "bodies/body.html",
        {
            "body": body,
            "period": period,
            "on": on,
            "on_is_today": on == timezone.localdate(),
            "date_error": date_error,
            "roster": roster,
            "has_substitutes": any(row.substitutes for group in roster for row in group.rows),
            "former": body.former_appointments(on),
            "composition": body.composition(on),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("bodies:periods"), gettext("Mandatperioder")),
                (period.get_absolute_url(), period.name),
                *[(a.get_absolute_url(), a.display_name) for a in ancestors],
            ],
        },
    )


def _roster_day(text, period):
    """The day a roster shows: ``?datum=`` if it is a valid day in the period.

    Returns the day and a message in Swedish when the asked day could not be used.
    """
    default = period.default_day()
    if not text:
        return default, ""
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        return default, gettext(
            "Datumet ”%(text)s” gick inte att läsa. Skriv det som år-månad-dag, "
            "till exempel %(example)s. Listan visar i stället läget den %(day)s."
        ) % {
            "text": text[:40],
            "example": period.start.isoformat(),
            "day": formats.date_format(default, "j F Y"),
        }
    if not period.contains(day):
        return default, gettext(
            "%(day)s ligger utanför mandatperioden %(period)s (%(start)s–%(end)s). "
            "Listan visar i stället läget den %(default)s."
        ) % {
            "day": formats.date_format(day, "j F Y"),
            "period": period.name,
            "start": formats.date_format(period.start, "j F Y"),
            "end": formats.date_format(period.end, "j F Y"),
            "default": formats.date_format(default, "j F Y"),
        }
    return day, ""


def county_parts(request):
    """The county parts with their municipalities."""
    return render(
        request,
        "bodies/county_parts.html",
        {
            "county_parts": CountyPart.objects.prefetch_related("organisations"),
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


def county_part(request, slug):
    """A county part: its municipalities, its bodies, and the seats its municipalities hold."""
    part = get_object_or_404(CountyPart, slug=slug)
    current = MandatePeriod.objects.current()
    # The current period and those still to come (the proposal): the history of a
    # whole county part would grow without bound, each municipality's page has it.
    seats = (
        Seat.objects.filter(organisation__county_part=part)
        .filter(body__period__end__gte=timezone.localdate())
        .with_appointments()
        .select_related("body__period")
        .order_by(*STRUCTURE_ORDER)
    )
    return render(
        request,
        "bodies/county_part.html",
        {
            "part": part,
            "municipalities": part.organisations.all(),
            "bodies": part.bodies.select_related("period").order_by(
                "-period__start", "tree_id", "lft"
            ),
            "current": current,
            "periods": by_period(seats, current),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("bodies:county_parts"), gettext("Länsdelar")),
            ],
        },
    )


def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse): a placeholder for now."""
    return render(
        request,
        "bodies/accessibility.html",
        {
            "site_owner": settings.SITE_OWNER,
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


def compare_periods(request):
    """Two mandate periods side by side: which bodies are new, which close, what changes.

    ``?fran=&till=`` name the periods by slug; without them the current period is
    compared with the next one. Bad choices get a message, never an error page.
    """
    choice = _compared_periods(request.GET, list(MandatePeriod.objects.order_by("start")))
    context = {
        "choice": choice,
        "breadcrumbs": [
            (reverse("bodies:start"), gettext("Start")),
            (reverse("bodies:periods"), gettext("Mandatperioder")),
        ],
    }
    if choice.old and choice.new and not choice.error:
        comparison = compare(choice.old, choice.new)
        context.update(comparison=comparison, **_compared_changes(request, comparison))
    return render(request, "bodies/compare.html", context)


# The comparison page stays small however large the structures: the changes come in
# pages of this many sentences (?sida=2), and the two charts side by side, each change
# written at its body, only while both periods together have at most this many bodies
# (above it, each period's own page shows its chart).
COMPARE_PAGE_SIZE = 100
COMPARE_CHART_LIMIT = 400


def _compared_changes(request, comparison):
    """The summary's counts, one page of its sentences and, when small enough, the charts."""
    added = comparison.of_kind("added")
    closed = comparison.of_kind("closed")
    changed = [c for c in comparison.changes if c.kind not in ("added", "closed")]
    # Every change is found (cheaply, from plain rows); only this page's are written out.
    page = Paginator(added + closed + changed, COMPARE_PAGE_SIZE).get_page(request.GET.get("sida"))
    on_page = page.object_list
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "counts": {"added": len(added), "closed": len(closed), "changed": len(changed)},
        "added": [c for c in on_page if c.kind == "added"],
        "closed": [c for c in on_page if c.kind == "closed"],
        "changed": [c for c in on_page if c.kind not in ("added", "closed")],
        "page": page,
        "page_query": (query.urlencode() + "&" if query else "") + "sida=",
        "charts_shown": (
            len(comparison.old_bodies) + len(comparison.new_bodies) <= COMPARE_CHART_LIMIT
        ),
        "chart_limit": COMPARE_CHART_LIMIT,
    }
    if context["charts_shown"]:
        by_body = comparison.changes_by_body()
        for period, name in ((comparison.old_period, "old"), (comparison.new_period, "new")):
            context[f"{name}_forest"] = _marked(Body.forest(_chart_bodies(period)), by_body)
    return context


def _chart_bodies(period):
    """The bodies of a side-by-side chart, in tree order, with what its boxes show."""
    bodies = list(
        Body.objects.filter(period=period).order_by("tree_id", "lft").select_related("supports")
    )
    # Their period is the one already loaded, so that their addresses cost no query.
    for body in bodies:
        body.period = period
    return bodies


@dataclass
class _Choice:
    """The two periods a comparison page shows, or why it cannot show them."""

    periods: list
    old: MandatePeriod | None = None
    new: MandatePeriod | None = None
    error: str = ""
    notes: list = field(default_factory=list)


def _compared_periods(params, periods):
    """Read ``fran`` and ``till`` into a ``_Choice``; fill in what is missing sensibly.

    One period alone is compared with its neighbour; the later period is always
    shown as the new one.
    """
    choice = _Choice(periods)
    if len(periods) < 2:
        choice.error = gettext("Det behövs minst två mandatperioder för en jämförelse.")
        return choice
    by_slug = {period.slug: period for period in periods}
    asked = {"fran": params.get("fran", "").strip(), "till": params.get("till", "").strip()}
    for slug in asked.values():
        if slug and slug not in by_slug:
            choice.error = gettext(
                "Det finns ingen mandatperiod som heter ”%(slug)s”. Välj en period i listan."
            ) % {"slug": slug[:40]}
    old, new = by_slug.get(asked["fran"]), by_slug.get(asked["till"])
    if choice.error:
        choice.old, choice.new = old, new
        return choice
    if not old and not new:
        old = MandatePeriod.objects.current() or periods[-1]
    if not (old and new):
        given = old or new
        index = periods.index(given)
        neighbour = periods[index + 1] if index + 1 < len(periods) else periods[index - 1]
        old, new = given, neighbour
    if old == new:
        choice.old = choice.new = old
        choice.error = gettext(
            "Du valde %(period)s två gånger. Välj två olika mandatperioder att jämföra."
        ) % {"period": old.name}
        return choice
    if old.start > new.start:
        old, new = new, old
        if asked["fran"] and asked["till"]:
            choice.notes.append(
                gettext("Perioderna visas i tidsordning: %(old)s före %(new)s.")
                % {"old": old.name, "new": new.name}
            )
    between = [period.name for period in periods if old.start < period.start < new.start]
    if between:
        choice.notes.append(
            gettext(
                "Mellan %(old)s och %(new)s ligger %(between)s. Jämförelsen visar skillnaden "
                "över hela tiden; ändringar som kom och gick däremellan syns inte."
            )
            % {"old": old.name, "new": new.name, "between": ", ".join(between)}
        )
    choice.old, choice.new = old, new
    return choice


def _marked(forest, changes_by_body):
    """Give each chart node its changes and a mark: added, closed, changed or ""."""
    for node in _walk(forest):
        node.changes = changes_by_body.get(node.body.pk, [])
        kinds = {change.kind for change in node.changes}
        if "added" in kinds:
            node.mark = "added"
        elif "closed" in kinds:
            node.mark = "closed"
        else:
            node.mark = "changed" if kinds else ""
    return forest
