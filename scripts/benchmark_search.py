"""Time the public search on registries 10× and 100× Örebro's size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samverkan_bench \\
        .venv/bin/python scripts/benchmark_search.py       # PostgreSQL
    .venv/bin/python scripts/benchmark_search.py           # SQLite, a temporary file
    … --scales 1 --runs 3 --output -                       # quicker, print only

The database named by DATABASE_URL is emptied and refilled (never point it at real
data); without it, a throw-away SQLite file is used. ``tests/bigdata.py`` builds the
registry (scale 1 = 10× Örebro: 3 periods × 150 bodies, 2,000 people; scale 10 =
100×), and this script gives every body a purpose and every tenth body a meeting a
year with four agenda items, drawn from a small Swedish vocabulary, so that the
words searched for are spread through the texts. Each query runs once to warm up,
then ``--runs`` times through ``samverkan.search.search``; the median wall time and
the number of SQL queries are written to docs/benchmarks.md (section *Search*).
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["folkhälsan", "svahn andreas", "RUS", "öberg", "orebro", "KC/RD", "anderson", "a"]
WORDS = [
    "folkhälsa",
    "kultur",
    "kollektivtrafik",
    "infrastruktur",
    "kompetensförsörjning",
    "näringsliv",
    "utbildning",
    "skola",
    "omsorg",
    "social",
    "välfärd",
    "digitalisering",
    "klimat",
    "energi",
    "miljö",
    "besöksnäring",
    "landsbygd",
    "bostäder",
    "integration",
    "samverkan",
    "uppföljning",
    "handlingsplan",
    "Örebro",
    "län",
    "kommunerna",
    "regionen",
    "överenskommelse",
    "strategi",
]


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    # No shared cache and no PDFs made ahead of time: only the search is timed.
    os.environ.setdefault("CACHE_URL", "locmem://")
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    os.environ.setdefault("PDF_PRERENDER", "0")
    import django

    django.setup()


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    if rng.random() < 0.2:
        text += " enligt den regionala utvecklingsstrategin (RUS)"
    return text.capitalize() + "."


def build(scale):
    from django.core.management import call_command
    from django.db import connection

    from bodies.models import Body
    from meetings.models import AgendaItem, Meeting
    from tests import bigdata

    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    data = bigdata.generate(scale=scale)
    rng = random.Random(2)
    bodies = list(Body.objects.all())
    for body in bodies:
        body.purpose = " ".join(sentence(rng) for _ in range(3))
        body.legal_basis = "Överenskommelse beslutad av " + rng.choice(WORDS)
    Body.objects.bulk_update(bodies, ["purpose", "legal_basis"], batch_size=1000)
    meetings = []
    for body in bodies[::10]:
        year = body.period.start.year
        start = datetime.datetime(year, 3, 1, 9, tzinfo=datetime.UTC)
        meetings.append(
            Meeting(body=body, start=start, end=start + datetime.timedelta(hours=2), status="held")
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=1000)
    AgendaItem.objects.bulk_create(
        (
            AgendaItem(
                meeting=meeting,
                number=n,
                title=sentence(rng, 5),
                text=" ".join(sentence(rng) for _ in range(4)),
                decision=sentence(rng, 10) if n % 2 else "",
            )
            for meeting in meetings
            for n in range(1, 5)
        ),
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {
        "bodies": Body.objects.count(),
        "people": data.busiest_person.__class__.objects.count(),
        "agenda items": AgendaItem.objects.count(),
    }
    return data, counts, time.perf_counter() - started


def time_queries(current, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.search import search

    rows = []
    for q in QUERIES:
        search(q, current)
        walls = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                results = search(q, current)
                walls.append(time.perf_counter() - started)
        rows.append((q, results.total, len(queries), statistics.median(walls)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory()
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/search.sqlite3"
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    engine = (
        f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else f"SQLite {connection.Database.sqlite_version}"
    )
    load = os.getloadavg()[0]
    lines = [
        f"Measured {datetime.date.today()} on {engine}, {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}; "
        f"load average {load:.1f} before the run. Median of {args.runs} searches after a "
        "warm-up; the queries are every SQL query of one search.",
        "",
        "| registry | bodies | people | agenda items | query | hits shown | SQL queries | median |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for scale in args.scales:
        data, counts, built = build(scale)
        name = f"{round(scale * 10)} × Örebro (tests/bigdata.py, scale {scale:g})"
        print(f"{name}: built in {built:.0f} s", file=sys.stderr)
        for q, hits, queries, wall in time_queries(data.current, args.runs):
            lines.append(
                f"| {name} | {counts['bodies']} | {counts['people']} | {counts['agenda items']} "
                f"| `{q}` | {hits} | {queries} | {wall * 1000:.0f} ms |"
            )
    text = "\n".join(lines) + "\n"
    if args.output == "-":
        print(text)
    else:
        write_section(Path(args.output), engine.split()[0], text)
    if tmp:
        tmp.cleanup()


def write_section(path, engine, table):
    """Replace (or add) the ``### Search on <engine>`` part of docs/benchmarks.md."""
    heading = f"### Search on {engine}"
    text = path.read_text(encoding="utf-8")
    if "## Search" not in text:
        text = text.rstrip() + "\n\n## Search\n\nWritten by `scripts/benchmark_search.py`.\n"
    start = text.find(heading)
    if start == -1:
        text = text.rstrip() + f"\n\n{heading}\n\n{table}"
    else:
        end = text.find("\n### ", start + len(heading))
        end = len(text) if end == -1 else end + 1
        text = text[:start] + f"{heading}\n\n{table}\n" + text[end:]
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
