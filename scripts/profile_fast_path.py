"""CPU per request of the public fast path, in process: static file, 304, cached page.

    .venv/bin/python scripts/profile_fast_path.py \\
        --postgresql postgres://postgres@127.0.0.1:5432/samverkan_perfwarm
    .venv/bin/python scripts/profile_fast_path.py --profile "period 304" --top 30
    .venv/bin/python scripts/profile_fast_path.py --compare /work/main   # before/after

The database named in ``--postgresql`` must be migrated and hold a registry (for
example ``manage.py load_structure fixtures/orebro.toml``); nothing in it is changed
but the cache table. The script builds Django's WSGI application with the production
settings (DEBUG off, the database cache, JSON logs — written to /dev/null here — and
``BEHIND_TLS_PROXY``) and calls it with WSGI environ dicts, as gunicorn would, taking
turns: the period page's bytes as a static file served by whitenoise, the period page
answered 304, the cached period page, and the same for the largest body page.

It reports the CPU time of this process per request (``time.process_time``: steady
on a busy machine, where wall time is not) and the queries each request makes. The
database server's own CPU is not in it. ``--profile KIND`` runs cProfile over that
kind of request only and prints the top functions.

``--compare FOLDER`` runs this script, in turns, from FOLDER (another checkout, e.g.
the main branch: "before") and from this one ("after"), and prints both side by side.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/samverkan_perfwarm"


def environ_for(path, headers=None):
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "profile_fast_path",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(application, path, headers=None):
    """One request, as a WSGI server makes it: status, headers and the whole body."""
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    result = application(environ_for(path, headers), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], body


def setup(database, root):
    """Production settings on ``database``; the application and the addresses to ask."""
    # Collected once per checkout (compressing every file takes a while).
    static_root = Path(tempfile.gettempdir()) / f"profile-fast-path-{root.resolve().name}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "samverkan.settings",
            "DATABASE_URL": database,
            "SECRET_KEY": "profile-only-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "0",
            "BEHIND_TLS_PROXY": "1",
            "STATIC_ROOT": str(static_root),
            "PDF_PRERENDER": "0",
        }
    )
    os.environ.pop("CACHE_URL", None)
    os.chdir(root)
    sys.path.insert(0, str(root))
    # The JSON request log goes where gunicorn's stderr goes in the load benchmark.
    report_to, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db.models import Count

    from bodies.models import Body, MandatePeriod

    if not (static_root / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)
    current = MandatePeriod.objects.current() or MandatePeriod.objects.order_by("start")[0]
    body = Body.objects.filter(period=current).annotate(n=Count("seats")).order_by("-n")[0]
    pages = {"period": current.get_absolute_url(), "body": body.get_absolute_url()}
    # Whitenoise finds its files when the application starts: write the pages first.
    first = WSGIHandler()
    (static_root / "bench").mkdir(exist_ok=True)
    requests = {}
    for name, path in pages.items():
        status, headers, content = call(first, path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        (static_root / "bench" / f"{name}.html").write_bytes(content)
        requests[f"{name} static"] = (f"/static/bench/{name}.html", None)
        requests[f"{name} 304"] = (path, {"If-None-Match": headers["ETag"]})
        requests[f"{name} warm"] = (path, None)
    application = WSGIHandler()
    expected = {"static": 200, "304": 304, "warm": 200}
    for name, (path, headers) in requests.items():
        for _ in range(3):  # warms the in-process state of every layer
            status, _, _ = call(application, path, headers)
        if status != expected[name.rpartition(" ")[2]]:
            raise RuntimeError(f"{name}: {status}")
    return application, requests, report_to


def count_queries():
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(wrapper)
    return counter


def backend_seconds():
    """CPU seconds the database server process of this connection has used so far
    (in clock ticks, so only sums over many requests mean anything)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(application, requests, rounds, block):
    """CPU microseconds per request (this process, and the database server process
    serving it) and queries per request, for each kind; kinds take turns in blocks."""
    counter = count_queries()
    totals = {name: {"cpu": 0.0, "backend": 0.0, "queries": 0} for name in requests}
    for _ in range(max(1, rounds // block)):
        for name, (path, headers) in requests.items():
            total = totals[name]
            before, backend = counter["n"], backend_seconds()
            started = time.process_time()
            for _ in range(block):
                call(application, path, headers)
            total["cpu"] += time.process_time() - started
            total["backend"] += max(0.0, backend_seconds() - backend)
            total["queries"] += counter["n"] - before
    done = max(1, rounds // block) * block
    return {
        name: {
            "cpu_us": total["cpu"] / done * 1e6,
            "backend_us": total["backend"] / done * 1e6,
            "queries": total["queries"] / done,
        }
        for name, total in totals.items()
    }


def profile(application, requests, kind, rounds, top):
    path, headers = requests[kind]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(rounds):
        call(application, path, headers)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def compare(args):
    """This script from another checkout and from this one, in turns."""
    checkouts = {"before": Path(args.compare).resolve(), "after": ROOT}
    runs = {name: [] for name in checkouts}
    for _ in range(args.turns):
        for name, root in checkouts.items():
            done = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "scripts" / "profile_fast_path.py"),
                    "--root",
                    str(root),
                    "--postgresql",
                    args.postgresql,
                    "--rounds",
                    str(args.rounds),
                    "--json",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            runs[name].append(json.loads(done.stdout.strip().rpartition("\n")[2]))
    kinds = list(runs["after"][0])
    lines = [
        f"CPU per request, µs (median of {args.turns} runs of {args.rounds} rounds each; "
        "queries per request in brackets)",
        "",
        "| request | before | after | after/before "
        "| database server before | database server after |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def median(name, kind, figure):
        return sorted(run[kind][figure] for run in runs[name])[args.turns // 2]

    for kind in kinds:
        before, after = median("before", kind, "cpu_us"), median("after", kind, "cpu_us")
        lines.append(
            f"| {kind} | {before:.0f} ({runs['before'][0][kind]['queries']:g}) "
            f"| {after:.0f} ({runs['after'][0][kind]['queries']:g}) | {after / before:.2f} "
            f"| {median('before', kind, 'backend_us'):.0f} "
            f"| {median('after', kind, 'backend_us'):.0f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", default=DEFAULT_DATABASE)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--profile", metavar="KIND", help='e.g. "period 304" or "body warm"')
    parser.add_argument("--block", type=int, default=20, help="requests of a kind in a row")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--compare", metavar="FOLDER", help="the checkout to compare with")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        print(compare(args))
        return
    application, requests, report_to = setup(args.postgresql, Path(args.root or ROOT))
    if args.profile:
        print(profile(application, requests, args.profile, args.rounds, args.top), file=report_to)
        return
    figures = measure(application, requests, args.rounds, args.block)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"CPU per request over {args.rounds} rounds, in turns:", file=report_to)
    for name, figure in figures.items():
        print(
            f"  {name:12} {figure['cpu_us']:7.0f} µs, database server "
            f"{figure['backend_us']:5.0f} µs, {figure['queries']:g} queries",
            file=report_to,
        )


if __name__ == "__main__":
    main()
