"""Counting a secretary's clicks and page loads with the test client.

``Journey`` follows links as a person does: it finds a link by its visible (and
screen-reader) text on the page it is on, and posts forms found on the page with
the values a person would type. Every GET and POST is a page load; following a
link or pressing a button is a click. Used by tests and ``scripts/admin_clicks.py``.
"""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (text, href)
        self._open = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append([dict(attrs).get("href", ""), ""])

    def handle_data(self, data):
        for link in self._open:
            link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((re.sub(r"\s+", " ", text).strip(), href))


class _PostForm(HTMLParser):
    """The values of the page's post form as a browser would send them untouched."""

    def __init__(self, index):
        super().__init__()
        self.index = index
        self.seen = -1
        self.inside = False
        self.action = ""
        self.values = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        is_post = (attrs.get("method") or "").lower() == "post"
        if tag == "form" and is_post and attrs.get("id") != "logout-form":
            self.seen += 1
            self.inside = self.seen == self.index
            if self.inside:
                self.action = attrs.get("action") or ""
        if not self.inside:
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and attrs.get("name") and kind not in ("submit", "button"):
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[attrs["name"]] = attrs.get("value", "on")
            else:
                self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None


class Journey:
    """A person in the admin: where they are, how many clicks and page loads so far."""

    def __init__(self, client):
        self.client = client
        self.clicks = 0
        self.page_loads = 0
        self.url = None
        self.response = None

    def open(self, url):
        """Type an address (or start from a bookmark): a page load, no click."""
        self._get(url)
        return self

    def click(self, text):
        """Follow the first link whose text is (or starts with) ``text``."""
        parser = _Links()
        parser.feed(self.response.content.decode())
        for link_text, href in parser.links:
            if link_text == text or link_text.startswith(text):
                self.clicks += 1
                self._get(urljoin(self.url, unescape(href)))
                return self
        raise AssertionError(f"No link {text!r} on {self.url}")

    def submit(self, data, form=0):
        """Fill in the page's post form and press its button: one click, the post and
        the redirect. Fields not in ``data`` are sent as the page shows them."""
        parser = _PostForm(form)
        parser.feed(self.response.content.decode())
        assert parser.seen >= form, f"No post form on {self.url}"
        self.clicks += 1
        self.page_loads += 1
        url = urljoin(self.url, unescape(parser.action)) if parser.action else self.url
        response = self.client.post(url, {**parser.values, **data})
        self.response = response
        if response.status_code == 302:
            self._get(urljoin(url, response["Location"]))
        return self

    def _get(self, url):
        self.page_loads += 1
        self.url = url
        self.response = self.client.get(url)
        assert self.response.status_code == 200, (url, self.response.status_code)
