"""Two app servers and two task workers on one PostgreSQL database, as a deployment
behind a load balancer runs them: a change made through one server is seen on the
other at once, and a PDF is rendered once, by one worker, and served by both."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from tests.live_servers import Browser, Deployment, FormValues

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    # No PDFs rendered ahead: this test asks for the one it checks.
    test_db = settings.DATABASES["default"]
    with Deployment(
        tmp_path_factory.mktemp("deployment"),
        host=test_db["HOST"] or "127.0.0.1",
        port=test_db["PORT"] or 5432,
        user=test_db["USER"],
        PDF_PRERENDER="0",
    ) as deployment:
        deployment.manage(
            "createsuperuser",
            "--no-input",
            "--username",
            "sekreterare",
            "--email",
            "sekreterare@example.se",
            DJANGO_SUPERUSER_PASSWORD="ett-långt-lösenord-2026",
        )
        deployment.servers = [deployment.start_server("a"), deployment.start_server("b")]
        deployment.start_worker("worker-1")
        deployment.start_worker("worker-2")
        yield deployment


def test_a_change_through_one_server_is_seen_on_the_other_at_once(deployment):
    a, b = (Browser(base) for base in deployment.servers)
    [(person_id, slug, first_name)] = deployment.query(
        "SELECT id, slug, first_name FROM members_person WHERE is_published "
        "AND first_name = 'Tom' ORDER BY id LIMIT 1"
    )
    page = f"/personer/{slug}/"
    # Both servers have the page in the shared cache, and a client its ETag.
    assert first_name in a.get(page).text
    before = b.get(page)
    assert before.status_code == 200 and "Tommy" not in before.text

    a.log_in("sekreterare", "ett-långt-lösenord-2026")
    change = f"/admin/members/person/{person_id}/change/"
    form = [
        (name, "Tommy" if name == "first_name" else value)
        for name, value in FormValues.of(a.get(change).text, "person_form")
    ]
    saved = a.post(change, [*form, ("_save", "Spara")])
    assert saved.status_code == 302, saved.text[:3000]

    after = b.get(page)
    assert after.status_code == 200
    assert "Tommy" in after.text
    revalidated = b.get(page, headers={"If-None-Match": before.headers["ETag"]})
    assert revalidated.status_code == 200  # the old ETag no longer matches
    assert b.get(page, headers={"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_a_pdf_is_rendered_once_by_one_worker_and_served_by_both_servers(deployment):
    report = "/perioder/2023-2026/rapport.pdf"
    answers = {}

    def download(base):
        browser = Browser(base)
        for _ in range(120):  # a 503 asks to come back shortly
            response = browser.get(report)
            if response.status_code == 200:
                answers[base] = response.content
                return
            assert response.status_code == 503
            assert int(response.headers["Retry-After"]) > 0

    # Both servers are asked at the same moment, as by two visitors.
    threads = [threading.Thread(target=download, args=(base,)) for base in deployment.servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(answers) == set(deployment.servers)
    pdf_a, pdf_b = answers.values()
    assert pdf_a.startswith(b"%PDF-") and pdf_a == pdf_b
    renders = deployment.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'samverkan.pdf_queue.render' AND args_kwargs::text LIKE '%%report%%'"
    )
    assert len(renders) == 1, renders
    [(status, worker_ids)] = renders
    assert status == "SUCCESSFUL" and len(worker_ids) == 1
