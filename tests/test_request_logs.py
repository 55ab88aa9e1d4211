"""Request ids and JSON logs: what an operator follows from the proxy's log into the app's."""

import io
import json
import logging
import re
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from samverkan.config import logging_config
from samverkan.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """The JSON lines the production handler writes, as dictionaries."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_every_answer_carries_a_request_id(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_proxys_request_id_is_kept_and_on_every_log_line(client, log_lines):
    response = client.get("/finns-inte/", HTTP_X_REQUEST_ID="nginx-7f3a9c")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "nginx-7f3a9c"
    lines = log_lines()
    # Django's own "Not Found" warning is written after the middleware has answered.
    assert {line["logger"] for line in lines} >= {"django.request", "samverkan.requests"}
    assert {line["request_id"] for line in lines} == {"nginx-7f3a9c"}


def test_the_request_line_says_what_was_asked_and_how_it_went(client, log_lines):
    client.get("/", HTTP_X_REQUEST_ID="abc")

    [line] = [line for line in log_lines() if line["logger"] == "samverkan.requests"]
    assert line["message"] == "GET / 200"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status_code"]) == ("GET", "/", 200)
    assert line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


@pytest.mark.parametrize("given", ["two\nlines", "x" * 129, "<script>", "räksmörgås", "a b", ""])
def test_a_request_id_that_could_forge_log_lines_is_replaced(client, log_lines, given):
    response = client.get("/", HTTP_X_REQUEST_ID=given)

    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert {line["request_id"] for line in log_lines()} == {made}


def test_log_lines_outside_a_request_have_no_id(client, log_lines):
    client.get("/", HTTP_X_REQUEST_ID="finished-request")
    logging.getLogger("samverkan.test").warning("Nightly backup written")

    assert log_lines()[-1]["request_id"] == "-"


def test_a_successful_health_probe_is_not_logged_but_a_failure_is(
    client, settings, log_lines, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assert client.get("/healthz").status_code == 200
    assert [line for line in log_lines() if line["logger"] == "samverkan.requests"] == []

    settings.MEDIA_ROOT = "/dev/null/media"  # cannot be written
    assert client.get("/healthz").status_code == 503
    assert "GET /healthz 503" in [line["message"] for line in log_lines()]


def test_an_error_is_one_json_line_with_its_traceback():
    record = logging.LogRecord(
        "samverkan.test", logging.ERROR, __file__, 1, "Trasig %s", ("fil",), None
    )
    try:
        raise ValueError("något gick fel")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.organisation = "Örebro kommun"
    record.request = object()  # not for a log line
    RequestIdFilter().filter(record)

    text = JsonFormatter().format(record)

    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "Trasig fil"
    assert line["level"] == "ERROR"
    assert line["organisation"] == "Örebro kommun"
    assert "request" not in line
    assert "ValueError: något gick fel" in line["exception"]
    assert "Örebro" in text  # written as UTF-8, not \\u escapes


def test_json_is_the_default_without_debug_and_text_with_it():
    production = logging_config(None, "INFO", debug=False)
    development = logging_config(None, "INFO", debug=True)

    assert production["handlers"]["console"]["formatter"] == "json"
    assert development["handlers"]["console"]["formatter"] == "text"
    assert logging_config("text", "INFO", debug=False)["handlers"]["console"]["formatter"] == "text"
    assert logging_config("JSON", "INFO", debug=True)["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT='xml'"):
        logging_config("xml", "INFO", debug=False)


def test_the_running_settings_log_json(settings):
    # The suite runs with DEBUG off, as production does.
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert settings.MIDDLEWARE[0] == "samverkan.logs.RequestIdMiddleware"
