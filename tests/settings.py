"""Settings for the test suite: the real settings, with a key that is only for tests.

Without DEBUG the real settings refuse to start without SECRET_KEY (production must
bring its own); the suite runs with DEBUG off, as production does.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
# Tasks run at once inside the test (a PDF is rendered when first asked for); the
# queue and its worker are tested on their own (tests/test_pdf_queue.py).
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("PDF_PRERENDER", "0")
# One process: the memory cache is shared by the test and the tasks it runs, and a
# page query count is the page's own (the database cache is tested on its own).
os.environ.setdefault("CACHE_URL", "locmem://")

from samverkan.settings import *  # noqa: E402, F403
