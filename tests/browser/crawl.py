"""Finding every public page by following links from the start page, as a visitor would.

Pages are grouped by their URL pattern (Django's route) plus the names of their query
parameters; a few pages of each shape are enough, so a calendar's "next month" link
cannot lead the crawl on for ever. New pages are found without editing any test.
"""

import re
from collections import deque
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

# Files to download, not pages to read.
DOWNLOADS = re.compile(r"\.(pdf|csv|xlsx|ods|ics|zip|png|jpe?g|svg|docx?)$", re.I)
SKIPPED_PREFIXES = ("/admin/", "/en/admin/", "/i18n/", "/static/", "/media/")

LINKS_AND_FORMS = """() => {
  // An SVG link's href is an SVGAnimatedString: resolve its attribute instead.
  const urls = [...document.querySelectorAll("a[href]")].map((a) =>
    typeof a.href === "string" ? a.href : new URL(a.getAttribute("href"), document.baseURI).href);
  for (const form of document.querySelectorAll("form")) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") continue;
    const params = new URLSearchParams(new FormData(form));
    urls.push(form.action + "?" + params.toString());
  }
  return urls;
}"""


def shape(path, query):
    """The URL pattern a path belongs to, e.g. ``perioder/<slug:period_slug>/?datum``."""
    try:
        route = resolve(path).route
    except Resolver404:
        route = re.sub(r"\d+", "<n>", path)
    keys = sorted({key for key, value in parse_qsl(query, keep_blank_values=True) if value})
    return route + ("?" + "&".join(keys) if keys else "")


def fixed_public_paths():
    """Every path in the URLconf that takes no parameter, except the admin and downloads."""
    paths = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters
            ):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                path = reverse(name)
                if not path.startswith(SKIPPED_PREFIXES) and not DOWNLOADS.search(path):
                    paths.append(path)

    walk(get_resolver().url_patterns, None)
    return paths


class Crawl:
    """A breadth-first walk over same-site links, at most ``per_shape`` pages per shape."""

    def __init__(self, base_url, start_paths=("/",), per_shape=3):
        self.base = urlsplit(base_url)
        self.per_shape = per_shape
        self.queue = deque()
        self.seen = set()
        self.shapes = {}
        for path in start_paths:
            self.offer(urljoin(base_url, path))

    def normalise(self, url):
        """The URL without fragment and empty parameters, or None if it is not a page here."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != self.base.netloc:
            return None
        path = parts.path or "/"
        if path.startswith(SKIPPED_PREFIXES) or DOWNLOADS.search(path):
            return None
        query = urlencode(
            sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if v)
        )
        return urlunsplit((parts.scheme, parts.netloc, path, query, ""))

    def offer(self, url):
        url = self.normalise(url)
        if url is None or url in self.seen:
            return
        self.seen.add(url)
        parts = urlsplit(url)
        key = shape(parts.path, parts.query)
        if len(self.shapes.setdefault(key, [])) >= self.per_shape:
            return
        self.shapes[key].append(url)
        self.queue.append(url)

    def __iter__(self):
        while self.queue:
            yield self.queue.popleft()

    def follow_links(self, page):
        for url in page.evaluate(LINKS_AND_FORMS):
            self.offer(url)
