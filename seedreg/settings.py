"""SeedReg settings: one module, driven by environment variables with embedded defaults.

The embedded defaults (SQLite, the kombu filesystem broker, media on local disk, all under
``var/``) make ``make run`` work on a fresh machine with nothing installed. Production sets
``DJANGO_ENV=production`` and must then provide a secret key, allowed hosts and a real database;
it refuses to start otherwise. Secrets may be read from files: ``SECRET_KEY_FILE`` etc.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SEEDREG_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

env = environ.Env()


def _secret(name, default=None):
    """Read NAME, or the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    file_name = env.str(f"{name}_FILE", default="")
    if file_name:
        return Path(file_name).read_text().strip()
    return env.str(name, default=default)


DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")

SECRET_KEY = _secret("SECRET_KEY", default="" if PRODUCTION else "dev-only-insecure-key-change-me")
if PRODUCTION and (not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only")):
    raise ImproperlyConfigured("DJANGO_ENV=production needs SECRET_KEY (50+ random characters)")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public base URL used in QR codes and links sent by SMS/e-mail (they leave the request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Public licence search: requests per minute per client address.
PUBLIC_SEARCH_RATE_PER_MINUTE = env.int("PUBLIC_SEARCH_RATE_PER_MINUTE", default=30)
# Public search answers are cached per (directory version, date, query); 0 turns caching off.
PUBLIC_SEARCH_CACHE_SECONDS = env.int("PUBLIC_SEARCH_CACHE_SECONDS", default=600)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_celery_beat",
    # platform
    "seedreg.regions",
    "seedreg.accounts",
    "seedreg.audit",
    "seedreg.workcalendar",
    "seedreg.outbox",
    "seedreg.health",
    "seedreg.documents",
    "seedreg.notifications",
    "seedreg.demo",
    "seedreg.sync",
    "seedreg.backup",
    # domain, in the order of the regulatory flow
    "licensing",
    "inspections",
    "labs",
    # faces
    "portal",
    "mobile_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "seedreg.lib.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "seedreg.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "seedreg.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "seedreg.urls"
WSGI_APPLICATION = "seedreg.wsgi.application"
ASGI_APPLICATION = "seedreg.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "seedreg" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "seedreg.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# Embedded default: SQLite in var/, set up for several writers (web, worker, beat, relay):
# WAL journal, a busy timeout, and BEGIN IMMEDIATE so that a transaction takes the write
# lock at its start (select_for_update() does nothing on SQLite).
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_ENV=production needs DATABASE_URL (PostgreSQL)")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "seedreg.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # A file (not :memory:) so that a real Celery worker process sees the test data.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured("DJANGO_ENV=production needs a real database (PostgreSQL), not SQLite")
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Covering indexes (Index(include=...), the ledger's trace index) are PostgreSQL's; SQLite builds
# them without the included columns, which is all a development database needs.
SILENCED_SYSTEM_CHECKS = [] if IS_POSTGRES else ["models.W040"]
if IS_POSTGRES:
    DATABASES["default"].setdefault("OPTIONS", {})
    # A dead or restarting database fails a request in seconds rather than hanging it.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache (shared by throttling, axes and rate limits; must be shared between processes) ---
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Authentication ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock a username from one IP after repeated failures, with a cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of the site; the client address is the one the outermost saw (login
# lock-outs and portal.ratelimit both use it; a client-written X-Forwarded-For is ignored).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Uploads live outside the web root under generated names; they are served only through
    # views that check permissions (see seedreg.documents and the apps' file views).
    "default": {"BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=30 * 1024 * 1024)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)

# --- Celery -------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport in var/ (no broker to install). It does not
# re-deliver the tasks of a worker that died: production uses Redis or RabbitMQ.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # kombu's default is a relative "control" folder (the pidbox exchange tables), which
        # would land in whatever directory the worker was started from.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis", "rediss")):
    # Redis re-delivers an unacknowledged task after the visibility timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # How often a worker looks for tasks whose worker died (kombu: interval × throttle).
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
if CELERY_BROKER_URL.startswith("filesystem") or not DATABASE_URL:
    # The embedded default keeps everything under var/: create the folders at start.
    for folder in (VAR_DIR, BROKER_DIR / "out", BROKER_DIR / "processed", BROKER_DIR / "control"):
        folder.mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Messages to people -----------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="seedreg@localhost")
SMS_BACKEND = env.str("SMS_BACKEND", default="seedreg.notifications.sms.LoggingSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))  # for FileSmsBackend

# Fault tests only: where seedreg.lib.faults.checkpoint finds its gates. Never in production.
FAULT_GATES_DIR = env.str("SEEDREG_FAULT_GATES_DIR", default="")
if PRODUCTION and FAULT_GATES_DIR:
    raise ImproperlyConfigured("SEEDREG_FAULT_GATES_DIR is for fault tests and must not be set in production")

# --- Security (production) ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by seedreg.lib.csp (which says why inline code is still allowed); an empty value turns
# the header off; report-only while trying a change.
CONTENT_SECURITY_POLICY = env.str("CONTENT_SECURITY_POLICY", default=(
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"))
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Cookies only for this host, under the __Host- prefix rules (Secure, path /, no Domain).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- APIs -------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging: JSON lines (production) or key=value lines, each with the request id -------
# Everything goes to stderr; the process manager (systemd/journald, Docker) collects it.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "seedreg.audit.middleware.RequestIdLogFilter"}},
    "formatters": {
        "text": {
            "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s %(message)s",
        },
        "json": {"()": "seedreg.lib.jsonlog.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
    },
}

# --- Regulatory defaults that are not per-county data ------------------------------------
# Per-county values (objection days, geofence radius, ...) live in Station settings: see
# seedreg.regions.settings_registry. These are only platform knobs.
OUTBOX_RELAY_INTERVAL_SECONDS = env.float("OUTBOX_RELAY_INTERVAL_SECONDS", default=2.0)
OUTBOX_BACKLOG_DEGRADED_SECONDS = env.int("OUTBOX_BACKLOG_DEGRADED_SECONDS", default=300)

# --- Mobile API (inspectors' phones) ------------------------------------------------------
MOBILE_TOKEN_DAYS = env.int("MOBILE_TOKEN_DAYS", default=30)
# Requests per user (all their phones together) and, for the token endpoint, per client address.
MOBILE_API_USER_RATE = env.str("MOBILE_API_USER_RATE", default="600/m")
MOBILE_API_LOGIN_RATE = env.str("MOBILE_API_LOGIN_RATE", default="30/m")
# Seconds a phone's "my tasks" download is kept whole in the shared cache (0 = off); a write to
# anything it shows invalidates it at once (seedreg.sync.versions).
MOBILE_DOWNLOAD_CACHE_SECONDS = env.int("MOBILE_DOWNLOAD_CACHE_SECONDS", default=600)
