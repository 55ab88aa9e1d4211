"""The public search: people, bodies, organisations, agenda items and decisions.

One query per kind of result whatever the size of the registry (plus one for the
abbreviations), each limited to ``LIMIT + 1`` rows, best first.

- **PostgreSQL**: Swedish full-text search over unaccented text
  (``SearchVector(unaccent(...), config="swedish")`` with weights: names A, short
  names A, purposes and agenda texts B, legal basis C), ``SearchRank`` for the
  order, ``SearchHeadline`` for the snippets, and trigram word similarity
  (``pg_trgm``) on names for typos ("svan" finds Svahn). The extensions are made
  by ``bodies/migrations/0009_search_extensions.py``.
- **SQLite**: ``bodies.search_text.score`` registered as ``sv_score``: accent and
  case folding, word prefixes with Swedish endings removed, names a letter or two
  off, done in Python by the database for each row (no index: fine for a
  registry, see docs/benchmarks.md).

Only published people are searched. Every text shown is escaped before the
matching words are put in ``<mark>``.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Lower
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from bodies.models import Body, MandatePeriod, Organisation
from bodies.search_text import (
    COMPOUND_PART,
    MARK_START,
    MARK_STOP,
    clean_query,
    fold,
    highlight,
    parse,
    snippet,
)
from meetings.models import AgendaItem
from members.models import Party, Person

LIMIT = 20
# Names this similar to the query (pg_trgm word similarity, 0–1) count as matches.
NAME_SIMILARITY = 0.5
# Well-known abbreviations of regional development work in Sweden; the registry's
# own (bodies' and organisations' short names, parties) are read from the data.
ABBREVIATIONS = {
    "rus": ["regional utvecklingsstrategi"],
    "rup": ["regional utvecklingsplan"],
}


@dataclass
class Hit:
    """One search result: what it is called (marked), where it lives, what it says."""

    object: object
    title: str
    url: str
    snippet: str = ""


@dataclass
class Results:
    """The results of one search, by kind, each list best first."""

    q: str
    people: list = field(default_factory=list)
    bodies: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    agenda_items: list = field(default_factory=list)
    more: bool = False

    @property
    def total(self):
        return (
            len(self.people) + len(self.bodies) + len(self.organisations) + len(self.agenda_items)
        )


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def _text(*names):
    """The fields joined by spaces, as one text expression."""
    parts = []
    for name in names:
        if parts:
            parts.append(Value(" "))
        parts.append(F(name))
    return Concat(*parts, output_field=TextField()) if len(parts) > 1 else F(names[0])


def synonyms(q):
    """What the abbreviations in the query stand for: folded abbreviation → meanings.

    One query: the bodies' and organisations' short names and the parties whose
    abbreviation is one of the query's words.
    """
    typed = {chunk.strip(".,;:!?()\"'”“") for chunk in q.split()}
    folded = {fold(chunk) for chunk in typed}
    table = {key: list(value) for key, value in ABBREVIATIONS.items() if key in folded}
    chunks = {chunk for chunk in typed | folded if chunk}
    if not chunks:
        return table
    wanted = Q()
    for chunk in chunks:
        wanted |= Q(abbreviation__iexact=chunk)
    bodies = Body.objects.filter(_iexact_any("short_name", chunks)).values_list(
        "short_name", "name"
    )
    organisations = Organisation.objects.filter(_iexact_any("short_name", chunks)).values_list(
        "short_name", "name"
    )
    parties = Party.objects.filter(wanted).values_list("abbreviation", "name")
    for short, name in bodies.order_by().union(organisations.order_by(), parties.order_by()):
        meanings = table.setdefault(fold(short), [])
        if name not in meanings:
            meanings.append(name)
    return table


def _iexact_any(field_name, values):
    query = Q()
    for value in values:
        query |= Q(**{f"{field_name}__iexact": value})
    return query


def search(raw, current=None):
    """Search the public registry for ``raw`` (as typed); ``current``: the current
    period, whose bodies come first."""
    q = clean_query(raw)
    results = Results(q)
    if not q:
        return results
    terms = parse(q, synonyms(q))
    if not terms:
        return results
    engine = _Postgres(terms) if connection.vendor == "postgresql" else _SQLite(terms)
    found = {
        "people": list(
            engine.people(Person.objects.public().select_related("party", "organisation"))
        ),
        "bodies": list(
            engine.bodies(
                Body.objects.select_related("period").annotate(
                    is_current=Case(
                        When(period=current, then=Value(0)),
                        default=Value(1),
                        output_field=IntegerField(),
                    )
                )
            )
        ),
        "organisations": list(engine.organisations(Organisation.objects.all())),
        "agenda_items": list(
            engine.agenda_items(AgendaItem.objects.select_related("meeting__body__period"))
        ),
    }
    results.more = any(len(rows) > LIMIT for rows in found.values())
    results.people = [
        Hit(person, highlight(person.full_name, terms), person.get_absolute_url())
        for person in found["people"][:LIMIT]
    ]
    results.bodies = [
        Hit(
            body,
            highlight(body.name, terms),
            body.get_absolute_url(),
            engine.snippet(body, "purpose", "legal_basis"),
        )
        for body in found["bodies"][:LIMIT]
    ]
    results.organisations = [
        Hit(organisation, highlight(organisation.name, terms), organisation.get_absolute_url())
        for organisation in found["organisations"][:LIMIT]
    ]
    results.agenda_items = [
        Hit(
            item,
            highlight(item.title, terms),
            item.get_absolute_url(),
            engine.snippet(item, "text", "decision"),
        )
        for item in found["agenda_items"][:LIMIT]
    ]
    return results


class _SQLite:
    """Matching and ranking by ``sv_score`` (bodies/search_text.py) in the database."""

    def __init__(self, terms):
        self.terms = terms
        self.json = Value(terms.as_json(), output_field=TextField())

    def _scored(self, queryset, name, rest):
        return queryset.annotate(
            search_score=Func(name, rest, self.json, function="sv_score", output_field=FloatField())
        ).filter(search_score__gt=0)

    def people(self, queryset):
        return self._scored(
            queryset,
            _text("first_name", "last_name"),
            Concat(F("title"), Value(" "), F("party__name"), output_field=TextField()),
        ).order_by("-search_score", "last_name", "first_name", "pk")[: LIMIT + 1]

    def bodies(self, queryset):
        return self._scored(
            queryset, _text("name", "short_name"), _text("purpose", "legal_basis")
        ).order_by("is_current", "-period__start", "-search_score", "tree_id", "lft")[: LIMIT + 1]

    def organisations(self, queryset):
        return self._scored(queryset, _text("name", "short_name"), Value("")).order_by(
            "-search_score", "name"
        )[: LIMIT + 1]

    def agenda_items(self, queryset):
        return self._scored(queryset, F("title"), _text("text", "decision")).order_by(
            "-search_score", "-meeting__start", "number"
        )[: LIMIT + 1]

    def snippet(self, obj, *fields):
        for name in fields:
            text = snippet(getattr(obj, name), self.terms)
            if text:
                return mark_safe(text)
        return ""


class _Postgres:
    """Swedish full-text search, ranking, headlines and trigram similarity in PostgreSQL."""

    def __init__(self, terms):
        self.terms = terms
        self.query = SearchQuery(terms.tsquery(), search_type="raw", config="swedish")
        self.folded = Value(fold(terms.text), output_field=CharField())

    @staticmethod
    def _vector(*weighted):
        vector = None
        for name, weight in weighted:
            part = SearchVector(Unaccent(F(name)), weight=weight, config="swedish")
            vector = part if vector is None else vector + part
        return vector

    def _matched(self, queryset, vector, name):
        similarity = TrigramWordSimilarity(self.folded, Unaccent(name))
        matched = Q(search=self.query) | Q(similarity__gte=NAME_SIMILARITY)
        folded = fold(self.terms.text)
        if len(folded) >= COMPOUND_PART:
            # Part of a Swedish compound in the name ("råd" in "Länsdelsrådet"), which
            # neither the stemmer nor the trigrams find.
            matched |= Q(folded_name__contains=folded)
        return queryset.annotate(
            search=vector,
            similarity=similarity,
            folded_name=Lower(Unaccent(name)),
            search_rank=SearchRank(vector, self.query) + similarity,
        ).filter(matched)

    def people(self, queryset):
        queryset = queryset.annotate(
            full_name_text=_text("first_name", "last_name"),
            party_name=Concat(
                F("party__abbreviation"), Value(" "), F("party__name"), output_field=TextField()
            ),
        )
        vector = self._vector(
            ("first_name", "A"), ("last_name", "A"), ("title", "B"), ("party_name", "C")
        )
        return self._matched(queryset, vector, F("full_name_text")).order_by(
            "-search_rank", "last_name", "first_name", "pk"
        )[: LIMIT + 1]

    def bodies(self, queryset):
        vector = self._vector(
            ("name", "A"), ("short_name", "A"), ("purpose", "B"), ("legal_basis", "C")
        )
        return (
            self._matched(queryset, vector, F("name"))
            .annotate(headline=self._headline("purpose", "legal_basis"))
            .order_by("is_current", "-period__start", "-search_rank", "tree_id", "lft")[: LIMIT + 1]
        )

    def organisations(self, queryset):
        vector = self._vector(("name", "A"), ("short_name", "A"))
        return self._matched(queryset, vector, F("name")).order_by("-search_rank", "name")[
            : LIMIT + 1
        ]

    def agenda_items(self, queryset):
        vector = self._vector(("title", "A"), ("text", "B"), ("decision", "B"))
        return (
            self._matched(queryset, vector, F("title"))
            .annotate(headline=self._headline("text", "decision"))
            .order_by("-search_rank", "-meeting__start", "number")[: LIMIT + 1]
        )

    def _headline(self, *fields):
        return SearchHeadline(
            _text(*fields),
            self.query,
            config="swedish",
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=28,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    def snippet(self, obj, *fields):
        """The fragments the database's headline chose, or where it marked nothing
        (an accent it did not fold), the fragment ``snippet`` finds."""
        headline = obj.headline or ""
        if MARK_START in headline:
            # The database chose the fragments; the words are marked as on SQLite.
            plain = headline.replace(MARK_START, "").replace(MARK_STOP, "")
            return mark_safe(highlight(plain, self.terms))
        for name in fields:
            text = snippet(getattr(obj, name), self.terms)
            if text:
                return mark_safe(text)
        return ""


# /sok/?q= (named bodies:search: samverkan/cross_app_urls.py)
def search_page(request):
    """People, bodies, organisations, agenda items and decisions that match the text
    asked for, grouped by kind, best first."""
    raw = request.GET.get("q", "")
    current = MandatePeriod.objects.current() if raw.strip() else None
    results = search(raw, current)
    context = {
        "q": results.q,
        "limit": LIMIT,
        "results": results,
        "current": current,
        "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
    }
    return render(request, "bodies/search.html", context)
