"""The public search: people, bodies, organisations, agenda items and decisions.

One query per kind of result whatever the size of the registry (plus one for the
abbreviations and one for the unpublished names the meeting texts are screened for),
each limited to ``LIMIT + 1`` rows, best first.

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

Only published people are searched. Agenda items and decisions are screened like
their public pages (meetings/privacy.py): a text that names an unpublished person is
neither shown nor the reason a result is found. Every text shown is escaped before the
matching words are put in ``<mark>``.
"""

from dataclasses import dataclass, field

from django.conf import settings
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
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
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
    score,
    snippet,
)
from meetings.models import AgendaItem, Decision
from meetings.privacy import UnpublishedNames
from members.models import Party, Person
from samverkan import search_index as index
from samverkan.search_index import InArray, text_of

LIMIT = 20
# Names this similar to the query (pg_trgm word similarity, 0–1) count as matches.
NAME_SIMILARITY = settings.SEARCH_NAME_SIMILARITY
# Well-known abbreviations of regional development work in Sweden; the registry's
# own (bodies' and organisations' short names, parties) are read from the data.
ABBREVIATIONS = {
    "rus": ["regional utvecklingsstrategi"],
    "rup": ["regional utvecklingsplan"],
}

# Each kind of result: the field its title is, and the texts its snippet comes from.
KINDS = {
    "people": ("full_name", ()),
    "bodies": ("name", ("purpose", "legal_basis")),
    "organisations": ("name", ()),
    "agenda_items": ("title", ("text", "decision")),
    "decisions": ("title", ("text", "addressee")),
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
    decisions: list = field(default_factory=list)
    more: bool = False

    @property
    def total(self):
        return sum(len(getattr(self, kind)) for kind in KINDS)


_text = text_of


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
    names = UnpublishedNames()
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
        "agenda_items": visible(
            engine.agenda_items(
                AgendaItem.objects.screened(names).select_related("meeting__body__period")
            ),
            terms,
        ),
        "decisions": visible(
            engine.decisions(
                Decision.objects.screened(names).select_related("body__period", "meeting")
            ),
            terms,
        ),
    }
    results.more = any(len(rows) > LIMIT for rows in found.values())
    for kind, (title, texts) in KINDS.items():
        setattr(
            results,
            kind,
            [
                Hit(
                    row,
                    highlight(getattr(row, title), terms),
                    row.get_absolute_url(),
                    engine.snippet(row, *texts),
                )
                for row in found[kind][:LIMIT]
            ],
        )
    return results


def visible(rows, terms):
    """The screened rows that still match on what the public sees of them.

    The database matched the real texts; a row whose texts were replaced by the
    placeholder is kept only if its visible texts match too, and its snippet is made
    from them (not from the database's headline of the real text).
    """
    kept = []
    for row in rows:
        if row.is_screened:
            texts = [getattr(row, name) or "" for name in row.free_text_fields]
            if not score(texts[0], " ".join(texts[1:]), terms.as_json()):
                continue
            row.headline = ""
        kept.append(row)
    return kept


def first_snippet(obj, fields, terms):
    """The marked fragment of the first of ``fields`` that matches, or ""."""
    for name in fields:
        text = snippet(getattr(obj, name), terms)
        if text:
            return mark_safe(text)
    return ""


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

    def decisions(self, queryset):
        return self._scored(queryset, F("title"), _text("text", "addressee")).order_by(
            "-search_score", "-year", "-serial", "pk"
        )[: LIMIT + 1]

    def snippet(self, obj, *fields):
        return first_snippet(obj, fields, self.terms)


class _Postgres:
    """Swedish full-text search, ranking, headlines and trigram similarity in PostgreSQL."""

    def __init__(self, terms):
        self.terms = terms
        self.query = SearchQuery(terms.tsquery(), search_type="raw", config="swedish")
        self.folded = Value(fold(terms.text), output_field=CharField())

    def _matched(self, queryset, kind, name=None):
        """Rows whose text vector matches, whose name is like the query (typos), or
        whose name holds it as part of a compound: each condition one the indexes of
        migration samverkan/0002 serve, so PostgreSQL combines them (BitmapOr)."""
        vector = index.vector(*index.VECTORS[kind])
        name = index.folded(name if name is not None else index.NAMES[kind]())
        matched = Q(search=self.query) | Q(folded_name__trigram_word_similar=self.folded)
        folded = fold(self.terms.text)
        if len(folded) >= COMPOUND_PART:
            # Part of a Swedish compound in the name ("råd" in "Länsdelsrådet"), which
            # neither the stemmer nor the trigrams find.
            matched |= Q(folded_name__contains=folded)
        similarity = TrigramWordSimilarity(self.folded, name)
        return queryset.annotate(
            search=vector,
            folded_name=name,
            search_rank=SearchRank(vector, self.query) + similarity,
        ), matched

    def people(self, queryset):
        queryset, matched = self._matched(queryset, "person")
        # The party's name is searched on the party table (a handful of rows), the ids
        # compared as an array: an ``IN (subquery)`` would keep the index out of the OR.
        parties = Party.objects.annotate(
            search=SearchVector(
                index.SvUnaccent(index.text_of("abbreviation", "name")), config="swedish"
            )
        ).filter(search=self.query)
        matched |= Q(InArray(F("party_id"), Subquery(parties.values("pk"))))
        return queryset.filter(matched).order_by("-search_rank", "last_name", "first_name", "pk")[
            : LIMIT + 1
        ]

    def bodies(self, queryset):
        queryset, matched = self._matched(queryset, "body")
        return (
            queryset.filter(matched)
            .annotate(headline=self._headline("purpose", "legal_basis"))
            .order_by("is_current", "-period__start", "-search_rank", "tree_id", "lft")[: LIMIT + 1]
        )

    def organisations(self, queryset):
        queryset, matched = self._matched(queryset, "organisation")
        return queryset.filter(matched).order_by("-search_rank", "name")[: LIMIT + 1]

    def agenda_items(self, queryset):
        queryset, matched = self._matched(queryset, "agendaitem")
        return (
            queryset.filter(matched)
            .annotate(headline=self._headline("text", "decision"))
            .order_by("-search_rank", "-meeting__start", "number")[: LIMIT + 1]
        )

    def decisions(self, queryset):
        queryset, matched = self._matched(queryset, "decision")
        return (
            queryset.filter(matched)
            .annotate(headline=self._headline("text", "addressee"))
            .order_by("-search_rank", "-year", "-serial", "pk")[: LIMIT + 1]
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
        headline = getattr(obj, "headline", "") or ""
        if MARK_START in headline:
            # The database chose the fragments; the words are marked as on SQLite.
            plain = headline.replace(MARK_START, "").replace(MARK_STOP, "")
            return mark_safe(highlight(plain, self.terms))
        return first_snippet(obj, fields, self.terms)


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
