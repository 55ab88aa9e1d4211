"""Settings come from the environment and refuse what they do not understand."""

import os
import subprocess
import sys

from django.conf import settings


def start(**env):
    """Start Django in a new process with exactly these variables; return its stderr."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=settings.BASE_DIR,
        env={**keep, "DJANGO_SETTINGS_MODULE": "samverkan.settings", **env},
        capture_output=True,
        text=True,
    )
    return result.stdout + result.stderr


def test_without_debug_a_missing_secret_key_stops_start_up():
    output = start()
    assert "ImproperlyConfigured: SECRET_KEY is not set." in output
    assert "started" not in output


def test_with_a_secret_key_or_for_local_development_it_starts():
    assert start(SECRET_KEY="x" * 50).strip() == "started"
    assert start(DEBUG="1").strip() == "started"


def test_a_yes_no_value_other_than_the_documented_ones_is_refused():
    output = start(DEBUG="ture")
    assert "DEBUG='ture' is not a yes/no value" in output
    assert "started" not in output
    output = start(SECRET_KEY="x" * 50, BEHIND_TLS_PROXY="maybe")
    assert "BEHIND_TLS_PROXY='maybe' is not a yes/no value" in output


def test_a_number_that_is_not_a_number_is_refused():
    output = start(SECRET_KEY="x" * 50, SESSION_IDLE_SECONDS="two hours")
    assert "SESSION_IDLE_SECONDS='two hours' is not a whole number." in output
