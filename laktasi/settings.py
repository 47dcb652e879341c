"""laktasi settings: one env-driven file.

Every setting a deployment may change is read from the environment here and listed in
README.md. ``LAKTASI_MODE=production`` refuses to start without a real secret key; the
default ``dev`` mode (used by ``make run`` and the tests) keeps a generated key in ``var/``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


MODE = os.environ.get("LAKTASI_MODE", "dev").strip().lower()
if MODE not in {"dev", "production"}:
    raise ImproperlyConfigured("LAKTASI_MODE must be 'dev' or 'production'")
PRODUCTION = MODE == "production"

VAR_DIR = Path(os.environ.get("LAKTASI_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _dev_secret(filename: str) -> str:
    """A per-checkout random secret kept in var/, for dev and demo use only."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("LAKTASI_SECRET_KEY", "")
if PRODUCTION and (len(SECRET_KEY) < 50 or "insecure" in SECRET_KEY):
    raise ImproperlyConfigured(
        "LAKTASI_SECRET_KEY must be set to a random string of at least 50 characters "
        "in production mode."
    )
if not SECRET_KEY:
    SECRET_KEY = _dev_secret("secret_key")

# Field encryption (NIK, phone) and the keyed hash of NIK. Keys are comma-separated;
# the first encrypts, all decrypt, which is how a key is rotated.
FIELD_ENCRYPTION_KEYS = envlist("LAKTASI_FIELD_KEYS")
NIK_HASH_KEY = os.environ.get("LAKTASI_NIK_HASH_KEY", "")
if PRODUCTION and (not FIELD_ENCRYPTION_KEYS or not NIK_HASH_KEY):
    raise ImproperlyConfigured(
        "LAKTASI_FIELD_KEYS and LAKTASI_NIK_HASH_KEY must be set in production mode."
    )
if not FIELD_ENCRYPTION_KEYS:
    FIELD_ENCRYPTION_KEYS = [_dev_secret("field_key")]
if not NIK_HASH_KEY:
    NIK_HASH_KEY = _dev_secret("nik_hash_key")

DEBUG = envbool("LAKTASI_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("LAKTASI_DEBUG cannot be on in production mode.")

ALLOWED_HOSTS = envlist(
    "LAKTASI_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("LAKTASI_ALLOWED_HOSTS must be set in production mode.")
CSRF_TRUSTED_ORIGINS = envlist("LAKTASI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "laktasi.core",
    "laktasi.accounts",
    "laktasi.places",
    "laktasi.mothers",
    "laktasi.programs",
    "laktasi.instruments",
    "laktasi.links",
    "laktasi.followups",
    "laktasi.materials",
    "laktasi.imports",
    "laktasi.reports",
    "laktasi.dashboards",
    "laktasi.api",
    "laktasi.jobs",
    "laktasi.satusehat",
    "laktasi.setup",
    "laktasi.home",
    "laktasi.demo",
    "laktasi.offline",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "laktasi.privacy",
    # django-ninja: its Swagger UI assets are served from our static files, not a CDN.
    "ninja",
    # Background jobs: Django's tasks API (backport) with its database backend, no broker.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "laktasi.jobs.request_id.RequestIdMiddleware",
    "laktasi.jobs.access_log.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "laktasi.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "laktasi.offline.middleware.OfflineCacheHeaderMiddleware",
    "laktasi.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "laktasi.urls"
WSGI_APPLICATION = "laktasi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "laktasi.core.context_processors.laktasi",
                "laktasi.offline.context_processors.offline",
            ],
        },
    }
]

