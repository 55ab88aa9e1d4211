"""Query-string fuzz of every public address: each pattern of the URL conf, in both
languages, with real ids and slugs of the Örebro registry, asked with known parameter
names and garbage values. No answer is a server error or shows a traceback; a refusal
(400, 404) shown as a page is written in the address's language.

tests/test_api_fuzz.py sends garbage addresses to the API on a small registry; this
sends garbage query strings to every page and endpoint on the real one. Runs on SQLite
and PostgreSQL (PostgreSQL refuses a NUL character in any text it is sent).
"""

import functools
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.admin import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bodies.models import Body, ChangeStamp, CountyPart, MandatePeriod, Organisation, Seat
from meetings.models import Attachment, Meeting
from meetings.views import FEED_ALL_PARAM
from members.models import Appointment, Party, Person
from members.views import ATTENDANCE_PAGE_PARAM, SEATS_PAGE_PARAM
from samverkan import opendata
from samverkan.api.views import openapi
from samverkan.files import structure_json
from samverkan.pdf_queue import RENDERERS
from tests.pages import freeze_today

pytestmark = pytest.mark.django_db

# Addresses that are not public pages: the admin (fuzzed below as a signed-in
# secretary), the second sign-in step, and the patterns without a name (the favicon
# redirect, the API's JSON 404 for any other address, media files in development).
NOT_PUBLIC = {"second_factor"}


def _routes(patterns, namespace=None, localised=False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _routes(
                pattern.url_patterns,
                pattern.namespace or namespace,
                localised or isinstance(pattern.pattern, LocalePrefixPattern),
            )
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in NOT_PUBLIC:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, tuple(pattern.pattern.converters), localised


ROUTES = {
    name: (params, localised) for name, params, localised in _routes(get_resolver().url_patterns)
}

# The parameters the views read (bodies/, members/, meetings/ views) and the API's.
API_PARAMETERS = {
    parameter["name"]
    for item in openapi()["paths"].values()
    for parameter in item["get"].get("parameters", [])
    if parameter["in"] == "query"
}
PARAMETERS = sorted(
    {
        "q",
        "typ",
        "datum",
        "fran",
        "till",
        "sida",
        SEATS_PAGE_PARAM,
        ATTENDANCE_PAGE_PARAM,
        "organ",
        "organisation",
        "lansdel",
        "visa",
        "tid",
        "manad",
        "ar",
        FEED_ALL_PARAM,
        "language",
    }
    | API_PARAMETERS
)
GARBAGE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\t\r\n",
    "-1",
    "0",
    "99999999999999999999999",
    "-99999999999999999999999",
    "1e400",
    "NaN",
    "1.5",
    "٣",  # a digit, but not an ASCII one
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02",
    "2024-00",
    "-2024",
    "2024-01-01T25:00",
    "2023-2026",
    "2019-2022",
    "manad",
    "tidigare",
    "network",
    "/",
    "%",
    "%00",
    "'; DROP TABLE bodies_body; --",
    "<script>alert(1)</script>",
    "\ud7ff\ue000\U0010ffff",
    "Örebro",
    "x" * 5000,
]
values = st.one_of(st.sampled_from(GARBAGE), st.text(max_size=30))
names = st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8))
pairs = st.lists(st.tuples(names, values), max_size=6)
# Repeated keys, up to past the number of fields Django reads in one request (a 400).
FLOOD = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
repeated = st.builds(
    lambda name, value, times: [(name, value)] * times,
    names,
    values,
    st.sampled_from([2, 50, FLOOD]),
)
queries = st.one_of(pairs, repeated)

