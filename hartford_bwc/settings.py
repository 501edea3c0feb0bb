"""Settings for the Hartford BWC inventory, read from the environment (django-environ).

Defaults suit a laptop: SQLite and an embedded Celery broker under var/, DEBUG on. With DEBUG off
the secret key and allowed hosts must be given and the cookies are secure.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
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
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL refuses NUL in text parameters: such a URL is a 400 here, never a 500 in a view.
    "hartford_bwc.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

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

# Staff sessions lock after 30 idle minutes: every request pushes the expiry forward.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = STAFF_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
# With DEBUG off, HTTPS only: plain HTTP is redirected (except /healthz, which a load balancer probes
# over HTTP) and browsers are told to stay on HTTPS. HSTS starts at one day: raise it once HTTPS is
# known to work everywhere; it cannot be taken back from browsers that saw it. Behind a TLS proxy,
# set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO so Django knows the request was HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
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

# --- Department rules (DOMAIN.md); every threshold is a setting with its unit in its name -------
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
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hartford BWC inventory API",
    "DESCRIPTION": "Cameras, officers, checkouts, flags and dock reports. Writes go through the same rules as the console.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
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
