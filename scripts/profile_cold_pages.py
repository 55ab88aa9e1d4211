"""CPU time of cold (uncached) public page renders, in one process: where a page's time goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samverkan_x \\
        .venv/bin/python scripts/profile_cold_pages.py --build 10     # fill it first (drops it)
    DATABASE_URL=… .venv/bin/python scripts/profile_cold_pages.py     # every page, 5 renders
    DATABASE_URL=… .venv/bin/python scripts/profile_cold_pages.py --pages start,period \\
        --profile 25                                                 # cProfile, top 25
    DATABASE_URL=… .venv/bin/python scripts/profile_cold_pages.py --code /work/main
                                                                     # another checkout's code

Each render goes through the whole middleware stack (Django's test client) just after
the change stamp was bumped, as after a write, so the page cache has nothing. What is
timed is the CPU time of this process (``time.process_time``), not the wall clock: on
a shared machine the wall clock measures the neighbours, the CPU time this code.
(The database server's own work is not in it; the queries per page are printed.)

The first render of each page in the process is reported on its own ("first"): it
pays what a fresh server worker pays once (imports, template compilation, translation
catalogues) unless ``samverkan/warmup.py`` has done it at start; ``--no-warmup`` leaves
that out to see the difference. ``--build 1`` loads the Örebro data, ``--build 10``
tests/bigdata.py, as ``scripts/benchmark_load.py`` builds each scale (the database in
DATABASE_URL is dropped and created again).

Pages (the benchmark's, chosen the same way at any scale): start, period, body (the
current period's body with most seats), person (most appointments), organisation
(most seats), compare (current against the next period), calendar, statistics, ical
(the whole calendar), api (bodies, 200 a page). ``--set body=/perioder/…/`` measures
another address under a name (the load benchmark's 10× "largest body" is the largest
of any period).
"""

import argparse
import cProfile
import json
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVIRON = {
    "DJANGO_SETTINGS_MODULE": "samverkan.settings",
    "SECRET_KEY": "profile-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DEBUG": "0",
    "BEHIND_TLS_PROXY": "1",
    "TASKS_BACKEND": "database",
    "PDF_PRERENDER": "0",
}
HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1"}


def build(scale):
    """Drop, create and fill the database as the load benchmark does for ``scale``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import benchmark_load

    url = os.environ["DATABASE_URL"]
    benchmark_load.recreate(url)
    environ = {**os.environ, **ENVIRON}
    print(benchmark_load.child(environ, "--step", "build", scale))


def addresses():
    """The pages to measure, chosen as the load benchmark chooses them."""
    from django.db.models import Count

    from bodies.models import Body, MandatePeriod, Organisation
    from members.models import Person

    current = MandatePeriod.objects.current() or MandatePeriod.objects.order_by("start")[0]
    periods = list(MandatePeriod.objects.order_by("start"))
    following = next((p for p in periods if p.start > current.start), periods[0])
    body = Body.objects.filter(period=current).annotate(n=Count("seats")).order_by("-n").first()
    person = Person.objects.public().annotate(n=Count("appointments")).order_by("-n").first()
    organisation = Organisation.objects.annotate(n=Count("seats")).order_by("-n").first()
    return {
        "start": "/",
        "period": current.get_absolute_url(),
        "body": body.get_absolute_url(),
        "person": person.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "compare": f"/perioder/jamfor/?fran={current.slug}&till={following.slug}",
        "calendar": "/moten/",
        "statistics": "/moten/statistik/",
        "ical": "/moten/kalender.ics",
        "api": "/api/v1/bodies/?page_size=200",
    }


def bump():
    """What every write does: a new stamp, so no page is in the cache."""
    from django.db import connection

    from bodies.models import ChangeStamp

    ChangeStamp.read()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ChangeStamp._meta.db_table} SET version = version + 1, "
            "changed_at = CURRENT_TIMESTAMP"
        )


def render(client, url):
    """One cold render: (CPU seconds, queries, bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bump()
    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        response = client.get(url, **HEADERS)
        content = response.content
        seconds = time.process_time() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return seconds, len(queries), len(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", choices=["1", "10", "100"])
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--renders", type=int, default=5, help="cold renders per page")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile: print the top N")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    parser.add_argument("--code", help="run another checkout's code (path to its root)")
    parser.add_argument("--no-warmup", action="store_true", help="skip samverkan/warmup.py")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=URL", help="another address"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    for name, value in ENVIRON.items():
        os.environ.setdefault(name, value)
    os.environ.pop("CACHE_URL", None)
    if args.build:
        build(args.build)
        return
    code = Path(args.code).resolve() if args.code else ROOT
    os.chdir(code)
    sys.path.insert(0, str(code))

    import django

    django.setup()
    from django.test import Client

    logging.getLogger("samverkan.requests").disabled = True  # one line per request

    if not args.no_warmup:
        try:
            from samverkan import warmup
        except ImportError:
            warmup = None  # older code: nothing to warm up
        if warmup is not None:
            started = time.process_time()
            warmup.warm_up()
            print(f"warm-up: {(time.process_time() - started) * 1000:.0f} ms CPU", file=sys.stderr)

    client = Client()
    # The test client loads the middleware on its first request; a server does that
    # at start (get_wsgi_application), so it is not part of a first render.
    client.get("/healthz", **HEADERS)
    urls = addresses()
    urls.update(item.split("=", 1) for item in args.set)
    names = args.pages.split(",") if args.pages else list(urls)
    figures = {}
    for name in names:
        url = urls[name]
        first = render(client, url)
        if args.profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not the wall clock
            profiler.enable()
        times = []
        for _ in range(args.renders):
            seconds, queries, size = render(client, url)
            times.append(seconds)
        if args.profile:
            profiler.disable()
            print(f"\n=== {name} {url} ({args.renders} renders)")
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
        figures[name] = {
            "url": url,
            "first_ms": round(first[0] * 1000, 1),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1),
            "queries": queries,
            "kb": round(size / 1024, 1),
        }
        row = figures[name]
        print(
            f"{name:13} first {row['first_ms']:7.1f} ms  median {row['median_ms']:7.1f}  "
            f"min {row['min_ms']:7.1f} ms CPU  {queries:3} queries  {row['kb']:6.1f} KB",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps({"code": str(code), "load": os.getloadavg()[0], "pages": figures}))


if __name__ == "__main__":
    main()
