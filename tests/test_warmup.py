"""samverkan/warmup.py: what a server process does before its first request."""

from django.template.loader import get_template

from samverkan.warmup import warm_up


def test_warm_up_reads_no_database_and_leaves_templates_compiled():
    # No db fixture: pytest-django refuses any database access here, and a connection
    # made before gunicorn forks would be shared by its workers.
    warm_up()
    assert get_template("bodies/start.html").template.source
