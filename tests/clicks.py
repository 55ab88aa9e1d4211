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


class _Forms(HTMLParser):
    """The page's forms (not the logout button) with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms = []  # dicts: method, action, values, names
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = None
            if attrs.get("id") != "logout-form":
                self._form = {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "values": {},
                    "names": set(),
                }
                self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        kind = (attrs.get("type") or "text").lower()
        name = attrs.get("name")
        if tag in ("input", "select", "textarea") and name:
            form["names"].add(name)
        if tag == "input" and name and kind not in ("submit", "button", "image"):
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["values"][name] = attrs.get("value", "on")
            else:
                form["values"][name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            form["values"].setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            form["values"][self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
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

    def click(self, text, href=""):
        """Follow the first link whose text is (or starts with) ``text`` (and whose
        address contains ``href``, where two links say the same)."""
        parser = _Links()
        parser.feed(self.response.content.decode())
        for link_text, link_href in parser.links:
            if (link_text == text or link_text.startswith(text)) and href in link_href:
                self.clicks += 1
                self._get(urljoin(self.url, unescape(link_href)))
                return self
        raise AssertionError(f"No link {text!r} on {self.url}")

    def download(self, text, href=""):
        """Follow a download link: a click and a request, but the page stays where it is
        (a browser saves the file). Returns the file's bytes."""
        page = (self.url, self.response)
        self.click(text, href)
        content = self.response.content
        self.url, self.response = page
        return content

    def submit(self, data):
        """Fill in a form and press its button: one click, the page load(s) it makes.

        The form is the first on the page that has every field in ``data``; its other
        fields are sent as the page shows them. A redirect is followed (a page load).
        """
        parser = _Forms()
        parser.feed(self.response.content.decode())
        forms = [form for form in parser.forms if set(data) <= form["names"]]
        assert forms, f"No form with {sorted(data)} on {self.url}"
        form = forms[0]
        self.clicks += 1
        self.page_loads += 1
        url = urljoin(self.url, unescape(form["action"])) if form["action"] else self.url
        # Files (open file objects, or a list of them) are sent as they are.
        typed = {
            k: v if hasattr(v, "read") or isinstance(v, list) else str(v) for k, v in data.items()
        }
        values = {**form["values"], **typed}
        if form["method"] == "get":
            self.url = url.split("?")[0].split("#")[0]
            self.response = self.client.get(self.url, values)
            self.url += "?" + "&".join(f"{k}={v}" for k, v in values.items())
            return self
        response = self.client.post(url, values)
        self.response = response
        if response.status_code == 302:
            self._get(urljoin(url, response["Location"]))
        return self

    def _get(self, url):
        self.page_loads += 1
        self.url = url
        self.response = self.client.get(url)
        assert self.response.status_code == 200, (url, self.response.status_code)
