"""Settings read from the environment (django-environ); the embedded default is SQLite under var/."""

from pathlib import Path

import environ
from celery.schedules import crontab

PACKAGE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
PROJECT_DIR = Path(env.str("CLIENTCENTRIC_HOME", default=str(Path.cwd())))
VAR_DIR = Path(env.str("CLIENTCENTRIC_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("CLIENTCENTRIC_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env.list("CLIENTCENTRIC_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CLIENTCENTRIC_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "simple_history",
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
    # Above every domain app: loads the demo region through their services.
    "clientcentric.demo",
]

MIDDLEWARE = [
    "clientcentric.core.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "clientcentric.core.access.DenyByDefaultMiddleware",
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
        "DIRS": [],
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable Redis answers an error within a second instead of holding a request for minutes.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

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
MEDIA_ROOT = VAR_DIR / "media"

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
# Regional days off or working days over the federal production calendar: a JSON or CSV file.
CLIENTCENTRIC_CALENDAR_OVERRIDES = env.str("CLIENTCENTRIC_CALENDAR_OVERRIDES", default="")
CLIENTCENTRIC_DEMO_APPEALS = env.str("CLIENTCENTRIC_DEMO_APPEALS", default="")
CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE = env.str("CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE", default="")
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

# E-mail: smtp://user:password@host:587/?tls=True in production; printed to the console by default.
vars().update(env.email_url("CLIENTCENTRIC_EMAIL_URL", default="consolemail://"))
# Without a timeout a stalled mail server holds a worker for ever; it must stay below the notification lease.
EMAIL_TIMEOUT = env.int("CLIENTCENTRIC_EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("CLIENTCENTRIC_FROM_EMAIL", default="noreply@clientcentric.local")
CLIENTCENTRIC_SITE_URL = env.str("CLIENTCENTRIC_SITE_URL", default="http://127.0.0.1:8000")

# Notification transports per channel (docs/notifications.md): smtp for e-mail; webhook (a generic HTTP
# gateway) or log for SMS, push and messenger. Log transports write files and stand in for the demo only:
# with CLIENTCENTRIC_DEMO_TRANSPORTS=False a channel without a gateway is simply not offered.
CLIENTCENTRIC_DEMO_TRANSPORTS = env.bool("CLIENTCENTRIC_DEMO_TRANSPORTS", default=True)
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
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pymorphy3": {"level": "WARNING"}},
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
