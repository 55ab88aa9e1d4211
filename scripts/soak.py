"""Soak test: N clients for some minutes against gunicorn on PostgreSQL, loopback only.

Starts a deployment as docs/deployment.md describes it (gunicorn with the production
settings, a task worker, the database cache) on a PostgreSQL database of its own,
loaded with the Örebro structure and meetings, and keeps CLIENTS clients busy with a
mix of public pages, the API, exports and admin saves. Reports requests, errors
(goal 0), p50/p99 per kind, and the gunicorn workers' memory after warm-up and at the
end (goal: flat). The database is dropped afterwards.

    .venv/bin/python scripts/soak.py [--clients 20] [--minutes 5] [--warmup 30] [--sample 60]

Needs PostgreSQL on 127.0.0.1:5432 (DATABASE_HOST/PORT/USER to change).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_servers import Browser, Deployment, FormValues  # noqa: E402

PASSWORD = "ett-långt-lösenord-för-soak"


def rss_mb(pids):
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


def addresses(deployment):
    """The public addresses of the loaded data, by kind."""
    rows = deployment.query
    periods = [slug for (slug,) in rows("SELECT slug FROM bodies_mandateperiod")]
    bodies = [
        f"/perioder/{period}/{body}/"
        for period, body in rows(
            "SELECT p.slug, b.slug FROM bodies_body b "
            "JOIN bodies_mandateperiod p ON p.id = b.period_id"
        )
    ]
    people = [
        f"/personer/{slug}/"
        for (slug,) in rows("SELECT slug FROM members_person WHERE is_published")
    ]
    meetings = [f"/moten/{pk}/" for (pk,) in rows("SELECT id FROM meetings_meeting")]
    return {
        "page": [
            "/",
            "/perioder/",
            "/moten/",
            "/moten/statistik/",
            "/organisationer/",
            "/sok/?q=folkhälsa",
        ]
        + [f"/perioder/{slug}/" for slug in periods]
        + bodies
        + people
        + meetings,
        "api": [
            "/api/v1/",
            "/api/v1/bodies/",
            "/api/v1/people/",
            "/api/v1/memberships/",
            "/api/v1/meetings/",
            "/api/v1/posts/?page=2",
        ],
        "export": [f"/perioder/{slug}/ledamoter.csv" for slug in periods]
        + [f"/perioder/{slug}/ledamoter.xlsx" for slug in periods]
        + ["/moten/kalender.ics", "/perioder/2023-2026/rapport.pdf"],
    }


class Client(threading.Thread):
    def __init__(self, base, urls, until, results, editor_of=None):
        super().__init__(daemon=True)
        self.browser = Browser(base)
        self.urls = urls
        self.until = until
        self.results = results
        self.editor_of = editor_of  # a person id this client edits in the admin

    def run(self):
        if self.editor_of:
            self.browser.log_in("soak", PASSWORD)
        turn = 0
        while time.monotonic() < self.until:
            turn += 1
            if self.editor_of and turn % 10 == 0:
                self.save_person(turn)
                continue
            kind = random.choices(["page", "api", "export"], weights=[70, 20, 10])[0]
            self.timed(kind, "GET", random.choice(self.urls[kind]))

    def timed(self, kind, method, url, data=None):
        started = time.perf_counter()
        try:
            response = self.browser.request(method, url, data=data)
            status = response.status_code
        except Exception as error:  # a refused or broken connection is an error too
            status = type(error).__name__
        elapsed = time.perf_counter() - started
        # 503 with Retry-After is the PDF queue's answer while the worker renders.
        ok = status in {200, 302, 304} or (status == 503 and url.endswith(".pdf"))
        self.results[kind].append((elapsed, ok, status, url))
        return response if ok else None

    def save_person(self, turn):
        change = f"/admin/members/person/{self.editor_of}/change/"
        page = self.timed("admin", "GET", change)
        if page is None:
            return
        form = [
            (name, f"Soak {turn}" if name == "title" else value)
            for name, value in FormValues.of(page.text, "person_form")
        ]
        self.timed("admin", "POST", change, data=[*form, ("_save", "Spara")])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument(
        "--warmup", type=float, default=30, help="seconds before the first memory reading"
    )
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers (docs/deployment.md: 3)"
    )
    parser.add_argument(
        "--sample", type=float, default=60, help="seconds between memory readings after warm-up"
    )
    options = parser.parse_args()

    with (
        tempfile.TemporaryDirectory() as folder,
        Deployment(
            Path(folder),
            host=os.environ.get("DATABASE_HOST", "127.0.0.1"),
            port=int(os.environ.get("DATABASE_PORT", 5432)),
            user=os.environ.get("DATABASE_USER", "postgres"),
        ) as deployment,
    ):
        deployment.manage("load_meetings", "fixtures/orebro-meetings.toml", "-v0")
        deployment.manage(
            "createsuperuser",
            "--no-input",
            "--username",
            "soak",
            "--email",
            "soak@example.se",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )
        base = deployment.start_server("app", workers=options.workers)
        deployment.start_worker("worker")
        urls = addresses(deployment)
        editors = [
            pk
            for (pk,) in deployment.query(
                "SELECT id FROM members_person WHERE is_published ORDER BY id LIMIT 2"
            )
        ]

        results = defaultdict(list)
        started = time.monotonic()
        until = started + options.minutes * 60
        clients = [
            Client(base, urls, until, results, editor_of=editors[i] if i < len(editors) else None)
            for i in range(options.clients)
        ]
        for client in clients:
            client.start()
        time.sleep(min(options.warmup, options.minutes * 60 / 2))
        # A reading a minute shows whether memory levels off (caches full) or keeps growing.
        memory = [(time.monotonic() - started, rss_mb(deployment.server_pids()))]
        while time.monotonic() + options.sample < until:
            time.sleep(options.sample)
            memory.append((time.monotonic() - started, rss_mb(deployment.server_pids())))
        for client in clients:
            client.join()
        memory.append((time.monotonic() - started, rss_mb(deployment.server_pids())))
        duration = time.monotonic() - started

    everything = [row for rows in results.values() for row in rows]
    errors = [row for row in everything if not row[1]]
    print(
        f"{options.clients} clients, {duration:.0f} s, "
        f"gunicorn {options.workers} workers (gthread, 4 threads)"
    )
    print(
        f"requests: {len(everything)} ({len(everything) / duration:.1f}/s), errors: {len(errors)}"
    )
    print(f"{'kind':8} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, rows in sorted(results.items()):
        times = sorted(row[0] * 1000 for row in rows)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        failed = sum(not row[1] for row in rows)
        print(f"{kind:8} {len(rows):9} {failed:7} {statistics.median(times):8.1f} {p99:8.1f}")
    (_, first), (_, last) = memory[0], memory[-1]
    print(f"gunicorn workers' memory (RSS): {first} MB after warm-up, {last} MB at the end")
    print("  " + ", ".join(f"{seconds / 60:.0f} min {mb} MB" for seconds, mb in memory))
    half = next(mb for seconds, mb in memory if seconds >= duration / 2)
    print(f"  second half: {half} -> {last} MB ({(last - half) / half * 100:+.1f} %)")
    for elapsed, _, status, url in errors[:20]:
        print(f"  error: {status} {url} ({elapsed * 1000:.0f} ms)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
