"""Settings for the test suite: the real settings, with a key that is only for tests.

Without DEBUG the real settings refuse to start without SECRET_KEY (production must
bring its own); the suite runs with DEBUG off, as production does.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)

from samverkan.settings import *  # noqa: E402, F403
