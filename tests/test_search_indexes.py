"""On PostgreSQL the search's conditions are the very expressions its GIN indexes were
built on (samverkan/search_index.py, migration samverkan/0002): the planner can answer
each kind of result from the indexes instead of computing every row's text vector.

With a handful of rows a sequential scan is cheaper, so the plans are asked for with
``enable_seqscan`` and ``enable_indexscan`` off: what matters here is that the indexes
*can* serve the query (an expression that differs by one cast would never use them);
docs/benchmarks.md has the plans and timings on a registry 100 × Örebro's.
"""

import pytest
from django.db import connection
from django.db.models import Value

from bodies.models import Body, Organisation
from bodies.search_text import parse
from meetings.models import AgendaItem, Decision
from members.models import Person
from samverkan.search import _Postgres, synonyms

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes"),
]


def plan(queryset):
    with connection.cursor() as cursor:
        # Bitmap scans only: a plain index scan on the primary key (filtering every row)
        # is what the planner may pick otherwise, depending on the table statistics.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


@pytest.mark.parametrize("q", ["folkhälsan", "svan", "orebro"])
def test_every_kind_of_result_can_be_read_from_the_indexes(q):
    engine = _Postgres(parse(q, synonyms(q)))
    kinds = {
        "person": engine.people(Person.objects.public()),
        "body": engine.bodies(Body.objects.annotate(is_current=Value(0))),
        "organisation": engine.organisations(Organisation.objects.all()),
        "agendaitem": engine.agenda_items(AgendaItem.objects.all()),
        "decision": engine.decisions(Decision.objects.all()),
    }
    for kind, queryset in kinds.items():
        text = plan(queryset)
        assert f"search_{kind}_vector" in text, (kind, text)
        assert f"search_{kind}_name_trgm" in text, (kind, text)
        assert "BitmapOr" in text, (kind, text)
