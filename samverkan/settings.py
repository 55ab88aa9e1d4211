"""Settings for Samverkan.

Everything that differs between a laptop and production comes from the
environment; the defaults give a working local site on SQLite.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samverkan.config import cache_config, logging_config, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    """A yes/no setting; anything but the documented spellings stops start-up.

    A typo such as ``DEBUG=ture`` must not silently mean "off" (or "on").
    """
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_VALUES:
        return True
    if value.strip().lower() in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use 1, true, yes, on or 0, false, no, off."
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Production must bring its own key: without DEBUG a missing SECRET_KEY stops start-up
# instead of signing sessions with a key that is public in this repository.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the site of samverkan/admin_site.py (one-time codes).
    "samverkan.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "mptt",
    "simple_history",
    # Loads bodies/rules.py, members/rules.py and meetings/rules.py.
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "django_tasks_db",
    "bodies",
    "members",
    "meetings",
    # The project package: cross-app management commands (backup, restore).
    "samverkan",
]

MIDDLEWARE = [
    "samverkan.logs.RequestIdMiddleware",
    # /healthz for load balancers: before the host check, HTTPS redirect and sessions.
    "samverkan.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 304s and cached pages for anonymous visitors, before anything reads a session.
    "samverkan.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Gives every historical record the user of the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "samverkan.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Names this similar to a search (pg_trgm word similarity, 0–1) count as matches
# ("svan" finds Svahn). On PostgreSQL each connection sets it as pg_trgm's threshold,
# so that the ``%>`` operator, which the trigram indexes serve, applies it.
SEARCH_NAME_SIMILARITY = 0.5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time, in turn: a write transaction takes SQLite's lock when it
    # begins, and a second writer waits for it (up to SQLITE_TIMEOUT seconds) instead
    # of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env_int("SQLITE_TIMEOUT", 20)}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        _options.get("options", "")
        + f" -c pg_trgm.word_similarity_threshold={SEARCH_NAME_SIMILARITY}"
    ).strip()

# Rendered PDFs (up to about 1 MB each) are kept here under the hash of their HTML.
# Per process by default; CACHE_URL gives all server processes one cache (redis://,
# db://, file:///folder — see samverkan/config.py), so a report is rendered once.
# CACHE_DIR=/folder is the older spelling of CACHE_URL=file:///folder.
CACHE_URL = os.environ.get("CACHE_URL") or (
    f"file://{os.environ['CACHE_DIR']}" if os.environ.get("CACHE_DIR") else None
)
CACHES = {"default": cache_config(CACHE_URL)}

# Rendered public pages are kept under the change stamp (samverkan/public_cache.py);
# a change makes older entries unreachable, the timeout only frees the space.
PUBLIC_PAGE_CACHE = "default"
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 24 * 60 * 60)
# Each server process keeps the pages it served last in memory as well, up to this
# much (a page larger than an eighth of it is left to the shared cache alone).
PUBLIC_PAGE_MEMORY_BYTES = 32 * 1024 * 1024

# Background work (PDFs, long imports) runs in task workers: `manage.py db_worker`
# takes tasks from a queue in the database, so any number of servers and workers share
# it. TASKS_BACKEND=immediate runs each task at once inside the request instead (no
# worker needed: for development and tests).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("TASKS_BACKEND", "database")]
    }
}
# Structure and meeting files (samverkan/files/limits.py, docs/structure-file.md): the
# largest file the commands and the admin upload read, and the deepest nesting of lists
# and tables in it (a structure file needs 6).
IMPORT_FILE_MAX_BYTES = env_int("IMPORT_FILE_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_FILE_MAX_DEPTH = env_int("IMPORT_FILE_MAX_DEPTH", 20)

# PDFs (samverkan/pdf_queue.py): rendered by the worker; a download waits this long for a
# PDF that is not ready before it asks the visitor to come back; after each change the
# current period's report and rosters are rendered ahead.
PDF_WAIT_SECONDS = env_int("PDF_WAIT_SECONDS", 5)
PDF_CACHE_SECONDS = 24 * 60 * 60
PDF_PRERENDER = env_bool("PDF_PRERENDER", True)

# The apps whose tables bump the registry's change stamp (bodies/stamp.py): the data
# that public pages, feeds, exports and the API show.
CHANGE_STAMP_APPS = ["bodies", "members", "meetings"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff sign-in (README: "Sign-in"). Sessions end after two hours without a request and
# when the browser closes; visitors of the public pages get no session at all.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "admin:login"

# Lockout after repeated failed logins (django-axes): 5 failures for the same user name
# from the same address lock that pair out for 15 minutes; a success resets the count.
# The registry secretary unlocks early by deleting the attempt in the admin.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samverkan.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "samverkan.signin.client_ip"
AXES_VERBOSE = False

# Optional sign-in with the organisation's identity provider (OpenID Connect, e.g.
# Microsoft Entra ID): on when OIDC_RP_CLIENT_ID is set. Existing staff users are
# matched by e-mail address; nobody is created.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_CREATE_USER = False
    LOGIN_REDIRECT_URL = "/admin/"
    LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?oidc=misslyckades"

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses locked-out user names before any password check.
    "axes.backends.AxesStandaloneBackend",
    *(["samverkan.signin.StaffOIDCBackend"] if OIDC_ENABLED else []),
    # Rights come from the registry's roles and rules only: the rules answer every
    # permission question, the sign-in backends none (samverkan/auth.py).
    "rules.permissions.ObjectPermissionBackend",
    "samverkan.auth.PasswordOnlyBackend",
]

# Optional second factor (django-otp, an authenticator app): staff who set one up must
# use it; with this setting on, registry secretaries must set one up.
OTP_REQUIRED_FOR_REGISTRY_SECRETARY = env_bool("OTP_REQUIRED_FOR_REGISTRY_SECRETARY", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Samverkan")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The admin posts whole grids in one form: a meeting's attendance (about 9 fields a row)
# and a body's seats. Django's default of 1,000 fields refused a meeting of some 135
# attendees with a bare 400 and lost the typing; 10,000 fields holds 400 attendance
# rows or seats with room to spare and still bounds what one request may carry.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic writes here; a deployment with its code on a read-only disk sets it.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Uploaded files (minutes, attachments): MEDIA_ROOT, or S3-compatible object storage
# when AWS_STORAGE_BUCKET_NAME is set (samverkan/config.py, docs/deployment.md).
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: strict by default, relaxed only for local development over http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a reverse proxy that terminates TLS and appends the client to X-Forwarded-For.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    # No page sets a <base>; an injected one could redirect every relative URL.
    "base-uri": ["'none'"],
    # No plugins (Flash, PDF in <object>/<embed>): default-src would allow 'self'.
    "object-src": ["'none'"],
}

# Who publishes the registry: shown in the footer and the accessibility statement.
SITE_OWNER = os.environ.get("SITE_OWNER", "Region Örebro län")
SITE_CONTACT_EMAIL = os.environ.get("SITE_CONTACT_EMAIL", "regionkansliet@example.se")
# The licence of the open data (samverkan/opendata.py), by its URI; CC0 1.0 is the usual
# choice for Swedish public registers.
OPEN_DATA_LICENCE = os.environ.get(
    "OPEN_DATA_LICENCE", "http://creativecommons.org/publicdomain/zero/1.0/"
)

# One line per record on standard error: JSON when DEBUG is off (LOG_FORMAT=json|text
# chooses), each with the request id (samverkan/logs.py).
LOGGING = logging_config(
    os.environ.get("LOG_FORMAT"), os.environ.get("LOG_LEVEL", "INFO"), debug=DEBUG
)