# Database: embedded SQLite under var/ by default, PostgreSQL with DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LAKTASI_SQLITE_PATH", str(VAR_DIR / "laktasi.sqlite3")),
            "OPTIONS": {
                # WAL and foreign keys are set on every connection by laktasi.core.apps.
                "timeout": envint("LAKTASI_SQLITE_TIMEOUT", 20),
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before the password is checked.
    "laktasi.accounts.backends.LockoutBackend",
    "laktasi.accounts.backends.LaktasiBackend",
]
PASSWORD_HASHERS = [
    "laktasi.accounts.hashers.Argon2idHasher",  # Argon2id, OWASP minimum (see the module)
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures for one username from one address within
# 15 minutes lock that pair out for 15 minutes; a successful login resets the count.
AXES_FAILURE_LIMIT = envint("LAKTASI_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LAKTASI_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, unless the peer is one of these proxies, whose
# X-Forwarded-For is then read from the right (laktasi.accounts.client_ip). Everything
# else's X-Forwarded-For is ignored, so no one can pose as another address.
TRUSTED_PROXIES = envlist("LAKTASI_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "laktasi.accounts.client_ip.client_ip"
# Lockout warnings name a client by a keyed hash of the username, never the username.
AXES_CLIENT_STR_CALLABLE = "laktasi.accounts.client_ip.client_str"

# Two-factor authentication (django-otp TOTP): required for these roles (bidan see a whole
# network's NIKs: in production too), and for anyone who enrolled a device. It cannot be
# switched off in production; the test suite switches it off except in the tests that show
# its enforcement (tests/conftest.py). Administrators and coordinators get their first device
# from an invitation only (docs/decisions/0005).
TWO_FACTOR_ROLES = ["admin", "coordinator", "bidan"] if PRODUCTION else ["admin", "coordinator"]
TWO_FACTOR_INVITE_ROLES = ["admin", "coordinator"]
TWO_FACTOR_REQUIRED = PRODUCTION or envbool("LAKTASI_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = "laktasi"
INVITATION_HOURS = envint("LAKTASI_INVITATION_HOURS", 72)
# API tokens expire; a new password or role ends the tokens issued before it.
API_TOKEN_DAYS = envint("LAKTASI_API_TOKEN_DAYS", 90)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("LAKTASI_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("LAKTASI_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Source maps (the API docs' bundles, megabytes each) are never sent to browsers: not
# compressing them cuts the production `collectstatic` from minutes to seconds.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
]

SESSION_COOKIE_AGE = envint("LAKTASI_SESSION_AGE", 60 * 60 * 12)
# Counts below this are shown as "<N" to viewers (aggregates only) on dashboards.
SMALL_CELL_THRESHOLD = envint("LAKTASI_SMALL_CELL", 5)
# Follow-up defaults a deployment may override in code (None: the documented defaults in
# followups/models.py, default_contacts() and REFERRAL_PROBLEMS). A program's FollowupPlan
# overrides the contacts again.
LAKTASI_FOLLOWUP_CONTACTS: list[dict] | None = None
LAKTASI_REFERRAL_PROBLEMS: tuple[str, ...] | None = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("LAKTASI_SESSION_BROWSER_CLOSE", False)
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token is rendered in <body hx-headers>
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp 4): no inline scripts or styles anywhere; htmx is told
# not to inject its indicator style by <meta name="htmx-config"> in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("LAKTASI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("LAKTASI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("LAKTASI_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if envbool("LAKTASI_BEHIND_PROXY", True) else None
    )
    # Probes on the app port itself (systemd, a load balancer) get their answer, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    if envbool("LAKTASI_HSTS_PRELOAD", False) is False:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("LAKTASI_MAX_UPLOAD_MB", 20) * 1024 * 1024
# Education materials: absolute address printed in leaflet QR codes; largest video upload.
LAKTASI_BASE_URL = os.environ.get("LAKTASI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
LAKTASI_MAX_VIDEO_MB = envint("LAKTASI_MAX_VIDEO_MB", 200)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Answer links (laktasi.links): a mother's link stays open until the end of the session's day
# plus this many days; requests per address per minute to the public answer pages.
LAKTASI_LINK_DAYS = envint("LAKTASI_LINK_DAYS", 7)
LAKTASI_LINK_RATE_PER_MINUTE = envint("LAKTASI_LINK_RATE_PER_MINUTE", 30)
# Imports (laktasi.imports): largest file, most data rows, largest unzipped .xlsx.
IMPORT_MAX_MB = envint("LAKTASI_IMPORT_MAX_MB", 64)
IMPORT_MAX_ROWS = envint("LAKTASI_IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_UNZIPPED_MB = envint("LAKTASI_IMPORT_MAX_UNZIPPED_MB", 256)
# Uploaded import files are stored encrypted and deleted after this many days (at once when
# every row was imported).
IMPORT_RETENTION_DAYS = envint("LAKTASI_IMPORT_RETENTION_DAYS", 30)
# At most this many imports and report generations running at once per user.
MAX_CONCURRENT_JOBS = envint("LAKTASI_MAX_CONCURRENT_JOBS", 2)

# Django's cache holds the answer links' rate limits (laktasi.links.throttle). "local" counts
# per process; "database" shares the counts between every process and host (a table in the
# database: run `laktasi createcachetable` after `migrate`, docs/deploy.md).
CACHE_BACKEND = os.environ.get("LAKTASI_CACHE", "local").strip().lower()
if CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "laktasi_cache",
        }
    }
elif CACHE_BACKEND != "local":
    raise ImproperlyConfigured("LAKTASI_CACHE must be 'local' or 'database'")

# Background jobs (laktasi.jobs, docs/decisions/0007): the database queue of django-tasks.
# "immediate" runs a task inside the call that enqueues it (LAKTASI_JOBS_INLINE, and tests).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# Web imports, pulls, large reports, leaflets and QR sheets go on the queue (with a page that
# shows their state) unless this is on; LAKTASI_IMPORT_BACKGROUND=false is the old name.
JOBS_INLINE = envbool("LAKTASI_JOBS_INLINE", not envbool("LAKTASI_IMPORT_BACKGROUND", True))
# `laktasi serve` runs a worker thread in the web process unless this is off (then run
# `laktasi worker` beside it, on one host or many).
# Files made on the queue (reports, leaflets, QR sheets) are kept, encrypted, this long at most.
LAKTASI_GENERATED_FILE_HOURS = envint("LAKTASI_GENERATED_FILE_HOURS", 24)
LAKTASI_EMBEDDED_WORKER = envbool("LAKTASI_EMBEDDED_WORKER", True)
LAKTASI_NIGHTLY_AT = os.environ.get("LAKTASI_NIGHTLY_AT", "01:30")  # local time
LAKTASI_SATUSEHAT_SYNC_AT = os.environ.get("LAKTASI_SATUSEHAT_SYNC_AT", "02:30")  # local time
LAKTASI_WORKER_STALE_SECONDS = envint("LAKTASI_WORKER_STALE_SECONDS", 60)
LAKTASI_READY_WORKER_SECONDS = envint("LAKTASI_READY_WORKER_SECONDS", 120)
LAKTASI_READY_REFRESH_HOURS = envint("LAKTASI_READY_REFRESH_HOURS", 36)
# Prometheus metrics at /metrics, only for these addresses or networks.
# Offline field work (docs/decisions/0008): pages cached on a phone are deleted when it has
# not synced for this many days.
LAKTASI_OFFLINE_DAYS = envint("LAKTASI_OFFLINE_DAYS", 3)
LAKTASI_METRICS = envbool("LAKTASI_METRICS", False)
LAKTASI_METRICS_ALLOW = envlist("LAKTASI_METRICS_ALLOW", "127.0.0.1,::1")
if LAKTASI_METRICS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# SATUSEHAT sending (laktasi.satusehat): seconds per request, retries of a timeout, dropped
# connection or 5xx (waiting BACKOFF, 2*BACKOFF, ... seconds), contacts per transaction
# bundle, and hours before a person not found on the national index is asked again.
SATUSEHAT_TIMEOUT = envint("LAKTASI_SATUSEHAT_TIMEOUT", 30)
SATUSEHAT_RETRIES = envint("LAKTASI_SATUSEHAT_RETRIES", 3)
SATUSEHAT_BACKOFF = float(os.environ.get("LAKTASI_SATUSEHAT_BACKOFF", "2"))
SATUSEHAT_BUNDLE_CONTACTS = envint("LAKTASI_SATUSEHAT_BUNDLE_CONTACTS", 20)
SATUSEHAT_RECHECK_HOURS = envint("LAKTASI_SATUSEHAT_RECHECK_HOURS", 24)

# Demo users (``laktasi demo``) may log in only outside production mode.
DEMO_LOGINS_ALLOWED = not PRODUCTION
WILAYAH_CSV = PACKAGE_DIR / "places" / "data" / "wilayah.csv"

# Logs never carry personal data: request lines are logged without query strings and no
# view logs form values.
LOG_FORMAT = os.environ.get("LAKTASI_LOG_FORMAT", "plain")  # plain or json
# One line per request on the "laktasi.access" logger: client address (as the login lockout
# sees it), method, route pattern (never the path), status, milliseconds.
ACCESS_LOG = envbool("LAKTASI_ACCESS_LOG", PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "laktasi.jobs.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LAKTASI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs usernames and addresses of every login at INFO.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "laktasi.access": {"level": "INFO" if ACCESS_LOG else "WARNING"},
    },
}
