"""Load benchmark: every public page type through gunicorn on PostgreSQL at 1×, 10×, 100×.

    .venv/bin/python scripts/benchmark_load.py                # updates docs/benchmarks.md
    .venv/bin/python scripts/benchmark_load.py --scales 1,10 --output -
    .venv/bin/python scripts/benchmark_load.py \\
        --postgresql postgres://postgres@127.0.0.1:5432/samverkan_bench

For each scale the script drops and creates the database named in ``--postgresql``
(``samverkan_bench`` by default; dropped again at the end), migrates it and fills it:
1× is the real Örebro data (fixtures/orebro.toml and orebro-meetings.toml), 10× is
tests/bigdata.py (3 periods × 150 bodies) and 100× tests/bigdata.py at scale 10
(3 × 1,500 bodies), both with four meetings a year for every body of the current
period (``bigdata.add_meetings``). It then starts gunicorn with the production
settings (DEBUG off, SECRET_KEY and ALLOWED_HOSTS from the environment, the database
cache, ``BEHIND_TLS_PROXY`` as behind the usual TLS proxy; 2 workers) and measures,
for each page type:

- *cold*: sequential requests each right after a change (the change stamp is bumped
  before each one, so the page cache has nothing): p50 and p95 (every page was asked
  a few times before, untimed, so that each worker has done its imports);
- *warm*: sequential requests of the cached page: p50 and p95;
- *304*: sequential conditional requests with the page's ETag: p50;
- *req/s at concurrency 8* of the warm page and of its 304, each as a share of the
  same bytes served as a static file by whitenoise from the same server (the page's
  bytes are written into the static folder before the server starts); page, static
  file and 304 take turns, ``--rounds`` rounds of ``--seconds`` each;
- the payload size.

The 100× registry takes minutes to build; with ``--build-limit`` seconds exceeded it is
measured anyway but the run says how long it took. Run time at all three scales: about
15–25 minutes on a 2-core machine.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from machine import processor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MARK_START = "<!-- benchmark_load: start -->"
MARK_END = "<!-- benchmark_load: end -->"
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
SCALES = {
    "1": "1× Örebro (fixtures/orebro.toml, orebro-meetings.toml)",
    "10": "10× (tests/bigdata.py: 3 × 150 bodies, 2,400 meetings)",
    "100": "100× (tests/bigdata.py scale 10: 3 × 1,500 bodies, 24,000 meetings)",
}


# Building a registry (a child process with the benchmark's DATABASE_URL) ---------------


def build(scale: str) -> None:
    """Migrate and fill the database; print the addresses to measure as JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from bodies.models import Body, ChangeStamp, MandatePeriod, Organisation
    from members.models import Person

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if scale == "1":
        call_command("load_structure", str(ROOT / "fixtures/orebro.toml"), verbosity=0)
        call_command("load_meetings", str(ROOT / "fixtures/orebro-meetings.toml"), verbosity=0)
        current = MandatePeriod.objects.current() or MandatePeriod.objects.order_by("start")[0]
        body = Body.objects.filter(period=current).annotate(n=Count("seats")).order_by("-n").first()
        person = Person.objects.public().annotate(n=Count("appointments")).order_by("-n").first()
        organisation = Organisation.objects.annotate(n=Count("seats")).order_by("-n").first()
    else:
        from tests import bigdata

        data = bigdata.generate(scale=1 if scale == "10" else 10)
        bigdata.add_meetings([data.current], data.busiest_person)
        current, body = data.current, data.biggest_body
        person, organisation = data.busiest_person, data.biggest_organisation
    periods = list(MandatePeriod.objects.order_by("start"))
    following = next((p for p in periods if p.start > current.start), periods[0])
    urls = {
        "start": "/",
        "period": current.get_absolute_url(),
        "largest body": body.get_absolute_url(),
        "busiest person": person.get_absolute_url(),
        "largest organisation": organisation.get_absolute_url(),
        "compare": f"/perioder/jamfor/?fran={current.slug}&till={following.slug}",
        "calendar": "/moten/",
        "statistics": "/moten/statistik/",
        "iCal (whole calendar)": "/moten/kalender.ics",
        "API bodies (200)": "/api/v1/bodies/?page_size=200",
    }
    print(
        json.dumps(
            {
                "urls": urls,
                "stamp_table": ChangeStamp._meta.db_table,
                "build_seconds": time.perf_counter() - started,
            }
        )
    )


def child(environ: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"{args}: {done.stderr[-3000:]}")
    return done.stdout.strip().rpartition("\n")[2]


