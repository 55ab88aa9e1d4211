"""Time the admin's structure upload of a 2,000-body file: the request and the task.

    .venv/bin/python scripts/measure_import.py [--bodies-per-period 667]

Builds a registry of 3 periods × N bodies with tests/bigdata.py in a throw-away SQLite
database and exports it as a structure file (structure_json.export); then, in a second,
empty database, a registry secretary uploads that file in the admin (Django's test
client, the database task backend) and ``manage.py db_worker --batch`` imports it, as
the worker beside the server would. Prints the file's size and counts, the time until
the upload request returns and the time until the task has finished (the worker's
start included, and the job's own time from its record). Figures go to docs/admin.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_env(database):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "TASKS_BACKEND": "database",
        "PDF_PRERENDER": "0",
    }


def setup_django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(path, bodies_per_period):
    """Child 1: generate the registry and write its structure file."""
    setup_django()
    from django.core.management import call_command

    from samverkan.files import structure_json
    from tests.bigdata import generate

    call_command("migrate", verbosity=0)
    generate(bodies_per_period=bodies_per_period)
    Path(path).write_text(structure_json.dumps(structure_json.export()))


def upload(path):
    """Child 2: a registry secretary uploads the file; prints the request's seconds."""
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import user_with_roles

    call_command("migrate", verbosity=0)
    user = user_with_roles("sekreterare", registry_secretary=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    # A running server has its URLconf and templates loaded: so has this one.
    assert client.get(reverse("admin:bodies_mandateperiod_import")).status_code == 200
    # The body as a browser sends it, encoded before the clock starts: the time is the
    # server's (wall clock, and the process's CPU time, which a loaded machine does not
    # stretch).
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    content = Path(path).read_bytes()
    body = encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("structure.json", content, "application/json")}
    )
    started, cpu = time.monotonic(), time.process_time()
    response = client.generic(
        "POST", reverse("admin:bodies_mandateperiod_import"), body, MULTIPART_CONTENT
    )
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    assert response.status_code == 302, response.status_code
    print(json.dumps({"request_seconds": seconds, "request_cpu": cpu}))


def report():
    """Child 3: the job's record after the worker ran."""
    setup_django()
    from bodies.import_job import ImportJob
    from bodies.models import Body, Seat

    job = ImportJob.objects.get()
    print(
        json.dumps(
            {
                "status": job.status,
                "task_seconds": job.seconds,
                "bodies": Body.objects.count(),
                "seats": Seat.objects.count(),
                "summary": job.summary,
                "problems": job.problems[:5],
            }
        )
    )


def run(step, database, *args):
    return subprocess.run(
        [sys.executable, __file__, "--step", step, "--database", str(database), *args],
        env=child_env(database),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies-per-period", type=int, default=667)
    parser.add_argument("--step")
    parser.add_argument("--database")
    parser.add_argument("--file")
    parser.add_argument("--structure", help="a structure file to upload instead of building one")
    parser.add_argument("--request-only", action="store_true", help="time the upload only")
    args = parser.parse_args()
    if args.step == "build":
        return build(args.file, args.bodies_per_period)
    if args.step == "upload":
        return upload(args.file)
    if args.step == "report":
        return report()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        structure = tmp / "structure.json"
        run(
            "build",
            tmp / "source.db",
            "--file",
            str(structure),
            "--bodies-per-period",
            str(args.bodies_per_period),
        )
        data = json.loads(structure.read_text())
        print(
            f"File: {structure.stat().st_size / 1e6:.1f} MB, {len(data['bodies'])} bodies, "
            f"{sum(len(body.get('seats', [])) for body in data['bodies'])} seats"
        )
        target = tmp / "target.db"
        measured = json.loads(run("upload", target, "--file", str(structure)).splitlines()[-1])
        print(
            f"Upload request returned in {measured['request_seconds']:.2f} s "
            f"({measured['request_cpu']:.2f} s CPU)"
        )
        if args.request_only:
            return
        started = time.monotonic()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
            env=child_env(target),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        worker = time.monotonic() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (children.ru_utime + children.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
        result = json.loads(run("report", target).splitlines()[-1])
        print(
            f"Task: {result['status']} after {worker:.1f} s ({worker_cpu:.1f} s CPU; "
            "the worker's start included); "
            f"the import itself {result['task_seconds']:.1f} s; "
            f"{result['bodies']} bodies and {result['seats']} seats in the database"
        )
        print(f"Report: {result['summary']}")
        if result["problems"]:
            print("Problems:", result["problems"])


if __name__ == "__main__":
    main()
