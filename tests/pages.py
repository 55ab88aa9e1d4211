"""Reading public pages in tests the way a visitor does: visible text, rows, sections."""

import datetime
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

# Every public request reads the registry's change stamp once, before the page's own
# queries (samverkan/public_cache.py): page budgets below are the page's own.
STAMP_QUERIES = 1

# The day the page tests live on: inside the 2023–2026 period, as in the brief.
TODAY = datetime.date(2026, 11, 22)


def freeze_today(monkeypatch, day=TODAY):
    """Make ``timezone.localdate()`` (what models and views call "today") return the day."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


class _Text(HTMLParser):
    """Collect visible text; with ``only``, one chunk per element of that tag name."""

    hidden = {"script", "style", "title", "head"}

    def __init__(self, only=None):
        super().__init__()
        self.only = only
        self.depth = 0
        self.chunks = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.hidden:
            self.skip += 1
        if tag == self.only:
            self.depth += 1
            if self.depth == 1:
                self.chunks.append([])

    def handle_endtag(self, tag):
        if tag in self.hidden:
            self.skip -= 1
        if tag == self.only:
            self.depth -= 1

    def handle_data(self, data):
        if self.skip:
            return
        if self.only is None:
            if not self.chunks:
                self.chunks.append([])
            self.chunks[-1].append(data)
        elif self.depth:
            self.chunks[-1].append(data)

    def texts(self):
        return [squash(" ".join(chunk)) for chunk in self.chunks]


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


class Page:
    """A rendered page: its HTML and what a reader sees in it."""

    def __init__(self, response):
        self.response = response
        self.html = response.content.decode()

    @property
    def text(self):
        parser = _Text()
        parser.feed(self.html)
        return " ".join(parser.texts())

    @property
    def h1(self):
        return [
            squash(re.sub(r"<[^>]+>", " ", h))
            for h in re.findall(r"<h1[^>]*>(.*?)</h1>", self.html, re.S)
        ]

    def rows(self):
        """The visible text of every table row."""
        parser = _Text(only="tr")
        parser.feed(self.html)
        return parser.texts()

    def row_with(self, needle):
        matches = [row for row in self.rows() if needle in row]
        assert matches, f"no table row contains {needle!r}"
        return matches[0]

    def section(self, heading_id):
        """The visible text of the <section aria-labelledby="heading_id">."""
        match = re.search(
            rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', self.html, re.S
        )
        assert match, f"no section labelled by {heading_id!r}"
        parser = _Text()
        parser.feed(match.group(1))
        return " ".join(parser.texts())


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return Page(response)


def management(prefix, total=0, initial=0):
    """The management form of an admin formset (inline) with `total` rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rename_bodies_in_another_process(name):
    """Rename every body from a new Python process on the test database (PostgreSQL):
    a write the page cache of this process did not see coming."""
    if connection.vendor != "postgresql":
        pytest.skip("another process reaches the test database on PostgreSQL only")
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); from bodies.models import Body; "
            "Body.objects.update(name=sys.argv[1])",
            name,
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        check=True,
        capture_output=True,
    )
