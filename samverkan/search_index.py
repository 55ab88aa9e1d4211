"""The search's PostgreSQL expressions, in one place: the queries (samverkan/search.py)
and the indexes that serve them (samverkan/migrations/0002_search_indexes.py) are built
from the same functions, so that the planner sees the very expression it has an index
for.

- ``sv_unaccent(text)`` is an IMMUTABLE wrapper of ``unaccent`` (which is only STABLE,
  as its dictionary could change, and so cannot be indexed). The migration creates it.
- Each kind has a weighted Swedish ``tsvector`` over its own columns (GIN index) and a
  folded name ``lower(sv_unaccent(name))`` (GIN trigram index), which serves both the
  typo match (``%>``, word similarity) and the compound-part match (``LIKE '%…%'``).
"""

from django.contrib.postgres.search import SearchVector
from django.db.models import BooleanField, F, Func, TextField, Value
from django.db.models.functions import Concat, Lower


class SvUnaccent(Func):
    function = "sv_unaccent"
    output_field = TextField()


def text_of(*names):
    """The fields joined by spaces, as one text expression."""
    parts = []
    for name in names:
        if parts:
            parts.append(Value(" "))
        parts.append(F(name))
    return Concat(*parts, output_field=TextField()) if len(parts) > 1 else F(names[0])


def vector(*weighted):
    """``setweight(to_tsvector('swedish', sv_unaccent(field)), weight) || …``"""
    combined = None
    for name, weight in weighted:
        part = SearchVector(SvUnaccent(F(name)), weight=weight, config="swedish")
        combined = part if combined is None else combined + part
    return combined


def folded(expression):
    return Lower(SvUnaccent(expression))


# Per kind: the weighted columns of its text vector and its name, as searched.
VECTORS = {
    "person": (("first_name", "A"), ("last_name", "A"), ("title", "B")),
    "body": (("name", "A"), ("short_name", "A"), ("purpose", "B"), ("legal_basis", "C")),
    "organisation": (("name", "A"), ("short_name", "A")),
    "agendaitem": (("title", "A"), ("text", "B"), ("decision", "B")),
    "decision": (("title", "A"), ("text", "B"), ("addressee", "C")),
}
NAMES = {
    "person": lambda: text_of("first_name", "last_name"),
    "body": lambda: F("name"),
    "organisation": lambda: F("name"),
    "agendaitem": lambda: F("title"),
    "decision": lambda: F("title"),
}
# (app label, model name) of each kind.
MODELS = {
    "person": ("members", "person"),
    "body": ("bodies", "body"),
    "organisation": ("bodies", "organisation"),
    "agendaitem": ("meetings", "agendaitem"),
    "decision": ("meetings", "decision"),
}


class InArray(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, and the condition stays
    one a bitmap index scan can take part in inside an OR (``IN (subquery)`` is not)."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = BooleanField()
