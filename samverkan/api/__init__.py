"""The read-only JSON API under /api/v1/ on django-ninja (docs: /api/v1/docs/); its OpenAPI
document is generated from ``schemas`` and ``filters``."""
