"""Every public page, found by crawling from the start page: axe-core finds no WCAG 2.0/2.1
A or AA violation, every control shows a visible focus indicator, the page fits a 320 px
wide screen (400 % zoom) without horizontal scrolling, its footer links to the
accessibility statement, and the browser reports no blocked script or style and no
script error.

One visit per page does all the checks: the crawl is the slow part.
"""

import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from tests.browser.crawl import Crawl, fixed_public_paths

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# A search with hits is a page the crawl would not find by links alone.
START_PATHS = ("/", "/sok/?q=Rymo%C3%A9n")


def start_paths():
    """The start page, a search, and every public page whose address has no parameter.

    Pages with parameters (a body, a person) are found through links; the fixed
    ones are also taken from the URLconf so that a page nobody links to yet is
    checked all the same.
    """
    return (*START_PATHS, *fixed_public_paths())


# What sticks out to the right of a 320 px wide screen, for the failure message.
OVERFLOW = """() => {
  const root = document.scrollingElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
    .filter((el) => !el.closest(".visually-hidden"))
    .slice(-5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
         + " " + Math.round(el.getBoundingClientRect().right) + "px");
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


# Every control, focused in turn after a key press (so the browser shows focus as it
# does for the keyboard): those without a visible focus indicator.
NO_VISIBLE_FOCUS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";
  const missing = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.disabled || !el.getClientRects().length) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    if (!el.matches(":focus-visible") || !(outline || style.boxShadow !== "none")) {
      missing.push(el.outerHTML.slice(0, 80));
    }
  }
  document.activeElement.blur();
  return missing;
}"""


def axe_violations(axe, page):
    result = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in result.response["violations"]
    ]


def test_every_public_page_is_accessible_and_fits_a_narrow_screen(site, page):
    axe = Axe()
    # Two pages of each URL shape: every page type, in reasonable time (CI < 20 min).
    crawl = Crawl(site, start_paths(), per_shape=2)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(f"{page.url}: {message.text} {message.location}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: console.append(f"{page.url}: {error}"))
    problems, checked, downloads = {}, [], []
    started = time.monotonic()

    for url in crawl:
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                downloads.append(url)
                continue
            raise
        if "text/html" not in (response.headers.get("content-type") or ""):
            downloads.append(url)
            continue
        found = []
        if response.status != 200:
            found.append(f"HTTP {response.status}")
        else:
            crawl.follow_links(page)
            found += axe_violations(axe, page)
            page.keyboard.press("Tab")
            for control in page.evaluate(NO_VISIBLE_FOCUS)[:5]:
                found.append(f"no visible focus on {control}")
            if not page.locator("footer a[href$='/tillganglighet/']").count():
                found.append("no link to the accessibility statement in the footer")
            page.set_viewport_size({"width": 320, "height": 800})
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                found.append(f"scrolls sideways at 320 px: {overflow}")
            page.set_viewport_size({"width": 1280, "height": 900})
        checked.append(url)
        if found:
            problems[url.removeprefix(site)] = found

    report = "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in sorted(problems.items()))
    print(
        f"\nCrawled {len(checked)} pages of {len(crawl.shapes)} shapes "
        f"in {time.monotonic() - started:.1f} s; {len(downloads)} downloads skipped."
    )
    print("\n".join(f"  {k}: {len(v)}" for k, v in sorted(crawl.shapes.items())))
    assert len(checked) >= 20, f"the crawl found too few pages: {checked}"
    assert not problems, f"{len(problems)} of {len(checked)} pages have problems:\n{report}"
    assert not console, "the browser reported errors:\n" + "\n".join(console)
