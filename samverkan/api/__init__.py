"""The read-only JSON API under /api/v1/ (docs: /api/v1/docs/, schema: /api/v1/schema/).

Built on django-ninja: ``schemas`` (the public-field allowlist, in Popolo's
vocabulary), ``filters`` (the query parameters of each list), ``pagination``,
``views`` (the operations) and ``http`` (conditional GET, CORS). The OpenAPI document is
generated from them.
"""
