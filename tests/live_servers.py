"""Real servers for the tests that need several processes: gunicorn app servers and
task workers on one PostgreSQL database, started from this checkout's code with the
production settings, as a deployment runs them (docs/deployment.md)."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import psycopg
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Deployment:
    """A database of its own (not the test database: the servers are other processes
    and must see committed data), migrated and loaded with the Örebro structure, and
    the processes started on it; everything is stopped and dropped on exit."""

    def __init__(self, tmp_path, host="127.0.0.1", port=5432, user="postgres", **environment):
        self.name = f"samverkan_live_{os.getpid()}"
        self.admin_dsn = f"host={host} port={port} user={user} dbname=postgres"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samverkan.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"postgres://{user}@{host}:{port}/{self.name}",
            "CACHE_URL": "db://",
            "TASKS_BACKEND": "database",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "LOG_LEVEL": "WARNING",
            **environment,
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.processes = []
        self.logs = tmp_path

    def __enter__(self):
        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.manage("migrate", "--no-input", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        self.manage("load_structure", "fixtures/orebro.toml", "-v0")
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def manage(self, *args, **extra_env):
        done = subprocess.run(
            [BIN / "python", "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stderr[-3000:]}"
        return done.stdout

    def _start(self, name, command):
        # The child keeps its own copy of the log file's descriptor.
        with open(self.logs / f"{name}.log", "w") as log:
            process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=log)
        self.processes.append(process)
        return process

    def start_server(self, name, workers=2):
        """A gunicorn app server as in docs/deployment.md; its address once /healthz says 200."""
        port = free_port()
        command = f"gunicorn samverkan.wsgi --bind 127.0.0.1:{port} --workers {workers}"
        options = "--worker-class gthread --threads 4 --timeout 120"
        process = self._start(name, [BIN / "gunicorn", *f"{command} {options}".split()[1:]])
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, (self.logs / f"{name}.log").read_text()
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    return base
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{name} did not become healthy")

    def server_pids(self):
        """The gunicorn worker processes (children of each master), for memory readings."""
        pids = []
        for process in self.processes:
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            if children.exists():
                pids += [int(pid) for pid in children.read_text().split()]
        return pids

    def start_worker(self, name):
        return self._start(name, [BIN / "python", "manage.py", "db_worker", "--interval", "0.2"])

    def query(self, sql, *params):
        dsn = self.admin_dsn.replace("dbname=postgres", f"dbname={self.name}")
        with psycopg.connect(dsn) as connection:
            return connection.execute(sql, params).fetchall()


class Browser:
    """Requests with the cookies kept by hand: the production settings mark them
    Secure, which a cookie jar would not send back over the plain http of a test."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            urljoin(self.base, path),
            headers=headers,
            allow_redirects=False,
            timeout=120,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def log_in(self, username, password):
        page = self.get("/admin/login/")
        form = dict(FormValues.of(page.text, "login-form"))
        response = self.post("/admin/login/", {**form, "username": username, "password": password})
        assert response.status_code == 302, response.text[:2000]


class FormValues(HTMLParser):
    """What a browser would post from one form of a page: its fields' current values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values = []
        self.select = None
        self.textarea = None

    @classmethod
    def of(cls, html, form_id):
        parser = cls(form_id)
        parser.feed(html)
        assert parser.values, f"no form #{form_id}"
        return parser.values

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append(tuple(self.textarea))
            self.textarea = None