# PostgreSQL ------------------------------------------------------------------------------


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def recreate(url: str, drop_only=False) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def bump_stamp(url: str, table: str) -> None:
    """What every write does (bodies/stamp.py): a new stamp, so no page is cached."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            f"UPDATE {table} SET version = version + 1, changed_at = clock_timestamp()"
        )


# The server ------------------------------------------------------------------------------


class Server:
    """gunicorn with the production settings on a free local port."""

    def __init__(self, environ, workers):
        self.environ, self.workers = environ, workers
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "samverkan.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz")[0] in (200, 503):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def get(port, path, headers=None):
    """One request on a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
    try:
        connection.request("GET", path, headers={**HEADERS, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, dict(response.getheaders())
    finally:
        connection.close()


def timed_get(port, path, headers=None):
    started = time.perf_counter()
    status, body, response_headers = get(port, path, headers)
    return time.perf_counter() - started, status, body, response_headers


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def throughput(port, path, headers, seconds, concurrency=8):
    """Requests per second with ``concurrency`` clients, each one request at a time."""
    stop = time.perf_counter() + seconds
    counts = [0] * concurrency
    errors = []

    def client(index):
        while time.perf_counter() < stop:
            status, _, _ = get(port, path, headers)
            if status not in (200, 304):
                errors.append(status)
            counts[index] += 1

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, range(concurrency)))
    if errors:
        raise RuntimeError(f"{path}: {errors[:3]}")
    return sum(counts) / (time.perf_counter() - started)


# One scale -------------------------------------------------------------------------------


def run_scale(scale, args, environ, static_root):
    recreate(args.postgresql)
    built = json.loads(child(environ, "--step", "build", scale))
    urls, table = built["urls"], built["stamp_table"]
    print(f"{scale}×: built in {built['build_seconds']:.0f} s", file=sys.stderr)
    bench_dir = static_root / "bench"
    shutil.rmtree(bench_dir, ignore_errors=True)
    bench_dir.mkdir(parents=True)
    # First server: learn each page's bytes and write them as static files.
    with Server(environ, args.workers) as server:
        for number, url in enumerate(urls.values()):
            status, body, _ = get(server.port, url)
            if status != 200:
                raise RuntimeError(f"{url}: {status}")
            (bench_dir / f"page-{number}.bin").write_bytes(body)
    # Second server (whitenoise finds the files at start): measure.
    rows = []
    with Server(environ, args.workers) as server:
        # Each worker imports and loads templates on its first requests: not timed.
        many = args.workers * 2
        with concurrent.futures.ThreadPoolExecutor(many) as pool:
            for url in urls.values():
                list(pool.map(get, [server.port] * many, [url] * many))
        for number, (name, url) in enumerate(urls.items()):
            static = f"/static/bench/page-{number}.bin"
            row = {"page": name, "url": url}
            cold = []
            for _ in range(args.cold):
                bump_stamp(args.postgresql, table)
                seconds, status, body, _ = timed_get(server.port, url)
                cold.append(seconds)
            row["size"] = len(body)
            warm, etag = [], None
            for _ in range(args.warm):
                seconds, status, body, headers = timed_get(server.port, url)
                warm.append(seconds)
                etag = headers.get("ETag")
            not_modified = [
                timed_get(server.port, url, {"If-None-Match": etag})[0] for _ in range(args.warm)
            ]
            assert get(server.port, url, {"If-None-Match": etag})[0] == 304, url
            assert get(server.port, static)[0] == 200, static
            page_rates, static_rates, rates_304 = [], [], []
            for _ in range(args.rounds):
                page_rates.append(throughput(server.port, url, None, args.seconds))
                static_rates.append(throughput(server.port, static, None, args.seconds))
                rates_304.append(
                    throughput(server.port, url, {"If-None-Match": etag}, args.seconds)
                )
            static_rate = statistics.median(static_rates)
            row.update(
                cold_p50=p(cold, 0.5),
                cold_p95=p(cold, 0.95),
                warm_p50=p(warm, 0.5),
                warm_p95=p(warm, 0.95),
                not_modified_p50=p(not_modified, 0.5),
                page_rate=statistics.median(page_rates),
                static_rate=static_rate,
                rate_304=statistics.median(rates_304),
            )
            row["share"] = row["page_rate"] / static_rate
            row["share_304"] = row["rate_304"] / static_rate
            rows.append(row)
            print(
                f"  {name}: {row['size'] / 1024:.0f} KB, cold p95 {row['cold_p95'] * 1000:.0f} ms, "
                f"warm {row['share']:.2f}× static, 304 {row['share_304']:.2f}×",
                file=sys.stderr,
            )
    shutil.rmtree(bench_dir, ignore_errors=True)
    return {"scale": scale, "build_seconds": built["build_seconds"], "rows": rows}


# The report ------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:.0f}" if seconds < 10 else f"{seconds * 1000:,.0f}"


