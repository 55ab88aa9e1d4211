"""Time `manage.py backup` and `manage.py restore` at 1× (Örebro) and 10× (tests/bigdata.py).

    .venv/bin/python scripts/benchmark_backup.py          # updates docs/operations.md
    .venv/bin/python scripts/benchmark_backup.py --output -
    .venv/bin/python scripts/benchmark_backup.py \\
        --postgresql postgres://postgres@127.0.0.1:5432/samverkan_bench

Each case builds a registry in a throw-away database with its uploaded files in a
throw-away folder (the project's own database and media are not touched), runs
``manage.py backup`` as an operator would, then ``migrate`` and ``manage.py restore``
into a second, new database and folder, and checks that the row counts and files
match. The times are the wall-clock times of the two commands (a whole process each,
Python start included); ``migrate`` of the new database is shown apart. With
``--postgresql URL`` the cases run on PostgreSQL too, in databases named after the
URL's with ``_a`` and ``_b`` appended (dropped and created again).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from machine import processor

ROOT = Path(__file__).resolve().parent.parent
MINUTES_BYTES = 1024 * 1024
ATTACHMENT_BYTES = 300 * 1024
MARK_START = "<!-- benchmark_backup: start -->"
MARK_END = "<!-- benchmark_backup: end -->"

CASES = [
    (
        "1× Örebro",
        "orebro",
        "fixtures/orebro.toml and orebro-meetings.toml: 3 periods, 54 bodies, 609 seats, "
        "2 meetings; minutes of 1 MB for each held meeting, 300 KB for each attachment",
    ),
    (
        "10× (tests/bigdata.py)",
        "bigdata:20",
        "tests/bigdata.py: 3 periods × 150 bodies, ~3,300 seats, 2,000 people, ~4,000 "
        "appointments; 20 held meetings (10× Örebro's) with attendance, 1 MB minutes each, "
        "two 300 KB attachments each",
    ),
    (
        "10× with a year of minutes",
        "bigdata:600",
        "as 10×, with 600 held meetings (4 a year for each of 150 bodies), 1 MB minutes "
        "and two 300 KB attachments each: about 950 MB of files",
    ),
]


# Building a registry (runs in a child process with its own DATABASE_URL) ---------------


def build(kind: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if kind == "orebro":
        call_command("load_structure", str(ROOT / "fixtures/orebro.toml"), verbosity=0)
        call_command("load_meetings", str(ROOT / "fixtures/orebro-meetings.toml"), verbosity=0)
    else:
        sys.path.insert(0, str(ROOT))
        from tests import bigdata

        bigdata.generate()
        add_meetings(int(kind.split(":")[1]))
    add_files()
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("sekreterare", "s@example.se", "lösenord")


def add_meetings(count: int) -> None:
    """Held meetings spread over the bodies of 2023, with agenda and attendance."""
    from django.utils import timezone

    from bodies.models import Body
    from meetings.models import AgendaItem, Attachment, Attendance, Meeting

    bodies = list(Body.objects.filter(period__start__year=2023).order_by("pk"))
    tz = timezone.get_current_timezone()
    meetings = []
    for number in range(count):
        day = datetime.date(2023, 1, 10) + datetime.timedelta(days=(number * 7) % 340)
        start = datetime.datetime.combine(day, datetime.time(9 + number % 4), tzinfo=tz)
        meetings.append(
            Meeting(
                body=bodies[number % len(bodies)],
                start=start,
                end=start + datetime.timedelta(hours=2),
                status=Meeting.Status.HELD,
                place="Regionens hus",
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, number=n, title=f"Ärende {n}", decision="Rådet beslutar …")
        for meeting in meetings
        for n in range(1, 5)
    )
    Attachment.objects.bulk_create(
        Attachment(agenda_item=item, title=f"Bilaga {item.number}")
        for item in items
        if item.number <= 2
    )
    attendance: list[Attendance] = []
    for meeting in meetings:
        # The generated registry seats its busiest person twice in some bodies.
        by_person = {row.person_id: row for row in reversed(meeting.default_attendance())}
        attendance.extend(by_person.values())
    Attendance.objects.bulk_create(attendance)


def add_files() -> None:
    """A PDF-sized file of random bytes (incompressible) for every minutes and attachment."""
    from django.core.files.base import ContentFile

    from meetings.models import Attachment, Meeting

    for meeting in Meeting.objects.filter(status=Meeting.Status.HELD):
        meeting.minutes.save("protokoll.pdf", ContentFile(pdf_bytes(MINUTES_BYTES)), save=False)
        Meeting.objects.filter(pk=meeting.pk).update(minutes=meeting.minutes.name)
    for attachment in Attachment.objects.all():
        attachment.document.save("bilaga.pdf", ContentFile(pdf_bytes(ATTACHMENT_BYTES)), save=False)
        Attachment.objects.filter(pk=attachment.pk).update(document=attachment.document.name)


def pdf_bytes(size: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(size - 16) + b"\n%%EOF\n"


def counts() -> None:
    """Print the rows of every table and the names of the stored files, as JSON."""
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.db import models

    from samverkan.backup import backed_up_models, stored_files

    rows = {m._meta.label_lower: models.QuerySet(m).count() for m in backed_up_models()}
    print(json.dumps({"rows": rows, "files": list(stored_files(default_storage))}))


# Running the cases -----------------------------------------------------------------------


def timed(environ: dict, *args: str) -> float:
    """Run a command in a fresh process; return its wall-clock time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **environ, "DJANGO_SETTINGS_MODULE": "samverkan.settings"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def step(environ: dict, name: str) -> str:
    """Run a step of this script in a fresh process; return the last line it printed."""
    done = subprocess.run(
        [sys.executable, __file__, "--step", name],
        cwd=ROOT,
        env={**os.environ, **environ, "DJANGO_SETTINGS_MODULE": "samverkan.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().rpartition("\n")[2]


def fresh_postgresql(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_postgresql(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def run_case(name: str, kind: str, database: str, folder: Path, postgresql: str | None) -> dict:
    if postgresql:
        parts = urlsplit(postgresql)
        first = urlunsplit(parts._replace(path=parts.path + "_a"))
        second = urlunsplit(parts._replace(path=parts.path + "_b"))
        fresh_postgresql(first)
        fresh_postgresql(second)
    else:
        first = f"sqlite:///{folder / 'a.sqlite3'}"
        second = f"sqlite:///{folder / 'b.sqlite3'}"
    source = {"DATABASE_URL": first, "MEDIA_ROOT": str(folder / "media-a"), "LOG_LEVEL": "WARNING"}
    target = {"DATABASE_URL": second, "MEDIA_ROOT": str(folder / "media-b"), "LOG_LEVEL": "WARNING"}
    archive = folder / "backup.zip"
    try:
        step(source, f"build:{kind}")
        before = json.loads(step(source, "counts"))
        backup = timed(source, "manage.py", "backup", str(archive), "-v0")
        migrate = timed(target, "manage.py", "migrate", "-v0")
        restore = timed(target, "manage.py", "restore", str(archive), "-v0")
        after = json.loads(step(target, "counts"))
        if after != before:
            raise SystemExit(f"{name}: the restored registry differs from the original")
        files = sum(
            path.stat().st_size for path in (folder / "media-b").rglob("*") if path.is_file()
        )
        return {
            "name": name,
            "database": database,
            "rows": sum(before["rows"].values()),
            "files": len(before["files"]),
            "file_mb": files / 1024 / 1024,
            "archive_mb": archive.stat().st_size / 1024 / 1024,
            "backup": backup,
            "migrate": migrate,
            "restore": restore,
        }
    finally:
        if postgresql:
            drop_postgresql(first)
            drop_postgresql(second)
        for path in ("media-a", "media-b"):
            shutil.rmtree(folder / path, ignore_errors=True)
        archive.unlink(missing_ok=True)


def machine() -> str:
    return f"{os.cpu_count()} cores ({processor()}), Python {platform.python_version()}"


def table(results: list[dict], started: str, load: tuple[float, float]) -> str:
    lines = [
        MARK_START,
        f"Measured {started} by `scripts/benchmark_backup.py` on {machine()}; load average "
        f"{load[0]:.1f} before and {load[1]:.1f} after (other work on the machine slows "
        "these wall-clock figures). Each time is the whole command, Python's start included.",
        "",
        "| registry | database | rows | files | archive | backup | migrate a new database "
        "| restore |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result['name']} | {result['database']} | {thousands(result['rows'])} "
            f"| {thousands(result['files'])} ({result['file_mb']:.0f} MB) "
            f"| {result['archive_mb']:.0f} MB "
            f"| {result['backup']:.1f} s | {result['migrate']:.1f} s "
            f"| {result['restore']:.1f} s |"
        )
    lines += ["", "What each registry holds:", ""]
    lines += [f"- {name}: {description}." for name, _, description in CASES]
    lines.append(MARK_END)
    return "\n".join(lines)


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "docs" / "operations.md"))
    parser.add_argument("--postgresql", help="also run on PostgreSQL, e.g. postgres://…/name")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        sys.path.insert(0, str(ROOT))
        if args.step == "counts":
            counts()
        else:
            build(args.step.split(":", 1)[1])
        return
    started = datetime.date.today().isoformat()
    load_before = os.getloadavg()[0]
    results = []
    databases = [("SQLite", None)] + ([("PostgreSQL", args.postgresql)] if args.postgresql else [])
    for name, kind, _ in CASES:
        for database, url in databases:
            with tempfile.TemporaryDirectory() as folder:
                result = run_case(name, kind, database, Path(folder), url)
            print(json.dumps(result), file=sys.stderr)
            results.append(result)
    text = table(results, started, (load_before, os.getloadavg()[0]))
    if args.output == "-":
        print(text)
        return
    document = Path(args.output).read_text(encoding="utf-8")
    before, _, rest = document.partition(MARK_START)
    _, _, after = rest.partition(MARK_END)
    Path(args.output).write_text(before + text + after, encoding="utf-8")


if __name__ == "__main__":
    main()
