"""Every admin page a registry secretary uses, found by crawling the admin from its index
as a logged-in registry secretary: axe-core finds no WCAG 2.0/2.1 A or AA violation.

The crawl follows links inside /admin/ (a few pages per URL pattern: a changelist with
and without filters, a few change forms, history pages, delete confirmations) and
starts, besides the index, from the largest forms: the RSR body form, the meeting of
29 September 2022 with its long attendance list, and carrying 2023–2026 forward.
"""

import json
import os
import time
from collections import Counter
from urllib.parse import urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe

from bodies.models import Body, MandatePeriod
from meetings.models import Meeting
from tests.browser.crawl import DOWNLOADS, Crawl
from tests.browser.test_every_page import AXE_OPTIONS
from tests.conftest import user_with_roles

# Links that leave the pages a secretary reads: signing out, downloads, scripts.
ADMIN_SKIPPED = ("/admin/logout/", "/admin/jsi18n/", "/admin/autocomplete/", "/admin/r/")


class AdminCrawl(Crawl):
    """The crawl of tests/browser/crawl.py, inside /admin/ instead of outside it."""

    def normalise(self, url):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != self.base.netloc:
            return None
        if not parts.path.startswith("/admin/") or parts.path.startswith(ADMIN_SKIPPED):
            return None
        if DOWNLOADS.search(parts.path) or "/export" in parts.path:
            return None
        return parts._replace(fragment="").geturl()

    def offer(self, url):
        url = self.normalise(url)
        if url is None or url in self.seen:
            return
        self.seen.add(url)
        parts = urlsplit(url)
        # One shape per route, and one more for the same route with a query (filters,
        # sorting, a search): their combinations would otherwise never end.
        from django.urls import Resolver404, resolve

        try:
            route = resolve(parts.path).route
        except Resolver404:
            return
        key = route + ("?" if parts.query else "")
        if len(self.shapes.setdefault(key, [])) >= self.per_shape:
            return
        self.shapes[key].append(url)
        self.queue.append(url)


def log_in(page, site, username):
    page.goto(site + "/admin/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("hemligt-123")
    page.get_by_role("button", name="Logga in").click()


def admin_start_paths():
    rsr = Body.objects.get(period__slug="2023-2026", slug="regionala-samverkansradet")
    meeting = Meeting.objects.filter(start__date="2022-09-29").first()
    period = MandatePeriod.objects.get(slug="2023-2026")
    paths = [
        "/admin/",
        f"/admin/bodies/body/{rsr.pk}/change/",
        f"/admin/bodies/body/{rsr.pk}/history/",
        f"/admin/bodies/body/{rsr.pk}/nomineringar/",
        f"/admin/bodies/mandateperiod/{period.pk}/fora-fram/",
        f"/admin/bodies/mandateperiod/{period.pk}/change/",
        "/admin/bodies/mandateperiod/importera/",
    ]
    if meeting is not None:
        paths.append(f"/admin/meetings/meeting/{meeting.pk}/change/")
    return paths


def page_type(path):
    """The kind of admin page, for the counts in docs/admin.md."""
    from django.urls import resolve

    match = resolve(urlsplit(path).path)
    return match.url_name or match.route


def test_every_admin_page_of_the_registry_secretary_is_accessible(site, page):
    user_with_roles("sekreterare", registry_secretary=True)
    log_in(page, site, "sekreterare")
    axe = Axe()
    crawl = AdminCrawl(site, admin_start_paths(), per_shape=1)
    problems, checked = {}, []
    per_type, per_rule = Counter(), Counter()
    started = time.monotonic()
    for url in crawl:
        response = page.goto(url)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        path = url.removeprefix(site)
        checked.append(path)
        if response.status != 200:
            problems[path] = [f"HTTP {response.status}"]
            continue
        crawl.follow_links(page)
        result = axe.run(page, options=AXE_OPTIONS)
        found = []
        for violation in result.response["violations"]:
            nodes = violation["nodes"]
            per_rule[violation["id"]] += len(nodes)
            per_type[page_type(path)] += len(nodes)
            found.append(
                f"{violation['id']} ×{len(nodes)}: {violation['help']} — "
                + "; ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
            )
        if found:
            problems[path] = found
    report = "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in sorted(problems.items()))
    print(
        f"\nCrawled {len(checked)} admin pages of {len(crawl.shapes)} shapes "
        f"in {time.monotonic() - started:.1f} s."
    )
    print("Violations per page type:", dict(sorted(per_type.items())))
    print("Violations per rule:", dict(per_rule.most_common()))
    if os.environ.get("AXE_REPORT"):  # the counts for docs/admin.md
        with open(os.environ["AXE_REPORT"], "w") as out:
            json.dump(
                {"pages": len(checked), "types": per_type, "rules": per_rule, "problems": problems},
                out,
                indent=1,
                ensure_ascii=False,
            )
    assert len(checked) >= 40, f"the crawl found too few admin pages: {checked}"
    assert urljoin(site, "/admin/") in crawl.seen
    assert not problems, f"{len(problems)} of {len(checked)} admin pages have problems:\n{report}"
