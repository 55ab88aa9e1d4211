"""Settings built from environment variables: cache, file storage and logging.

Pure functions of their arguments, so that settings.py stays a list of values and
the parsing is tested on its own (tests/test_configuration.py). Every variable read
here is listed in docs/deployment.md.
"""

from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Rendered PDFs (up to about 1 MB each) are the biggest entries: keep the most recent.
MAX_CACHE_ENTRIES = 50
DATABASE_CACHE_TABLE = "samverkan_cache"


def cache_config(url: str | None) -> dict:
    """Django's CACHES["default"] for a CACHE_URL.

    - unset or ``locmem://``: memory of each process (the default; fine for one process)
    - ``redis://host:6379/0``, ``rediss://…``, ``unix://…``: Django's Redis backend
    - ``db://`` or ``db://table_name``: a table in the database (run ``createcachetable``)
    - ``file:///absolute/folder``: files on a disk all processes of one host share
    - ``dummy://``: no cache at all
    """
    bounded = {"OPTIONS": {"MAX_ENTRIES": MAX_CACHE_ENTRIES}}
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **bounded}
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        # redis-py reads host, port, database number and password from the URL.
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        table = urlsplit(url).netloc or DATABASE_CACHE_TABLE
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            **bounded,
        }
    if scheme == "file":
        folder = unquote(urlsplit(url).path)
        if urlsplit(url).netloc not in {"", "localhost"} or not folder.startswith("/"):
            raise ImproperlyConfigured(
                f"CACHE_URL={url!r}: a file cache needs an absolute folder, "
                "e.g. file:///var/cache/samverkan"
            )
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": folder,
            **bounded,
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **bounded}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not understood: use redis://, rediss://, unix://, db://, "
        "file:///folder, locmem:// or dummy://"
    )


# Environment variables passed on to django-storages' S3 backend, by option name.
# Keys and secrets are not among them: the backend reads AWS_S3_ACCESS_KEY_ID and
# AWS_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) itself.
S3_OPTIONS = {
    "AWS_STORAGE_BUCKET_NAME": "bucket_name",
    "AWS_S3_ENDPOINT_URL": "endpoint_url",
    "AWS_S3_REGION_NAME": "region_name",
    "AWS_LOCATION": "location",
    "AWS_S3_ADDRESSING_STYLE": "addressing_style",
    "AWS_S3_SIGNATURE_VERSION": "signature_version",
}


def media_storage(environ: Mapping[str, str]) -> dict:
    """STORAGES["default"]: S3-compatible object storage when AWS_STORAGE_BUCKET_NAME
    is set, the local folder MEDIA_ROOT otherwise.

    Uploaded files are only ever read and written through this storage (downloads,
    backup, restore, the health check), so any Django storage works.
    """
    if not environ.get("AWS_STORAGE_BUCKET_NAME"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        option: environ[variable]
        for variable, option in S3_OPTIONS.items()
        if environ.get(variable)
    }
    # Uploads get server-made unique names; never overwrite one silently all the same.
    options["file_overwrite"] = False
    # The bucket stays private: files are served by the app's download views.
    options["default_acl"] = None
    options["querystring_auth"] = True
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


LOG_FORMATS = {"json", "text"}


def logging_config(log_format: str | None, level: str, debug: bool) -> dict:
    """LOGGING: one line per record on standard error, in JSON (the default when DEBUG
    is off) or as text, each with the request id of the request it belongs to."""
    log_format = (log_format or ("text" if debug else "json")).strip().lower()
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT={log_format!r}: use json or text")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "samverkan.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "samverkan.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler would print its records a second time.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # runserver prints each request itself during development.
            **({"samverkan.requests": {"level": "WARNING"}} if debug else {}),
        },
    }
