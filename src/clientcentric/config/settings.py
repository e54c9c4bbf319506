"""Settings read from the environment (django-environ); the embedded default is SQLite under var/."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp import constants as csp

PACKAGE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
PROJECT_DIR = Path(env.str("CLIENTCENTRIC_HOME", default=str(Path.cwd())))
VAR_DIR = Path(env.str("CLIENTCENTRIC_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The open data the demo, tests and benchmarks use ships in the repository's data/ (see data/README.md).
_REPOSITORY_DATA = PACKAGE_DIR.parent.parent / "data"
DATA_DIR = Path(
    env.str(
        "CLIENTCENTRIC_DATA_DIR",
        default=str(_REPOSITORY_DATA if _REPOSITORY_DATA.is_dir() else PROJECT_DIR / "data"),
    )
)

DEBUG = env.bool("CLIENTCENTRIC_DEBUG", default=False)
# The built-in key is public, so whatever is signed with it (feedback and unsubscribe links, sessions) can be
# forged: the web entry points refuse to serve with it, or with none, unless DEBUG is on (config/safety.py).
INSECURE_DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEVELOPMENT_SECRET_KEY)
# Rotation (docs/operations.md): the previous keys, comma-separated, still verify sessions and signed links.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("CLIENTCENTRIC_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CLIENTCENTRIC_CSRF_TRUSTED_ORIGINS", default=[])
# A refused form is a Russian page in the site's layout (JSON under /api/), not Django's technical one.
CSRF_FAILURE_VIEW = "clientcentric.core.views.csrf_failure"

# HTTPS (docs/operations.md, "Deploy"): CLIENTCENTRIC_HTTPS=true, for a site served over TLS, turns on the
# redirect, secure cookies, HSTS and trust in the reverse proxy's X-Forwarded-Proto; each can be set on its own.
_https = env.bool("CLIENTCENTRIC_HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("CLIENTCENTRIC_SSL_REDIRECT", default=_https)
# Health probes and the metrics scraper call these over plain HTTP on the host itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("CLIENTCENTRIC_SECURE_COOKIES", default=_https)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("CLIENTCENTRIC_HSTS_SECONDS", default=31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("CLIENTCENTRIC_HSTS_INCLUDE_SUBDOMAINS", default=_https)
SECURE_HSTS_PRELOAD = env.bool("CLIENTCENTRIC_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a request to the browser vendors that is slow to undo: the operator's decision, not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The header a TLS-terminating reverse proxy sets to say the request came over HTTPS. Trust it only when the
# application is reachable through that proxy alone (`serve` binds to 127.0.0.1), else a client could send it.
_proxy_ssl_header = env.str("CLIENTCENTRIC_PROXY_SSL_HEADER", default="X-Forwarded-Proto" if _https else "")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
USE_X_FORWARDED_HOST = env.bool("CLIENTCENTRIC_USE_X_FORWARDED_HOST", default=False)
# /metrics: with a token, only for `Authorization: Bearer <token>`; without one, only for a scraper on this host
# that does not come through a proxy.
CLIENTCENTRIC_METRICS_TOKEN = env.str("CLIENTCENTRIC_METRICS_TOKEN", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "clientcentric.core",
    "clientcentric.accounts",
    "clientcentric.registry",
    "clientcentric.appeals",
    "clientcentric.subscriptions",
    "clientcentric.feedback",
    "clientcentric.knowledge",
    "clientcentric.rules",
    "clientcentric.delivery",
    "clientcentric.research",
    "clientcentric.design",
    "clientcentric.business",
    "clientcentric.supervision",
    "clientcentric.conformance",
    # Above every domain app: loads the demo region through their services.
    "clientcentric.demo",
]

MIDDLEWARE = [
    "clientcentric.core.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clientcentric.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Under /api/ every error is the API's JSON shape; elsewhere a refused rate limit is a Russian page.
    "clientcentric.core.middleware.ErrorShapeMiddleware",
    "clientcentric.core.access.DenyByDefaultMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "clientcentric.config.urls"
WSGI_APPLICATION = "clientcentric.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:home"
LOGOUT_REDIRECT_URL = "registry:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' templates: Django's own admin templates that leave English on a Russian screen
        # (admin/search_form.html's alt="Search"), copied with the text translated.
        "DIRS": [PACKAGE_DIR / "core" / "template_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clientcentric.core.context_processors.region",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clientcentric.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Reusing connections halves the database's CPU per request (measured by bench/intake.py).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CLIENTCENTRIC_DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that stops answering must cost a request seconds, not minutes (docs/operations.md, "Deploy"): a new
# connection gives up after the connect timeout, a query after the statement timeout (the server cancels it),
# and a query on a server that no longer answers at all after the statement timeout and a grace (the client cuts
# the socket). Web processes (wsgi.py, asgi.py) default to a statement timeout; workers and commands, whose
# imports and population runs may legitimately run long, to none.
CLIENTCENTRIC_DB_CONNECT_TIMEOUT = env.int("CLIENTCENTRIC_DB_CONNECT_TIMEOUT", default=3)
CLIENTCENTRIC_DB_STATEMENT_TIMEOUT = env.float(
    "CLIENTCENTRIC_DB_STATEMENT_TIMEOUT",
    default=15 if env.bool("CLIENTCENTRIC_SERVING", default=False) else 0,
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "clientcentric.core.postgresql"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", CLIENTCENTRIC_DB_CONNECT_TIMEOUT)
    # A host that vanished (no RST, no ACK) is noticed by the kernel in seconds instead of ~15 minutes: probes
    # after 30 s of silence, and data unacknowledged for 10 s ends the connection.
    _options.setdefault("keepalives", 1)
    _options.setdefault("keepalives_idle", 30)
    _options.setdefault("keepalives_interval", 5)
    _options.setdefault("keepalives_count", 3)
    _options.setdefault("tcp_user_timeout", 10_000)
    if CLIENTCENTRIC_DB_STATEMENT_TIMEOUT:
        _options["options"] = (
            _options.get("options", "")
            + f" -c statement_timeout={int(CLIENTCENTRIC_DB_STATEMENT_TIMEOUT * 1000)}"
        ).strip()
        DATABASES["default"]["CLIENT_STATEMENT_DEADLINE"] = CLIENTCENTRIC_DB_STATEMENT_TIMEOUT + env.float(
            "CLIENTCENTRIC_DB_DEADLINE_GRACE", default=2
        )
    # `SELECT 1` on a pooled connection takes milliseconds; a server that cannot answer it in this time is gone.
    DATABASES["default"]["CLIENT_HEALTH_CHECK_DEADLINE"] = env.float(
        "CLIENTCENTRIC_DB_HEALTH_CHECK_TIMEOUT", default=2
    )
# Dashboards, open data and the analysts' pages may read a replica (core/databases.py, docs/scaling.md): the same
# engine, options and timeouts as the primary, another host. Tests read the primary through it (MIRROR).
if env.str("CLIENTCENTRIC_REPORTS_DATABASE_URL", default=""):
    _replica = env.db("CLIENTCENTRIC_REPORTS_DATABASE_URL")
    DATABASES["reports"] = {
        **DATABASES["default"],
        **{key: _replica[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT") if key in _replica},
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["clientcentric.core.databases.ReportsRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The default cache is shared by every process of the installation (docs/scaling.md): rate limits count in it
# and the process caches keep their version tokens there. Redis when REDIS_URL is set; else files under var/,
# shared by the processes of one machine; CLIENTCENTRIC_CACHE_URL (django-environ's cache URL, e.g.
# dbcache://clientcentric_cache after `clientcentric createcachetable`) overrides both.
if env.str("CLIENTCENTRIC_CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CLIENTCENTRIC_CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable Redis answers an error within a second instead of holding a request for minutes.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
# How often a process asks the shared cache whether the small tables it keeps in memory changed elsewhere
# (core/process_cache.py): a revoked token is refused on every node within about twice this.
CLIENTCENTRIC_CACHE_CHECK_SECONDS = env.float("CLIENTCENTRIC_CACHE_CHECK_SECONDS", default=0.25)

# Rate limits count in Redis when there is one, else in a table: the embedded default's cache is per process
# (core.services.rate_limit, docs/rate-limits.md).
CLIENTCENTRIC_RATE_LIMIT_STORE = "cache" if REDIS_URL else "database"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Tasks are fire-and-forget: nobody waits for a result, and asking the result store for one on every publish made
# each request hang ~19 s (twenty reconnects) while Redis was down. A caller that wants a result asks per call.
CELERY_TASK_IGNORE_RESULT = True
# Publishing happens after a request's commit: it must fail fast rather than hold the request, because the outbox
# scan delivers what was not published (docs/operations-health.md). Workers and beat reconnect on their own.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CLIENTCENTRIC_BROKER_CONNECT_TIMEOUT", default=0.5)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CLIENTCENTRIC_BROKER_SOCKET_TIMEOUT", default=2.0),
    # kombu's reconnect loop before a publish: one try, no back-off sleeps inside a request.
    "max_retries": 0,
}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# A worker reserves one message at a time per process, so a dying worker holds back no more than it was running.
# Tasks that must survive a worker's death (the population run's chunks) are acknowledged only after they ran
# (acks_late + reject_on_worker_lost on the task) and are idempotent (docs/scaling.md).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged message to another worker after this many seconds; longer than any task runs.
# Workers look for such messages every 10 s (kombu's default is every 10th sweep of 10 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CLIENTCENTRIC_CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    # The safety net under the after-commit delivery: retries that are due, and mail kept while a server was down.
    "notifications-send-due": {"task": "clientcentric.core.tasks.send_due_notifications", "schedule": 30.0},
    "notifications-daily-digest": {
        "task": "clientcentric.subscriptions.tasks.send_digests",
        "schedule": crontab(hour=6, minute=0),
        "args": ("daily",),
    },
    "notifications-weekly-digest": {
        "task": "clientcentric.subscriptions.tasks.send_digests",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "args": ("weekly",),
    },
    # Dashboards read pre-aggregated counts; this keeps them at most ten minutes behind the answers.
    "feedback-aggregate": {"task": "clientcentric.feedback.tasks.aggregate", "schedule": 600.0},
    # Evidence moves slowly: once a night is enough to draft need-status changes for a methodologist.
    "research-propose-need-statuses": {
        "task": "clientcentric.research.tasks.propose_need_statuses",
        "schedule": crontab(hour=5, minute=30),
    },
    # Reminders of proactive delivery: appointments a day ahead (hourly), offers still open after a week (daily);
    # each is sent once, so a run twice over does no harm.
    "delivery-appointment-reminders": {
        "task": "clientcentric.delivery.tasks.send_appointment_reminders",
        "schedule": crontab(minute=5),
    },
    "delivery-offer-reminders": {
        "task": "clientcentric.delivery.tasks.send_offer_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # The whole client base against every rule in force, at night; a run cut short continues where it stopped.
    "delivery-eligibility-run": {
        "task": "clientcentric.delivery.tasks.run_population",
        "schedule": crontab(hour=2, minute=30),
    },
    "delivery-segments-run": {
        "task": "clientcentric.delivery.tasks.run_segments",
        "schedule": crontab(hour=3, minute=15),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("CLIENTCENTRIC_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "patronymic", "email")},
    },
]

# Staff roles that read personal data sign in with a one-time code as well (accounts.roles.SECOND_FACTOR_ROLES,
# docs/security-staff.md). Turning this off is for a closed test bench only.
CLIENTCENTRIC_REQUIRE_2FA = env.bool("CLIENTCENTRIC_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env.str("CLIENTCENTRIC_OTP_ISSUER", default="Clientcentric")

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one account from one address, that pair is locked
# for the cool-off time. Attempts are kept in the database, so the lock holds across workers and servers.
AXES_FAILURE_LIMIT = env.int("CLIENTCENTRIC_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CLIENTCENTRIC_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Its start-up banner would open every command's output; lockouts and failures are still logged.
AXES_VERBOSE = False
# Behind a reverse proxy, name the header that carries the client's address (e.g. HTTP_X_FORWARDED_FOR).
# Sign-in lockouts and rate limits count per client address, read from the first of these present.
CLIENTCENTRIC_CLIENT_IP_HEADERS = env.list("CLIENTCENTRIC_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
AXES_IPWARE_META_PRECEDENCE_ORDER = CLIENTCENTRIC_CLIENT_IP_HEADERS

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("CLIENTCENTRIC_TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Files are served from the installed apps directly, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files (appeal photos, control documents, staged imports) go through Django's storage API only, so every
# web node and worker sees the same files: a directory shared by the nodes (NFS, CephFS…), or S3-compatible
# storage when CLIENTCENTRIC_MEDIA_S3_BUCKET is set (pip install 'clientcentric[s3]'; docs/scaling.md).
MEDIA_ROOT = Path(env.str("CLIENTCENTRIC_MEDIA_ROOT", default=str(VAR_DIR / "media")))
CLIENTCENTRIC_MEDIA_S3_BUCKET = env.str("CLIENTCENTRIC_MEDIA_S3_BUCKET", default="")
if CLIENTCENTRIC_MEDIA_S3_BUCKET:
    _media = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": CLIENTCENTRIC_MEDIA_S3_BUCKET,
            "endpoint_url": env.str("CLIENTCENTRIC_MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("CLIENTCENTRIC_MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("CLIENTCENTRIC_MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("CLIENTCENTRIC_MEDIA_S3_SECRET_KEY", default="") or None,
            "location": env.str("CLIENTCENTRIC_MEDIA_S3_PREFIX", default=""),
            # Appeals' photos and control documents are personal data: private objects, signed links.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # The location is MEDIA_ROOT, read when used (tests point it at a temporary directory).
    _media = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `clientcentric backup|restore` on PostgreSQL: the folder of pg_dump and pg_restore (empty: found on PATH).
CLIENTCENTRIC_PG_BIN_DIR = env.str("CLIENTCENTRIC_PG_BIN_DIR", default="")

# Imports larger than this are refused before they are read.
CLIENTCENTRIC_IMPORT_MAX_BYTES = env.int("CLIENTCENTRIC_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Below this classifier confidence an appeal waits for a human router.
CLIENTCENTRIC_ROUTING_THRESHOLD = env.float("CLIENTCENTRIC_ROUTING_THRESHOLD", default=0.5)
CLIENTCENTRIC_REOPEN_DAYS = env.int("CLIENTCENTRIC_REOPEN_DAYS", default=30)
# Feedback: how long a rating link works, and what makes an answer "unhappy" enough for a follow-up
# (satisfaction at or below this level, or "my need was not met"; either way only with a comment).
CLIENTCENTRIC_FEEDBACK_LINK_DAYS = env.int("CLIENTCENTRIC_FEEDBACK_LINK_DAYS", default=14)
CLIENTCENTRIC_FEEDBACK_UNHAPPY_SATISFACTION = env.int(
    "CLIENTCENTRIC_FEEDBACK_UNHAPPY_SATISFACTION", default=2
)
CLIENTCENTRIC_FEEDBACK_UNHAPPY_NEED_NOT_MET = env.bool(
    "CLIENTCENTRIC_FEEDBACK_UNHAPPY_NEED_NOT_MET", default=True
)
# Knowledge base: how long an article holds before its review, and how sure the chat-bot must be to answer alone.
CLIENTCENTRIC_KB_REVIEW_DAYS = env.int("CLIENTCENTRIC_KB_REVIEW_DAYS", default=365)
CLIENTCENTRIC_CHATBOT_CONFIDENCE = env.float("CLIENTCENTRIC_CHATBOT_CONFIDENCE", default=0.6)
# The learned re-ranker of every search (`clientcentric kb train`); without the file the ranking is BM25F.
CLIENTCENTRIC_KB_MODEL = env.str("CLIENTCENTRIC_KB_MODEL", default=str(VAR_DIR / "kb_ranker.json"))
# A chat handed over to a person must be picked up within this many minutes of working time.
CLIENTCENTRIC_CHAT_HANDOVER_MINUTES = env.int("CLIENTCENTRIC_CHAT_HANDOVER_MINUTES", default=15)
# Regional days off or working days over the federal production calendar: a JSON or CSV file.
CLIENTCENTRIC_CALENDAR_OVERRIDES = env.str("CLIENTCENTRIC_CALENDAR_OVERRIDES", default="")
CLIENTCENTRIC_DEMO_APPEALS = env.str("CLIENTCENTRIC_DEMO_APPEALS", default="")
CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE = env.str("CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE", default="")
CLIENTCENTRIC_REQUIREMENTS_DIR = env.str("CLIENTCENTRIC_REQUIREMENTS_DIR", default="")
# How long a journey map's evidence (aggregates over all appeals) is reused before it is computed again.
CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS = env.int("CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS", default=300)
# When the evidence about a need suggests a new status (research/proposals.py); see docs/research-and-design.md.
CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS = env.json("CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS", default={})
CLIENTCENTRIC_REGION_NAME = env.str("CLIENTCENTRIC_REGION_NAME", default="Демонстрационная область")
# The map where a citizen points at the place of a problem: any XYZ tile server (empty: no map, coordinates typed).
CLIENTCENTRIC_MAP_TILES = env.str(
    "CLIENTCENTRIC_MAP_TILES", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
CLIENTCENTRIC_MAP_ATTRIBUTION = env.str("CLIENTCENTRIC_MAP_ATTRIBUTION", default="© участники OpenStreetMap")
CLIENTCENTRIC_MAP_CENTER = env.list("CLIENTCENTRIC_MAP_CENTER", cast=float, default=[59.9386, 30.3141, 11])


def _map_tile_origins(template: str) -> list[str]:
    """The origin the map's tiles come from, for the policy's img-src; `{s}` subdomains become a wildcard."""
    parts = urlsplit(template.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content-Security-Policy (django-csp): scripts only from this site, so an injected <script> or on…= attribute
# does not run. Inline styles stay allowed: templates, the generated SVG charts and htmx's indicator use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", *_map_tile_origins(CLIENTCENTRIC_MAP_TILES)],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# E-mail: smtp://user:password@host:587/?tls=True in production. Without it nothing is sent or printed: each
# message lands in a Maildir under var/ that operators open at /staff/mailbox/ (core.local_mailbox).
if env.str("CLIENTCENTRIC_EMAIL_URL", default=""):
    vars().update(env.email_url("CLIENTCENTRIC_EMAIL_URL"))
else:
    EMAIL_BACKEND = "clientcentric.core.local_mailbox.MaildirBackend"
CLIENTCENTRIC_MAILBOX_DIR = env.str("CLIENTCENTRIC_MAILBOX_DIR", default=str(VAR_DIR / "mailbox"))
# Without a timeout a stalled mail server holds a worker for ever; it must stay below the notification lease.
EMAIL_TIMEOUT = env.int("CLIENTCENTRIC_EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("CLIENTCENTRIC_FROM_EMAIL", default="noreply@clientcentric.local")
CLIENTCENTRIC_SITE_URL = env.str("CLIENTCENTRIC_SITE_URL", default="http://127.0.0.1:8000")

# Notification transports per channel (docs/notifications.md): smtp for e-mail; webhook (a generic HTTP
# gateway) or log for SMS, push and messenger. Log transports write files and stand in for the demo only:
# with CLIENTCENTRIC_DEMO_TRANSPORTS=False a channel without a gateway is simply not offered.
CLIENTCENTRIC_DEMO_TRANSPORTS = env.bool("CLIENTCENTRIC_DEMO_TRANSPORTS", default=True)
# State registers asked for a fact the profile lacks (delivery/registries.py, docs/applications.md). The demo's
# register of disabled persons reads a CSV of SNILS; it stands in for ФГИС ФРИ and is on only with this flag.
CLIENTCENTRIC_DEMO_REGISTERS = env.bool("CLIENTCENTRIC_DEMO_REGISTERS", default=True)
CLIENTCENTRIC_FACT_REGISTERS = env.list(
    "CLIENTCENTRIC_FACT_REGISTERS", default=["fri-demo"] if CLIENTCENTRIC_DEMO_REGISTERS else []
)
CLIENTCENTRIC_FRI_DEMO_FILE = env.str(
    "CLIENTCENTRIC_FRI_DEMO_FILE", default=str(PACKAGE_DIR / "delivery" / "fri_demo.json")
)
CLIENTCENTRIC_NOTIFICATION_WEBHOOKS = {
    channel: {
        "url": env.str(f"CLIENTCENTRIC_{channel.upper()}_WEBHOOK_URL", default=""),
        "token": env.str(f"CLIENTCENTRIC_{channel.upper()}_WEBHOOK_TOKEN", default=""),
    }
    for channel in ("sms", "push", "messenger")
}
CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
    "email": env.str("CLIENTCENTRIC_EMAIL_TRANSPORT", default="smtp"),
    **{
        channel: env.str(
            f"CLIENTCENTRIC_{channel.upper()}_TRANSPORT",
            default="webhook" if hook["url"] else ("log" if CLIENTCENTRIC_DEMO_TRANSPORTS else ""),
        )
        for channel, hook in CLIENTCENTRIC_NOTIFICATION_WEBHOOKS.items()
    },
}
# Two-way social channels and the Telegram messenger channel (docs/channels.md). The base URLs point at the real
# APIs; tests and a staging stand point them at a local server that speaks the same HTTP.
CLIENTCENTRIC_TELEGRAM_API_URL = env.str("CLIENTCENTRIC_TELEGRAM_API_URL", default="https://api.telegram.org")
CLIENTCENTRIC_TELEGRAM_BOT_TOKEN = env.str("CLIENTCENTRIC_TELEGRAM_BOT_TOKEN", default="")
CLIENTCENTRIC_VK_API_URL = env.str("CLIENTCENTRIC_VK_API_URL", default="https://api.vk.com/method")
CLIENTCENTRIC_VK_API_VERSION = env.str("CLIENTCENTRIC_VK_API_VERSION", default="5.199")
CLIENTCENTRIC_VK_ACCESS_TOKEN = env.str("CLIENTCENTRIC_VK_ACCESS_TOKEN", default="")
CLIENTCENTRIC_MESSENGER_API_TIMEOUT = env.float("CLIENTCENTRIC_MESSENGER_API_TIMEOUT", default=10)
if CLIENTCENTRIC_TELEGRAM_BOT_TOKEN and "CLIENTCENTRIC_MESSENGER_TRANSPORT" not in os.environ:
    CLIENTCENTRIC_NOTIFICATION_TRANSPORTS["messenger"] = "telegram"
# Voice and video appeals (docs/channels.md): recordings are kept as sent, within these sizes.
CLIENTCENTRIC_APPEAL_AUDIO_MAX_MB = env.int("CLIENTCENTRIC_APPEAL_AUDIO_MAX_MB", default=20)
CLIENTCENTRIC_APPEAL_VIDEO_MAX_MB = env.int("CLIENTCENTRIC_APPEAL_VIDEO_MAX_MB", default=100)
# The longest recording (a citizen's voice or video message, a call centre's recorded call), in minutes.
CLIENTCENTRIC_APPEAL_MEDIA_MAX_MINUTES = env.int("CLIENTCENTRIC_APPEAL_MEDIA_MAX_MINUTES", default=60)
# The personal cabinet is the platform's own inbox: always there.
CLIENTCENTRIC_NOTIFICATION_TRANSPORTS["cabinet"] = env.str(
    "CLIENTCENTRIC_CABINET_TRANSPORT", default="cabinet"
)
CLIENTCENTRIC_NOTIFICATION_LOG_DIR = env.str(
    "CLIENTCENTRIC_NOTIFICATION_LOG_DIR", default=str(VAR_DIR / "notifications")
)
CLIENTCENTRIC_NOTIFICATION_WEBHOOK_TIMEOUT = env.float(
    "CLIENTCENTRIC_NOTIFICATION_WEBHOOK_TIMEOUT", default=10
)
CLIENTCENTRIC_NOTIFICATION_MAX_ATTEMPTS = env.int("CLIENTCENTRIC_NOTIFICATION_MAX_ATTEMPTS", default=5)
# Retry n waits BACKOFF·2^(n−1) seconds: 30 s, 1 min, 2 min, 4 min … capped at 6 h.
CLIENTCENTRIC_NOTIFICATION_BACKOFF_SECONDS = env.int("CLIENTCENTRIC_NOTIFICATION_BACKOFF_SECONDS", default=30)
# A failed message keeps its address and text this long for a person to retry it, then they are removed.
# A worker claims this many due messages at a time; what it has not tried when it dies goes back to the queue.
CLIENTCENTRIC_NOTIFICATION_CHUNK = env.int("CLIENTCENTRIC_NOTIFICATION_CHUNK", default=25)
# A claim not renewed for this long belonged to a worker that died. It must exceed the slowest single send
# (the webhook timeout, the SMTP timeout): a live worker renews its claim after every message.
CLIENTCENTRIC_NOTIFICATION_LEASE_SECONDS = env.int("CLIENTCENTRIC_NOTIFICATION_LEASE_SECONDS", default=120)
CLIENTCENTRIC_NOTIFICATION_KEEP_FAILED_DAYS = env.int(
    "CLIENTCENTRIC_NOTIFICATION_KEEP_FAILED_DAYS", default=30
)
CLIENTCENTRIC_UNSUBSCRIBE_MAILTO = env.str(
    "CLIENTCENTRIC_UNSUBSCRIBE_MAILTO", default="unsubscribe@" + DEFAULT_FROM_EMAIL.rpartition("@")[2]
)

LOG_LEVEL = env.str("CLIENTCENTRIC_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "clientcentric.core.logging.json_formatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pymorphy3": {"level": "WARNING"},
        # In-process tasks (no REDIS_URL) use kombu's memory transport, which warns it has no host name.
        **({} if REDIS_URL else {"kombu.connection": {"level": "ERROR"}}),
    },
}
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 500

# «Государство для бизнеса»: public consultation windows in calendar days (ORV-3 regional example; AKE ≥ 7 days),
# and the smallest group an anonymised data set may show (DESIGN.md §6).
CLIENTCENTRIC_CONSULTATION_DAYS = {
    "high": env.int("CLIENTCENTRIC_RIA_DAYS_HIGH", default=20),
    "medium": env.int("CLIENTCENTRIC_RIA_DAYS_MEDIUM", default=15),
    "low": env.int("CLIENTCENTRIC_RIA_DAYS_LOW", default=10),
    "anti_corruption": env.int("CLIENTCENTRIC_ANTI_CORRUPTION_DAYS", default=7),
    "max": env.int("CLIENTCENTRIC_CONSULTATION_DAYS_MAX", default=45),
}
CLIENTCENTRIC_MIN_CELL = env.int("CLIENTCENTRIC_MIN_CELL", default=10)