FUZZ = settings(
    # Few random examples: the sweep already sends every fixed bad value to every address.
    max_examples=2,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@functools.cache
def _pair(name, value):
    # Surrogates cannot be sent as UTF-8: the client sends what a browser would.
    return (
        quote(name.encode("utf-8", "replace"), safe="")
        + "="
        + quote(value.encode("utf-8", "replace"), safe="")
    )


def encoded(query):
    # Each pair is quoted once: a flood repeats one pair thousands of times.
    return "&".join(_pair(name, value) for name, value in query)


def real_values():
    """Real ids and slugs for each URL parameter, a few of each."""
    period = MandatePeriod.objects.current()
    bodies = list(Body.objects.filter(period=period).order_by("pk")[:3])
    meetings = list(Meeting.objects.order_by("pk")[:3])
    appointment = Appointment.objects.order_by("pk").first()
    return {
        "slug": [p.slug for p in MandatePeriod.objects.all()]
        + [o.slug for o in Organisation.objects.order_by("pk")[:2]]
        + [c.slug for c in CountyPart.objects.all()[:1]]
        + [b.slug for b in bodies[:1]]
        + [Person.objects.filter(appointments__isnull=False).first().slug],
        "period_slug": [period.slug],
        "period": [period.slug],
        "body_slug": [b.slug for b in bodies],
        "organisation_slug": [o.slug for o in Organisation.objects.order_by("pk")[:2]],
        "kind": ["csv", "xlsx", "pdf"],
        "pk": [m.pk for m in meetings],
        "attachment_pk": list(Attachment.objects.values_list("pk", flat=True)[:2]),
        "abbreviation": list(Party.objects.values_list("abbreviation", flat=True)[:2]),
        "id": [str(Seat.objects.first().pk), str(appointment.pk), str(meetings[0].pk)],
    }


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


def check(response, url, language):
    assert response.status_code < 500, (url, response.status_code)
    text = response.content.decode("utf-8", "replace") if not response.streaming else ""
    assert "Traceback" not in text, url
    if response.status_code in (400, 404) and "text/html" in response.get("Content-Type", ""):
        # The refusal is a page of the site, in the address's language, not Django's own.
        assert f'<html lang="{language}">' in text, (url, text[:300])
        assert "<main" in text and "Bad Request" not in text and "Not Found" not in text, url


@pytest.fixture
def quick_pdfs(monkeypatch):
    """PDFs that take no time to lay out: the query string decides at most the day,
    which the view checks before it asks for the PDF (tests/test_export_pdf.py renders
    the real ones)."""
    renderers = {kind: (lambda *args: b"%PDF-1.7 " + repr(args).encode()) for kind in RENDERERS}
    monkeypatch.setattr("samverkan.pdf_queue.RENDERERS", renderers)


@pytest.fixture
def zip_data_made_once(monkeypatch):
    """The open-data ZIP's tables and structure file, made for real at the first request
    and kept while the registry stays the same. They are read from the period alone
    (``period_zip`` reads no query string); the view still runs whole for every
    address, and making them 40 times was a fifth of this test's time."""

    def once(function):
        made = {}

        def kept(*args, **kwargs):
            stamp = ChangeStamp.read()
            key = (
                stamp.version,
                stamp.changed_at,
                timezone.localdate(),
                translation.get_language(),
                repr([getattr(arg, "pk", arg) for arg in args]),
                repr(sorted(kwargs.items())),
            )
            if key not in made:
                made[key] = function(*args, **kwargs)
            return made[key]

        return kept

    monkeypatch.setattr(opendata, "tables", once(opendata.tables))
    monkeypatch.setattr(structure_json, "export", once(structure_json.export))


def sweep(client, name, real, params, localised):
    """Every garbage value in every known parameter at once, the languages taking turns:
    the cases a few random examples would leave to chance."""
    kwargs = {param: real[param][0] for param in params}
    languages = ["sv", "en"] if localised else ["sv"]
    for number, value in enumerate(GARBAGE):
        language = languages[number % len(languages)]
        with translation.override(language):
            address = reverse(name, kwargs=kwargs)
        url = f"{address}?{encoded((parameter, value) for parameter in PARAMETERS)}"
        check(client.get(url), url, language)
    url = f"{address}?{encoded([('sida', '2')] * FLOOD)}"
    check(client.get(url), url, language)


def fuzzer(client, name, arguments, languages):
    @given(kwargs=arguments, language=languages, query=queries)
    @FUZZ
    def fuzz(kwargs, language, query):
        with translation.override(language):
            url = f"{reverse(name, kwargs=kwargs)}?{encoded(query)}"
        check(client.get(url), url, language)

    return fuzz


def test_no_query_string_makes_a_page_fail(
    client, orebro_meetings, quick_pdfs, zip_data_made_once, subtests
):
    # One test for every address: the registry is restored once, not once per address.
    real = real_values()
    assert all(real.values())
    for name, (params, localised) in sorted(ROUTES.items()):
        arguments = st.fixed_dictionaries({p: st.sampled_from(real[p]) for p in params})
        languages = st.sampled_from(["sv", "en"] if localised else ["sv"])
        with subtests.test(address=name):
            sweep(client, name, real, params, localised)
            fuzzer(client, name, arguments, languages)()


def test_too_many_query_fields_get_a_page_of_the_site(client):
    flood = encoded([("q", "1")] * FLOOD)
    page = client.get(f"/sok/?{flood}")
    assert page.status_code == 400
    assert '<html lang="sv">' in page.text and "<h1>Frågan kunde inte läsas</h1>" in page.text
    english = client.get(f"/en/sok/?{flood}")
    assert "<h1>The request could not be read</h1>" in english.text
    api = client.get(f"/api/v1/periods/?{flood}")
    assert api.status_code == 400
    assert api.json() == {"error": "The request could not be read."}


# The admin's lists: the search box and the list's own parameters (filters,
# ordering, page), each with the worst values, as a registry
# secretary sees them.
ADMIN_PARAMETERS = ["o", "p", "all", "period", "body", "att_atgarda", "body__id__exact"]
WORST = ["\x00", " ", "99999999999999999999999", "x" * 5000]


def test_no_query_string_makes_an_admin_list_fail(client, orebro_meetings, roles, subtests):
    client.force_login(roles("sekreterare", registry_secretary=True))
    for model in sorted(admin_site._registry, key=str):
        address = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        queries = [[("q", value)] for value in WORST]
        queries += [[(name, value)] for name in ADMIN_PARAMETERS for value in WORST]
        with subtests.test(address=address):
            for query in queries:
                url = f"{address}?{encoded(query)}"
                response = client.get(url)
                if response.status_code == 403:
                    # A list the secretary may not see: refused with or without a query.
                    assert client.get(address).status_code == 403, url
                    break
                check(response, url, "sv")
