"""Settings for the Hartford BWC inventory, read from the environment (django-environ).

Defaults suit a laptop (SQLite and an embedded Celery broker under var/) but DEBUG is off unless
asked for: `make run` turns it on for itself, the tests use hartford_bwc.settings_test. With DEBUG off
the secret key and allowed hosts must be given and the cookies are secure (SECURE_COOKIES).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

from .environment import read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
read_env_file()

# Off unless asked for: a forgotten setting must not leave tracebacks and settings open to the world.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="dev-only-insecure-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if not DEBUG else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "accounts",
    "audit",
    "inventory",
    "assignments",
    "kiosk",
    "reports",
    "imports",
    "stocktake",
    "devices",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL refuses NUL in text parameters: such a URL is a 400 here, never a 500 in a view.
    "hartford_bwc.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Keeps the staff idle lock sliding without a session write on every request (see "Scale" below).
    "hartford_bwc.middleware.SlidingSessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An enrolled kiosk's browser reaches the kiosk and nothing else (no console, no admin).
    "kiosk.middleware.KioskDeviceLockdownMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hartford_bwc.urls"
WSGI_APPLICATION = "hartford_bwc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.staff_roles",
            ],
            # `{{ moment|when }}` everywhere, like hartford_bwc.timefmt.when() in messages.
            "builtins": ["hartford_bwc.timefmt"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hartford_bwc.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server, the worker and beat share the file without
    # "database is locked" errors; IMMEDIATE makes writers queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    if not env.bool("POSTGRES_JIT", default=False):
        # PostgreSQL compiles a query whose estimated cost is high, 50-150 ms each time; the reports'
        # queries run in well under a second, so the compiling costs more than it saves.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Milliseconds a statement may run before PostgreSQL cancels it (0: no limit). gunicorn.conf.py
    # gives the web workers 30,000, the bound gunicorn's own timeout set before they served from a thread.
    if statement_timeout := env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=0):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c statement_timeout={statement_timeout}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every staff sign-in first; see accounts.backends for why it is subclassed.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.StaffLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# URL names, not paths (Django reverses them): the paths are written once, in the urls modules.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
# 24-hour times and one set of date formats for every template: hartford_bwc/formats/en/formats.py.
FORMAT_MODULE_PATH = ["hartford_bwc.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Staff sessions lock after 30 idle minutes: a request pushes the expiry forward (at most every
# SESSION_REFRESH_SECONDS, hartford_bwc.middleware.SlidingSessionRefreshMiddleware).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = STAFF_SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
# SECURE_COOKIES=false lets a production-like run (DEBUG off) work over plain HTTP on a laptop or a
# closed test network without editing code; it also turns the HTTPS redirect off by default.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
# With DEBUG off, HTTPS only: plain HTTP is redirected (except /healthz, which a load balancer probes
# over HTTP) and browsers are told to stay on HTTPS. HSTS starts at one day: raise it once HTTPS is
# known to work everywhere; it cannot be taken back from browsers that saw it. Behind a TLS proxy,
# set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO so Django knows the request was HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 86400)
if _proxy_header := env("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")

# Staff sign-in lock-out (django-axes): after this many failed passwords for one username, that
# username is locked for the cool-off time, whatever address the attempts came from.
STAFF_LOGIN_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=5)
STAFF_LOGIN_LOCKOUT_MINUTES = env.int("STAFF_LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = STAFF_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=STAFF_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Quiet: no "AXES: BEGIN" banner on every manage command. Lock-outs still log at WARNING (see LOGGING).
AXES_VERBOSE = False
# Counting by address as well would lock a whole station out: its terminals share one address.
# HSTS for every subdomain, or on the browsers' preload list, is the city's domain-wide decision,
# not this application's (security.W005, W021).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W005", "security.W021"]
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="bwc-inventory@hartford.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in and sign-out at INFO; failures and lock-outs are WARNING and stay.
    "loggers": {"axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")}},
}

# --- Celery -------------------------------------------------------------------------------------
# The default broker is kombu's filesystem transport under var/: `celery worker -B` runs on it with
# no server. Production sets CELERY_BROKER_URL=redis://...
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Otherwise kombu writes its exchange tables to ./control in whatever directory the worker starts.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# CELERY_BEAT_SCHEDULE: see "Flag sweep and shift digest" below.

# --- Department rules (docs/domain.md); every threshold is a setting with its unit in its name -------
EXPECTED_RETURN_GRACE_MINUTES = env.int("EXPECTED_RETURN_GRACE_MINUTES", default=60)
EXPECTED_RETURN_WITHOUT_SHIFT_HOURS = env.int("EXPECTED_RETURN_WITHOUT_SHIFT_HOURS", default=12)
NOT_DOCKED_AFTER_RETURN_MINUTES = env.int("NOT_DOCKED_AFTER_RETURN_MINUTES", default=60)
CHARGING_OVERDUE_HOURS = env.int("CHARGING_OVERDUE_HOURS", default=72)
MIN_CHECKOUT_BATTERY_PERCENT = env.int("MIN_CHECKOUT_BATTERY_PERCENT", default=80)
INSPECTION_INTERVAL_DAYS = env.int("INSPECTION_INTERVAL_DAYS", default=90)
INSPECTION_OVERDUE_DAYS = env.int("INSPECTION_OVERDUE_DAYS", default=104)
DAMAGED_NOT_IN_MAINTENANCE_HOURS = env.int("DAMAGED_NOT_IN_MAINTENANCE_HOURS", default=24)
VENDOR_REPAIR_OVERDUE_DAYS = env.int("VENDOR_REPAIR_OVERDUE_DAYS", default=30)
MINIMUM_FIRMWARE_VERSION = env("MINIMUM_FIRMWARE_VERSION", default="3.2.0")
REFRESH_DUE_MONTHS = env.int("REFRESH_DUE_MONTHS", default=30)
KIOSK_LOCKOUT_FAILURES = env.int("KIOSK_LOCKOUT_FAILURES", default=5)
KIOSK_LOCKOUT_MINUTES = env.int("KIOSK_LOCKOUT_MINUTES", default=10)
KIOSK_IDLE_SECONDS = env.int("KIOSK_IDLE_SECONDS", default=20)
KIOSK_PIN_MIN_DIGITS = env.int("KIOSK_PIN_MIN_DIGITS", default=6)
# How long a result (a check-out confirmation, a return) stays on the kiosk screen without a touch.
KIOSK_RESULT_SECONDS = env.int("KIOSK_RESULT_SECONDS", default=10)
KIOSK_ENROLLMENT_LINK_HOURS = env.int("KIOSK_ENROLLMENT_LINK_HOURS", default=24)
KIOSK_DEVICE_COOKIE_DAYS = env.int("KIOSK_DEVICE_COOKIE_DAYS", default=5 * 365)
# The address people open: enrollment links and links in emails point under it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
PRESHIFT_CHECKLIST = env.list(
    "PRESHIFT_CHECKLIST", default=["Powers on", "Records a test clip", "Mount and clip intact"]
)
FLAG_SWEEP_INTERVAL_MINUTES = env.int("FLAG_SWEEP_INTERVAL_MINUTES", default=5)
ASSET_TAG_PREFIX = env("ASSET_TAG_PREFIX", default="HPD-BWC-")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "assignments.hashers.KioskPinHasher",
]
KIOSK_PIN_HASHER = "pbkdf2_sha256_pin"

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.StaffRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    # Every API error as an RFC 9457 problem; service refusals mapped to 409/422 in one place.
    "EXCEPTION_HANDLER": "api.exception_handlers.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hartford BWC inventory API",
    "DESCRIPTION": "Cameras, officers, checkouts, flags and dock reports. Writes go through the same rules as the console.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each operation's link inside its expand button, a control within a
    # control that screen readers and keyboards cannot reach (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "ENUM_NAME_OVERRIDES": {
        "ChargeEventKindEnum": "inventory.models.ChargeEvent.Kind",
        "FlagKindEnum": "inventory.models.Flag.Kind",
        "MaintenanceKindEnum": "inventory.models.MaintenanceRecord.Kind",
    },
}
# --- Imports (imports app) ------------------------------------------------------------------------
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=5)
# --- Flag sweep and shift digest (issue 5) -------------------------------------------------------
# Beat runs the sweep every FLAG_SWEEP_INTERVAL_MINUTES and the digest at each shift change (local
# time, CELERY_TIMEZONE). A queued run that waited longer than its interval is dropped (expires):
# after a broker outage the next run catches up; a backlog of stale sweeps would only repeat it.
FLAG_SWEEP_TIME_LIMIT_SECONDS = env.int("FLAG_SWEEP_TIME_LIMIT_SECONDS", default=240)
SHIFT_DIGEST_TIMES = env.list("SHIFT_DIGEST_TIMES", default=["06:30", "14:30", "22:30"])
# A digest covers flags raised since the previous slot at least this long before it.
SHIFT_DIGEST_SLACK_MINUTES = env.int("SHIFT_DIGEST_SLACK_MINUTES", default=60)
# Redis down for an hour must not end the worker or beat: they keep reconnecting, and a late-acked
# task whose connection dropped is cancelled and redelivered rather than lost.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True


def _beat_schedule() -> dict:
    from celery.schedules import crontab

    interval = FLAG_SWEEP_INTERVAL_MINUTES * 60
    schedule = {
        "sweep-flags": {"task": "inventory.sweep_flags", "schedule": interval, "options": {"expires": interval}},
    }
    for at in SHIFT_DIGEST_TIMES:
        hour, minute = (int(part) for part in at.strip().split(":"))
        schedule[f"shift-digest-{hour:02d}{minute:02d}"] = {
            "task": "inventory.send_shift_digest",
            "schedule": crontab(hour=hour, minute=minute),
            "options": {"expires": 3600},
        }
    return schedule


CELERY_BEAT_SCHEDULE = _beat_schedule()

# --- Hardening: Content-Security-Policy, Permissions-Policy, no-store (issue 9) -----------------
# django-csp sends the policy on every response. Scripts and styles come from our own static files
# only; the few inline blocks we cannot avoid (pygal's <style> in each chart, Swagger UI's page)
# carry the per-request nonce (request.csp_nonce). No 'unsafe-inline' anywhere.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

# hartford_bwc itself: its system check that every admin of ours uses an allow-list (hartford_bwc.admin).
INSTALLED_APPS += ["csp", "hartford_bwc"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.clickjacking.XFrameOptionsMiddleware"), "csp.middleware.CSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware"),
    # After authentication: it needs request.user to tell a signed-in page.
    "hartford_bwc.middleware.SecurityHeadersMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Swagger UI draws its icons from data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page of ours uses (the kiosk's scanner is a keyboard), switched off for all.
# Only features browsers know: Chromium logs an error on every page for one it does not ("bluetooth").
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()",
)
# The schema and its docs page map every endpoint and field: for signed-in staff (any role), not the world.
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["api.permissions.StaffRolePermission"]

# --- Kiosk and staff sign-in limits, swaps and returns ------------------------------------------
# Failed PINs at one kiosk across every badge: this many within the window pause that kiosk's sign-in
# (returns keep working) and raise a kiosk alert for the supervisor.
KIOSK_SIGN_IN_FAILURES_PER_KIOSK = env.int("KIOSK_SIGN_IN_FAILURES_PER_KIOSK", default=20)
KIOSK_SIGN_IN_FAILURE_WINDOW_MINUTES = env.int("KIOSK_SIGN_IN_FAILURE_WINDOW_MINUTES", default=10)
KIOSK_SIGN_IN_LOCKOUT_MINUTES = env.int("KIOSK_SIGN_IN_LOCKOUT_MINUTES", default=5)
# Staff password spraying: failed logins from one address, whatever the usernames, lock that address.
# Higher than the per-username limit because a station's terminals share one address.
STAFF_LOGIN_FAILURES_PER_ADDRESS = env.int("STAFF_LOGIN_FAILURES_PER_ADDRESS", default=20)
STAFF_LOGIN_ADDRESS_WINDOW_MINUTES = env.int("STAFF_LOGIN_ADDRESS_WINDOW_MINUTES", default=10)
STAFF_LOGIN_ADDRESS_LOCKOUT_MINUTES = env.int("STAFF_LOGIN_ADDRESS_LOCKOUT_MINUTES", default=15)
# A scanner types the whole code within this many milliseconds between keys and ends with Enter;
# anything slower is recorded as typed by hand.
KIOSK_SCAN_MAX_KEY_GAP_MS = env.int("KIOSK_SCAN_MAX_KEY_GAP_MS", default=50)
# One staff sign-in at a time per username and per address, so django-axes' check and count cannot be
# raced; kept before axes' middleware, which stays last as it asks.
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "accounts.middleware.StaffLoginGuardMiddleware")

# --- Audit trail integrity (issue 9) --------------------------------------------------------------
# The audit chain is keyed: HMAC-SHA256 with this key, which lives in the environment (or a secrets
# manager), never in the database. Without it in production the app refuses to start (audit.apps);
# with DEBUG on a fixed development key is used. Losing the key loses the ability to verify.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", default="dev-only-audit-hmac-key" if DEBUG else "")
# Signed checkpoints of the chain (one JSON line each, <database name>.jsonl) are appended here at
# every flag sweep: production points it at storage the database's users cannot rewrite.
AUDIT_CHECKPOINT_DIR = env.path("AUDIT_CHECKPOINT_DIR", default=VAR_DIR / "audit-checkpoints")
# Model signals audit users, groups, tokens and kiosks (audit.signals); this middleware tells them
# who is acting. Inserted here, right after authentication, so the list above stays as it was.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "audit.middleware.CurrentRequestMiddleware",
)


# --- Scale: big fleets (30,000 cameras, 40,000 officers) --------------------------------------------
# A signed-in session is saved (its idle expiry pushed forward) at most this often, not on every
# request: the idle lock then falls between STAFF_SESSION_IDLE_MINUTES less this and the full limit.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
# The dashboard's counts are cached this long (per process); the page says how old they are. 0: off.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=10)
# The camera list's filter choices (firmware versions, batches, models, units) are cached this long.
FILTER_CHOICES_CACHE_SECONDS = env.int("FILTER_CHOICES_CACHE_SECONDS", default=60)


# --- Imports: what one upload may cost a worker -----------------------------------------------------
# An XLSX is a zip of XML: refuse one that unpacks past this, or any part of it (1 MB or more)
# compressed more than this ratio, before parsing any of it.
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=50)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Data rows in one file (CSV or XLSX); more are refused before the preview is built.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# Rows on one page of an import's preview (refused rows come first).
IMPORT_PREVIEW_PAGE_ROWS = env.int("IMPORT_PREVIEW_PAGE_ROWS", default=100)
# A file of this many rows or more is applied by a Celery task (one transaction, all or nothing) while
# the page shows its progress; smaller ones are applied in the request, as before.
IMPORT_BACKGROUND_APPLY_MIN_ROWS = env.int("IMPORT_BACKGROUND_APPLY_MIN_ROWS", default=2000)
# The task is stopped (and writes nothing) after this long.
IMPORT_APPLY_TIME_LIMIT_SECONDS = env.int("IMPORT_APPLY_TIME_LIMIT_SECONDS", default=600)
# Where the worker leaves the progress the page polls: a cache both processes reach. The default, files
# under var/, needs no server but one host; with workers elsewhere use redis://host:6379/1.
_import_progress_cache = env.cache_url(
    "IMPORT_PROGRESS_CACHE_URL", default=f"filecache://{VAR_DIR / 'import-progress'}"
)
if _import_progress_cache["BACKEND"].endswith("RedisCache"):
    # A stalled Redis must not hold the page that polls it.
    _import_progress_cache.setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})
CACHES = {
    **globals().get("CACHES", {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}),
    "import_progress": _import_progress_cache,
}

# --- Broker and cache timeouts (issue 10) -----------------------------------------------------------
# A Redis that accepts connections but never answers must not hold a request (or /healthz) for more
# than this: every broker and result-backend socket has a connect and a read timeout. Without them
# redis-py waits forever on a half-open connection. Workers are unaffected: they read the BRPOP reply
# only once the socket is readable, and kombu reconnects a connection that went quiet.
BROKER_SOCKET_TIMEOUT_SECONDS = env.float("BROKER_SOCKET_TIMEOUT_SECONDS", default=1.0)
BROKER_TIMEOUT_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_SOCKET_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT_SECONDS,
    # One try: a timed-out command retried (redis-py's default) would multiply the wait.
    "retry_on_timeout": False,
}
# The filesystem transport ignores the socket options; a Redis (or any other) broker gets them.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    **BROKER_TIMEOUT_TRANSPORT_OPTIONS,
}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_SOCKET_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_SOCKET_TIMEOUT_SECONDS

# --- Control characters in forms and query strings (issue 10) --------------------------------------
# Right after the NUL check of the URL: every form field and query-string value reaches the views
# without C0 control characters (tab and line breaks stay); the API and uploaded files are exempt.
MIDDLEWARE.insert(
    MIDDLEWARE.index("hartford_bwc.middleware.RejectNulBytesMiddleware") + 1,
    "hartford_bwc.middleware.StripControlCharactersMiddleware",
)

# --- Error pages and their log lines (issue 10) ------------------------------------------------------
# templates/400.html, 403.html, 403_csrf.html, 404.html and 500.html render in the site's layout.
# A 4xx is one log line without a traceback; a 5xx keeps its traceback.
LOGGING.setdefault("filters", {})["client_errors_without_traceback"] = {
    "()": "hartford_bwc.logs.ClientErrorsWithoutTraceback"
}
LOGGING["loggers"]["django.request"] = {"filters": ["client_errors_without_traceback"]}
LOGGING["loggers"]["django.security"] = {"filters": ["client_errors_without_traceback"]}
# Every line once: Django's own "django" handlers (a console handler while DEBUG is on) would write
# each django.* line a second time beside the root handler it propagates to.
LOGGING["loggers"]["django"] = {"handlers": [], "level": "INFO", "propagate": True}
# Naming "django" resets its children, so runserver's access log gets back its own timestamped handler.
LOGGING.setdefault("formatters", {})["django.server"] = {
    "()": "django.utils.log.ServerFormatter",
    "format": "[{server_time}] {message}",
    "style": "{",
}
LOGGING["handlers"]["django.server"] = {
    "level": "INFO",
    "class": "logging.StreamHandler",
    "formatter": "django.server",
}
LOGGING["loggers"]["django.server"] = {"handlers": ["django.server"], "level": "INFO", "propagate": False}

# --- Client address behind reverse proxies -----------------------------------------------------------
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (hartford_bwc.client_address).
# 0: none, the address is REMOTE_ADDR and X-Forwarded-For is ignored (a client can write it). N: the Nth
# address from the right of X-Forwarded-For. Too high, and a client can choose its own address (and dodge
# the per-address limits); too low, and every user shares a proxy's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is the number of trusted reverse proxies: 0 or more.")
# django-axes reads the address through the same function as everything else.
AXES_CLIENT_IP_CALLABLE = "hartford_bwc.client_address.client_address"
# Changing one's password checks the current one under the sign-in limits (accounts.passwords): the
# console's page (hartford_bwc.urls) and the admin's, whose site this replaces.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "accounts.admin_apps.StaffAdminConfig"
# django-axes keeps the POST of each failed attempt: the password change's fields are masked there too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]
# A wrong API token counts against its address like a failed sign-in (api.authentication). The token
# scheme comes first: DRF names the first class's scheme in WWW-Authenticate, so a missing or wrong token
# is a 401 with `WWW-Authenticate: Token` (a session names none, which DRF answers with a 403). A request
# without a token header falls through to the session, for the browsable API and the docs.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "api.authentication.GuardedTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]

# --- Kiosk: the pre-shift check ----------------------------------------------------------------------
# How long the pre-shift check screen stays up after a check-out before it returns to the start
# (docs/domain.md: 60 s): time to power the camera on and record a test clip, which the 10 s of
# KIOSK_RESULT_SECONDS are not. Any touch restarts the count; the screen shows it.
KIOSK_PRESHIFT_SECONDS = env.int("KIOSK_PRESHIFT_SECONDS", default=60)

# --- Kiosk: PIN letters (issue 14) ---------------------------------------------------------------------
# A PIN letter's one-time enrollment code (badge + code at the kiosk, then the officer chooses a PIN)
# works for this many days after it is printed.
PIN_LETTER_CODE_DAYS = env.int("PIN_LETTER_CODE_DAYS", default=14)
# --- Duty rules: BWC certification (issue 13) --------------------------------------------------------
# No camera goes out (kiosk, console, API) to an officer without a current body-worn-camera
# certification (assignments.duty.certification_refusal); false turns the rule off, e.g. until the
# training records are first imported.
REQUIRE_BWC_CERTIFICATION = env.bool("REQUIRE_BWC_CERTIFICATION", default=True)
# The sweep flags an officer whose certification expires within this many days (or has expired).
CERTIFICATION_EXPIRING_DAYS = env.int("CERTIFICATION_EXPIRING_DAYS", default=30)

# --- Stocktake ---------------------------------------------------------------------------------------
# A camera in service that nobody has scanned, docked or checked in for this many days is flagged
# "not seen" by the sweep (docs/domain.md: 90 days).
NOT_SEEN_FLAG_DAYS = env.int("NOT_SEEN_FLAG_DAYS", default=90)
# The longest code a stocktake accepts from a scanner (asset tags and serials are shorter).
STOCKTAKE_MAX_CODE_LENGTH = 60
# Vendor reconciliation: a camera in service here that the vendor's export last saw docked (or uploading)
# longer ago than this is listed as a disagreement.
VENDOR_NOT_DOCKED_DAYS = env.int("VENDOR_NOT_DOCKED_DAYS", default=14)

# --- Photos and documents on maintenance records (inventory.attachments) ---------------------------
# Accepted by their first bytes only (JPEG, PNG, WebP, HEIC photos; PDF documents), at most
# ATTACHMENT_MAX_BYTES each and ATTACHMENT_MAX_PER_RECORD per record, and served only as that type.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10_000_000)
ATTACHMENT_MAX_PER_RECORD = env.int("ATTACHMENT_MAX_PER_RECORD", default=20)
# Where the bytes live: "filesystem" (ATTACHMENT_ROOT, never served by the web server directly: every
# file goes through a view that checks the user's role) or "s3" (any S3-compatible store, through
# django-storages, which is not installed by default: `pip install "django-storages[s3]"`; the access
# key and secret come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment, read by boto3).
ATTACHMENT_STORAGE = env("ATTACHMENT_STORAGE", default="filesystem")
MEDIA_ROOT = Path(env("ATTACHMENT_ROOT", default=str(VAR_DIR / "attachments")))
if ATTACHMENT_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif ATTACHMENT_STORAGE != "filesystem":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured('ATTACHMENT_STORAGE is "filesystem" or "s3".')

# --- Signal devices (devices app; their flags: inventory.flags.devices) -------------------------------------------
# A trigger's battery (coin cell or rechargeable) is due for replacement this many months after it was
# fitted, where its model names no battery life of its own (DOMAIN.md: 12 months).
DEVICE_BATTERY_LIFE_MONTHS = env.int("DEVICE_BATTERY_LIFE_MONTHS", default=12)
# A trigger retired within this many days still needs its replacement issued (lost and in maintenance
# always do): past it, the flag resolves; the holder's gap shows on the signal-readiness report.
DEVICE_RETIRED_REPLACEMENT_DAYS = env.int("DEVICE_RETIRED_REPLACEMENT_DAYS", default=30)