def report(results, args, load_before, load_after, minutes):
    cpu, cores = processor(), os.cpu_count()
    lines = [
        MARK_START,
        "## Load: public pages through gunicorn on PostgreSQL",
        "",
        "Written by `scripts/benchmark_load.py` (run it again to update this section).",
        f"Measured {datetime.date.today().isoformat()} on {cores} cores ({cpu}), "
        f"Python {platform.python_version()}, PostgreSQL on the same machine, gunicorn with "
        f"{args.workers} sync workers, production settings (DEBUG off, database cache); "
        f"load average {load_before:.1f} before and {load_after:.1f} after; the run took "
        f"{minutes:.0f} minutes. The machine was shared with other work: the figures "
        "are noisy, the shares (page and static file measured in turn, in the same "
        "conditions) steadier than the times.",
        "",
        f"Cold: {args.cold} sequential requests, each just after a change (new stamp, so no "
        f"cached page). Warm: {args.warm} sequential requests of the cached page. Requests per "
        f"second: 8 concurrent clients, one request at a time each, on a new connection; "
        f"median of {args.rounds} rounds of {args.seconds:g} s, taking turns with the same bytes "
        "as a static file (whitenoise) and with the page's 304.",
        "",
    ]
    for result in results:
        lines += [
            f"### {SCALES[result['scale']]}",
            "",
            f"Data loaded in {result['build_seconds']:.0f} s.",
            "",
            "| page | size | cold p50 | cold p95 | warm p50 | warm p95 | 304 p50 "
            "| warm req/s (share of static) | 304 req/s (share) | static req/s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in result["rows"]:
            lines.append(
                f"| {r['page']} | {r['size'] / 1024:,.0f} KB | {ms(r['cold_p50'])} ms "
                f"| {ms(r['cold_p95'])} ms | {ms(r['warm_p50'])} ms | {ms(r['warm_p95'])} ms "
                f"| {ms(r['not_modified_p50'])} ms | {r['page_rate']:.0f} ({r['share']:.2f}×) "
                f"| {r['rate_304']:.0f} ({r['share_304']:.2f}×) | {r['static_rate']:.0f} |"
            )
        lines.append("")
    lines += goals(results)
    lines.append(MARK_END)
    return "\n".join(lines) + "\n"


def goals(results):
    """The figures of issue 13, each said met or not."""
    out = ["### Against the goals", ""]
    by_scale = {result["scale"]: result["rows"] for result in results}

    def verdict(ok):
        return "met" if ok else "**not met**"

    for scale in ("1", "10"):
        rows = by_scale.get(scale)
        if not rows:
            continue
        main = [r for r in rows if r["page"] in ("period", "largest body")]
        worst = min(r["share"] for r in main)
        worst_304 = min(r["share_304"] for r in rows)
        limit = 0.05 if scale == "1" else 0.15
        slowest = max(rows, key=lambda r: r["cold_p95"])
        out += [
            f"- {scale}×: warm period and body pages ≥ 0.5× static: lowest "
            f"{worst:.2f}× — {verdict(worst >= 0.5)}.",
            f"- {scale}×: 304 ≥ 0.8× static: lowest {worst_304:.2f}× — "
            f"{verdict(worst_304 >= 0.8)}.",
            f"- {scale}×: uncached p95 < {limit * 1000:.0f} ms for every page: slowest "
            f"{slowest['page']} {ms(slowest['cold_p95'])} ms — "
            f"{verdict(slowest['cold_p95'] < limit)}.",
        ]
    rows = by_scale.get("100")
    if rows:
        slowest = max(rows, key=lambda r: r["cold_p95"])
        largest = max(rows, key=lambda r: r["size"])
        out += [
            f"- 100×: no page above 500 ms (uncached p95): slowest {slowest['page']} "
            f"{ms(slowest['cold_p95'])} ms — {verdict(slowest['cold_p95'] < 0.5)}.",
            f"- 100×: no payload above 1 MB: largest {largest['page']} "
            f"{largest['size'] / 1024:,.0f} KB — {verdict(largest['size'] < 1024 * 1024)}.",
        ]
    else:
        out.append("- 100×: not measured in this run.")
    out.append("")
    return out


def write(text, output):
    if output == "-":
        print(text)
        return
    path = Path(output)
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if MARK_START in old:
        before, _, rest = old.partition(MARK_START)
        _, _, after = rest.partition(MARK_END)
        new = before + text.rstrip("\n") + after
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, encoding="utf-8")
    print(f"Wrote {output}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument(
        "--postgresql", default="postgres://postgres@127.0.0.1:5432/samverkan_bench"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cold", type=int, default=10)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if args.step:
        build(args.step[1])
        return
    static_root = ROOT / "staticfiles"
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "DATABASE_URL": args.postgresql,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-" + "x" * 50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "BEHIND_TLS_PROXY": "1",
        "TASKS_BACKEND": "database",
        "PDF_PRERENDER": "0",
    }
    environ.pop("CACHE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=environ,
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"],
        cwd=ROOT,
        env={**environ, "DEBUG": "1"},
        check=True,
    )
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    results = []
    try:
        for scale in args.scales.split(","):
            results.append(run_scale(scale, args, environ, static_root))
    finally:
        recreate(args.postgresql, drop_only=True)
    minutes = (time.perf_counter() - started) / 60
    write(report(results, args, load_before, os.getloadavg()[0], minutes), args.output)


if __name__ == "__main__":
    main()
