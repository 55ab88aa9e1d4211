"""
WSGI config for samverkan project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")

application = get_wsgi_application()

# Imports, templates, reverse tables and font metrics now, not on the first request.
from samverkan.warmup import warm_up  # noqa: E402  (needs the settings set up above)

warm_up()
