"""What a fresh server process would otherwise do on its first requests, done at start.

A new gunicorn worker (at start, and again after each ``--max-requests``) paid for its
first public page with the import of the URL configuration (and with it every view
and the API's schemas), the reverse-lookup tables of each language, the compilation
of every template the page includes, the chart's font metrics and the translation
catalogues: about 0.6 s of CPU on top of a 25 ms page, which showed as one slow cold
request per server run in docs/benchmarks.md. ``samverkan/wsgi.py`` calls
``warm_up()`` once per process before it serves (under ``gunicorn --preload``, once in
the master, shared by the workers it forks).

Nothing here opens a database connection (a connection made before a fork would be
shared by the workers), and nothing here is needed for correctness: each piece is
what the first request would have built anyway, into the same process-wide caches.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# The staff side's templates are compiled when staff first need them.
SKIPPED_TEMPLATE_DIRS = ("admin",)


def warm_up():
    """Load URL patterns, reverse tables, templates, catalogues and font metrics."""
    patterns = get_resolver().url_patterns  # imports every view module and the API schemas
    logger.debug("warm-up: %d URL patterns", len(patterns))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # The reverse tables are kept per language; building one reads every pattern.
            reverse("bodies:start")
    _compile_templates()
    from bodies import chart

    # The chart measures its text with the shipped font: two fonts, read once each.
    chart.text_width("Å", 10)
    chart.text_width("Å", 10, bold=True)


def _compile_templates():
    """Every public template of the project, into the cached loader."""
    for folder in settings.TEMPLATES[0]["DIRS"]:
        folder = Path(folder)
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if name.startswith(tuple(f"{skipped}/" for skipped in SKIPPED_TEMPLATE_DIRS)):
                continue
            try:
                get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                # A broken template fails on its own page, as it would without this.
                logger.exception("warm-up: template %s", name)
