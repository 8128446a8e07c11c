"""Tessera settings: one module, driven by environment variables.

``TESSERA_ENV`` chooses the profile: ``production``, ``demo``, ``development`` or ``test``. It
has no default: an unset profile must not quietly mean debug pages and codes on screen. Production
demands its secrets and refuses every demo convenience.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tessera.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("TESSERA_VAR_DIR", str(BASE_DIR / "var")))

if not env.optional_string("TESSERA_ENV"):
    raise ImproperlyConfigured(
        "Set the environment variable TESSERA_ENV: production for a real deployment, demo for "
        "the synthetic demo (make demo sets it), development on a developer's machine, or test. "
        "Tessera does not guess, because development shows security codes on screen."
    )
TESSERA_ENV = env.choice("TESSERA_ENV", ("development", "demo", "test", "production"))
PRODUCTION = TESSERA_ENV == "production"

# The demo shows second-factor codes on screen so that it can be tried without a phone.
# It is impossible to switch on in production: the combination refuses to start.
TESSERA_DEMO_MODE = env.boolean("TESSERA_DEMO_MODE", TESSERA_ENV in ("demo", "development"))
if PRODUCTION and TESSERA_DEMO_MODE:
    raise ImproperlyConfigured("TESSERA_DEMO_MODE cannot be switched on in production.")

if PRODUCTION:
    SECRET_KEY = env.string("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters.")
    AUDIT_CHAIN_KEY = env.string("TESSERA_AUDIT_KEY")
    if len(AUDIT_CHAIN_KEY) < 32:
        raise ImproperlyConfigured("TESSERA_AUDIT_KEY must be at least 32 characters.")
    ALLOWED_HOSTS = env.strings("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS in production.")
    DEBUG = False
else:
    # Fixed development values: never used in production, where the block above demands real ones.
    SECRET_KEY = env.string(
        "DJANGO_SECRET_KEY", "development-only-secret-key-not-for-production-use-0123456789"
    )
    AUDIT_CHAIN_KEY = env.string("TESSERA_AUDIT_KEY", "development-only-audit-chain-key")
    ALLOWED_HOSTS = env.strings("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.boolean("DJANGO_DEBUG", TESSERA_ENV == "development")

# The partnership secret for privacy-preserving linkage (ADR 0008). Optional: without it the
# privacy-preserving pages say the mode is not set up. A short one refuses to start.
PPRL_SECRET = env.string(
    "TESSERA_PPRL_SECRET", "" if PRODUCTION else "development-only-pprl-partnership-secret"
)
if PRODUCTION and PPRL_SECRET and len(PPRL_SECRET) < 32:
    raise ImproperlyConfigured("TESSERA_PPRL_SECRET must be at least 32 characters.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "partnership",
    "governance",
    "people",
    "records",
    "casework",  # only the migration history of the referrals and cases tables
    "referrals",
    "cases",
    "assessment",
    "mase",
    "notifications",
    "imports",
    "matching",
    "pprl",
    "alerts",
    "intelligence",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "governance.middleware.RequestIdMiddleware",
    "web.edge.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "web.middleware.SessionLimitsMiddleware",
    "web.middleware.TwoFactorRequiredMiddleware",
    "web.middleware.CommunityPartnerFenceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tessera.urls"
WSGI_APPLICATION = "tessera.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.tessera",
                "notifications.context_processors.unread",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'tessera.sqlite3'}"
_database_url = env.string("DATABASE_URL", "" if PRODUCTION else _default_db)
if not _database_url:
    raise ImproperlyConfigured("Set DATABASE_URL (PostgreSQL) in production.")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL to postgres://…")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env.optional_string("REDIS_URL")
CACHES: dict[str, Any] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email carries notifications only (see docs/notifications.md), sent by a task after the
# transaction commits. The demo prints emails to the console; tests use Django's in-memory outbox.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if TESSERA_DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Tessera <tessera@localhost>")
# The address people use to reach Tessera, for links in emails.
TESSERA_BASE_URL = env.string(
    "TESSERA_BASE_URL",
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://127.0.0.1:8000",
).rstrip("/")

AUTH_USER_MODEL = "partnership.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
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
    {"NAME": "partnership.passwords.PredictablePasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"

# Sessions: 15 minutes idle, 10 hours absolute (enforced server-side by SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = env.integer("TESSERA_SESSION_IDLE_SECONDS", 15 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env.integer("TESSERA_SESSION_ABSOLUTE_SECONDS", 10 * 3600, minimum=600)
# The stored session outlives the idle limit so that SessionLimitsMiddleware finds an idle
# session and records its expiry in the audit log; if the store dropped it first, nothing would.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "tessera_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "tessera_csrf"
CSRF_FAILURE_VIEW = "web.views.csrf_failure"

# Lockout (web/lockout.py): failures are counted per username wherever they come from, and
# separately, with a much higher limit, per client address, so that everyone behind one office
# or proxy address is not locked out by one person's mistakes. Attempts during a lockout do not
# extend it, and signing in clears only the user's own failures.
AXES_FAILURE_LIMIT = env.integer("TESSERA_LOCKOUT_FAILURES", 5, minimum=1)
TESSERA_LOCKOUT_ADDRESS_FAILURES = env.integer(
    "TESSERA_LOCKOUT_ADDRESS_FAILURES", 100, minimum=AXES_FAILURE_LIMIT
)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "web.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "web.views.locked_out"
AXES_VERBOSE = False
# The client's address comes from X-Forwarded-For only when the request arrives from one of these
# (the TLS proxy's addresses or ranges); otherwise it is the connecting peer's.
TESSERA_TRUSTED_PROXIES = env.networks("TESSERA_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "web.lockout.client_address"
AXES_USERNAME_FORM_FIELD = "username"

TESSERA_PARTNERSHIP_NAME = env.string(
    "TESSERA_PARTNERSHIP_NAME", "Eastbrook (synthetic)" if TESSERA_DEMO_MODE else "the partnership"
)
OTP_TOTP_ISSUER = f"Tessera ({TESSERA_PARTNERSHIP_NAME})"

# Record linkage (matching/engine.py): Splink on in-process DuckDB, or on Spark for national-scale
# batches (needs pyspark and Java; see docs/matching.md).
TESSERA_LINKAGE_BACKEND = env.choice("TESSERA_LINKAGE_BACKEND", ("duckdb", "spark"), "duckdb")

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy: Tessera uses no device or browser feature, so every powerful one is off
# for the page and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "web-share",
        "window-management",
        "xr-spatial-tracking",
    )
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.boolean("TESSERA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.strings("DJANGO_CSRF_TRUSTED_ORIGINS", [])

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Application logs never carry names, dates of birth, codes or session ids; the audit log is
# the record of who saw what. The formatter escapes control characters so that crafted input
# cannot forge a log line.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "governance.logging.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "filters": {
        "request_id": {"()": "governance.logging.RequestIdFilter"},
        "no_query_string": {"()": "governance.logging.NoQueryStringFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "no_query_string"],
        }
    },
    "root": {"handlers": ["console"], "level": env.string("TESSERA_LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver's request lines: through Tessera's handler (Django's own is replaced), with
        # the query string cut before any handler sees the record.
        "django.server": {
            "level": "WARNING",
            "handlers": ["console"],
            "propagate": False,
            "filters": ["no_query_string"],
        },
        "django.request": {"filters": ["no_query_string"]},
        "axes": {"level": "WARNING"},
    },
}
