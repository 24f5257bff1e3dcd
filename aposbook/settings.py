"""AposBook settings: one module, driven by the environment.

A fresh checkout runs with nothing set (SQLite under var/, database cache, console
email). Production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL,
REDIS_URL and the EMAIL_* variables; the README lists every one of them.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("APOSBOOK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production mode (DJANGO_DEBUG unset or 0) needs a "
            "long random secret, for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_NAME = "AposBook"
# Where "write to us" links go (verification and password pages): a mailbox people read.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "help@aposbook.example")

INSTALLED_APPS = [
    "aposbook",
    "articles",
    "forum",
    "policies",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "aposbook.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "aposbook.middleware.PrivatePagesMiddleware",
    "aposbook.replica.ReplicaReadsMiddleware",
    "aposbook.middleware.EdgeLimitsMiddleware",
    "aposbook.middleware.LongTextFormMiddleware",
    "aposbook.middleware.PermissionsPolicyMiddleware",
    "aposbook.middleware.DatabaseOutageMiddleware",
    "aposbook.deadline.BackendDeadlineMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files come precompressed from collectstatic), before
    # everything that writes a response: pages rendered per request are compressed here,
    # with Django's BREACH padding; the cached anonymous page comes gzipped already
    # (forum/pagecache/anonymous.py).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's documented place): the language
    # comes from the language cookie (the footer's switch) or Accept-Language, and every
    # page cache key carries it (forum/pagecache), so no reader gets another's language.
    "aposbook.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "aposbook.urls"
WSGI_APPLICATION = "aposbook.wsgi.application"

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
                "csp.context_processors.nonce",
                "aposbook.context_processors.site",
                "aposbook.context_processors.moderation",
                "aposbook.context_processors.notifications",
            ],
        },
    },
]


# --- Database -----------------------------------------------------------------
def postgresql_options(database: dj_database_url.DBConfig) -> None:
    # A short connect timeout lets a request fail fast (503) when the database is down
    # instead of holding a worker for the kernel's TCP timeout.
    options = database.setdefault("OPTIONS", {})
    options["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 2)
    # Idle persistent connections to a server that vanished (a failover, a dropped
    # route) are found in seconds, not after the kernel's two hours; unacknowledged
    # writes give up after 3 s.
    options.update(keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2)
    options["tcp_user_timeout"] = 3000
    # The server's own limit on one statement (ms; 0: none). gunicorn.conf.py sets it for
    # web processes; commands and the task worker run without one.
    if statement_timeout := env_int("DATABASE_STATEMENT_TIMEOUT", 0):
        options["options"] = f"-c statement_timeout={statement_timeout}"
    # Our backend: Django's, with a client-side deadline on each call (aposbook/deadline.py).
    database["ENGINE"] = "aposbook.postgresql"


DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'aposbook.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Production keeps each worker's connection (opening one costs more than serving a
    # cached page: `make bench`); runserver's thread per request closes its own.
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else env_int("DJANGO_CONN_MAX_AGE", 600)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue
        # instead of failing with "database is locked" halfway through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    postgresql_options(DATABASES["default"])


# A streaming replica of the primary for reads (aposbook/replica.py: who reads where).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# A replica further behind than this (seconds) is not read; the primary is.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))
# A browser that wrote reads the primary this long (more than the lag allowed above).
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
# Each process checks the replica's lag at most this often, and after a failure waits
# the retry interval (a replica that is gone costs a connect attempt only that often).
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "1"))
DATABASE_REPLICA_RETRY_SECONDS = float(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "aposbook.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to name PostgreSQL")
    if DATABASE_REPLICA_PIN_SECONDS <= DATABASE_REPLICA_MAX_LAG:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_PIN_SECONDS must be longer than DATABASE_REPLICA_MAX_LAG, "
            "or a member could miss their own write on a lagging replica"
        )
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    postgresql_options(DATABASES["replica"])
    # A replica that does not answer at once is skipped for the primary.
    DATABASES["replica"]["OPTIONS"]["connect_timeout"] = 1
    # Tests run against one database: the replica alias reads the test primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["aposbook.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "aposbook.User"

# --- Cache and sessions -------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Lets two deployments (or two test runs) share one Redis without sharing keys.
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "aposbook")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
            # Fail fast (503) when Redis is unreachable instead of holding the worker.
            # Redis answers in a millisecond; a page makes several cache calls, so each
            # gets 0.5 s (REDIS_SOCKET_TIMEOUT) and a frozen Redis costs well under 3 s.
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5")),
                "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5")),
                "socket_keepalive": True,
                "health_check_interval": 10,
            },
        }
    }
else:
    # The database cache is shared by every worker process, so rate-limit counters
    # and cached pages stay correct under gunicorn without Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
            # Django's default (300 entries, then a third culled by key order) dropped
            # discussion versions and cached pages as soon as sessions and rate-limit
            # counters filled it; expired rows are still deleted as they are read.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Django's cached_db, read from the database while Redis is down (aposbook/sessions.py).
SESSION_ENGINE = "aposbook.sessions"

# --- Passwords and accounts ---------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's and allauth's backends, loading a member's standing with the member
# (aposbook/backends.py).
AUTHENTICATION_BACKENDS = [
    "aposbook.backends.ModelBackend",
    "aposbook.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "aposbook.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Mandatory at sign-up (so a taken email looks the same as a new one); a later sign-in
# lets an unverified member in to read (aposbook.account_forms.LoginForm).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Tell members by email when their password, email or 2FA changes (allauth's notices).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_FORMS = {
    "signup": "aposbook.account_forms.SignupForm",
    "login": "aposbook.account_forms.LoginForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AposBook] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per account: a stranger's wrong passwords lock password sign-in for 5 minutes at
    # most after they stop, and never codes or passkeys (allauth counts only passwords
    # here), so the member can still sign in with an emailed code.
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_FORMS = {"authenticate_webauthn": "aposbook.account_forms.SecurityKeyForm"}
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "AposBook"
# Off: tracking writes the session row on every signed-in request; the sessions list
# still shows each session with its sign-in time, IP and browser.
USERSESSIONS_TRACK_ACTIVITY = False

# --- Email and background tasks -----------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "AposBook <no-reply@aposbook.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        # In development email prints at once (no worker to start); production queues it
        # in the database for `manage.py db_worker`.
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
# The interface's languages (locale/<code>/LC_MESSAGES/django.po); an article has one of
# them too (articles.Article.language) and its page's interface follows it.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's date formats (templates name them: date:"DATE_FORMAT").
FORMAT_MODULE_PATH = ["aposbook.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
# Dates and numbers follow the active language (Django 5 always localizes: USE_L10N is gone).
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development and tests files come straight from static/; production serves the
# hashed, compressed copies that `collectstatic` writes to STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# --- Security headers ---------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Every form carries its token in a hidden field, so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "aposbook.views.csrf_failure"

# HTTPS: on by default in production. DJANGO_HTTPS=0 is the explicit opt-out for
# plain-http runs on one machine (make serve on 127.0.0.1, reliability tests, benchmark).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# Load balancers probe app servers over plain http on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
# The public address every email links to (replies, unsubscribe, appeals, moderators,
# password resets, confirmations): never the Host a request happened to carry. Unset, it
# is this machine on PORT (make run / make serve), http unless HTTPS is on.
SITE_URL = os.environ.get(
    "SITE_URL", f"{'https' if HTTPS else 'http'}://127.0.0.1:{os.environ.get('PORT', '8000')}"
).rstrip("/")
# allauth's links follow SITE_URL's scheme, so DJANGO_HTTPS=0 runs get http links.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if BEHIND_PROXY:
    # Only behind a proxy that overwrites X-Forwarded-Proto; otherwise clients could lie.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST")
    # The client is the X-Forwarded-For entry our own N-th proxy wrote (counted from the
    # right); entries to its left are the client's to forge. Without this every client
    # is the balancer and allauth's per-IP limits lock everyone out at once.
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
    # A proxy that sets one header with the client's address (X-Real-IP, CF-Connecting-IP)
    # can name it instead; it wins over X-Forwarded-For.
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER") or None
# django-ratelimit (forum/ratelimit.py and any key="ip" limit) asks allauth's rule, so
# every limiter sees the same client address.
RATELIMIT_IP_META_KEY = "aposbook.clientip.client_ip"
# Our pages, images and files may be embedded by our own site only (Spectre-class leaks,
# hotlinking); same-site leaves room for a static or media subdomain.
CROSS_ORIGIN_RESOURCE_POLICY = "same-site"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- Limits at the edge -------------------------------------------------------
# A comment is a few KiB; 256 KiB leaves room for any form while refusing floods.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# The comment and edit forms only (aposbook.middleware.LongTextFormMiddleware): a pasted
# text of a megabyte or so reaches the form, which states the length limit and keeps it.
FORUM_COMMENT_UPLOAD_MAX_SIZE = env_int("FORUM_COMMENT_UPLOAD_MAX_SIZE", 4 * 1024 * 1024)
# Longer query strings than any page needs get a clean 414 (gunicorn caps the line too).
MAX_QUERY_STRING_LENGTH = 4096
# Seconds a request's database call may wait before it is given up as stalled (503):
# with Redis' timeouts below, a frozen backend answers 503 within 3 s. 0 turns it off.
DATABASE_STALL_TIMEOUT = float(os.environ.get("DATABASE_STALL_TIMEOUT", "2"))
# Seconds a client is asked to wait when the database or cache is unreachable.
OUTAGE_RETRY_AFTER = env_int("DJANGO_OUTAGE_RETRY_AFTER", 5)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Nothing unless named below: a new kind of resource (frames, media, workers)
        # is refused until someone decides it belongs here.
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # data: for the TOTP set-up page's QR code (an inline SVG image from allauth).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        # The passkey pages' script and progressive enhancement talk to our own origin.
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Site content -------------------------------------------------------------
CONTENT_DIR = BASE_DIR / "articles" / "content"
DEFAULT_DISCLAIMER = (
    "The published information is based on research and published medical sources. "
    "It is provided for educational purposes only and is not intended to replace "
    "professional medical advice. Always consult with your doctor or healthcare provider "
    "regarding any questions you may have about your health. We are not responsible for "
    "any actions taken based on this information, nor for any errors, omissions, or "
    "inaccuracies in the content. Medical research is constantly evolving, and the "
    "information presented may not reflect the most current medical standards."
)
# Shown verbatim above every discussion and beside every comment form (customer's text).
# Verbatim in English (the customer's words); marked so the Spanish interface has it too
# (aposbook/context_processors.py translates it when shown).
FORUM_NOTICE = gettext_noop(
    "Please remain authentic and respectful. Aposbook does not endorse any comment and "
    "is not responsible for any wrong information provided by users."
)

# --- Logging: one line per event on stderr ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "aposbook.logging.RequestIdFilter"},
        "no_traceback": {"()": "aposbook.logging.NoTracebackFilter"},
    },
    "formatters": {
        "line": {
            "()": "aposbook.logging.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "line",
            "filters": ["request_id"],
        }
    },
    "loggers": {
        # Our request line (aposbook.request) replaces Django's 4xx/5xx lines, which
        # would repeat each failure; server errors still log with their traceback.
        "django.request": {"level": "ERROR"},
        # A bad Host header or an oversized body is the client's mistake: one line, no traceback.
        **{
            f"django.security.{name}": {"filters": ["no_traceback"]}
            for name in (
                "DisallowedHost",
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
            )
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

ARTICLES_PER_PAGE = 20
# The review cycle (issue 17): an article's next review falls this many months after its
# last, and editors are told (and lists say "due soon") this many days before.
ARTICLES_REVIEW_MONTHS = env_int("ARTICLES_REVIEW_MONTHS", 12)
ARTICLES_REVIEW_SOON_DAYS = env_int("ARTICLES_REVIEW_SOON_DAYS", 30)
# The school grade patient material aims at (shown beside the reading level in the admin).
ARTICLES_TARGET_GRADE = 8

# --- Discussion forum (forum app) ----------------------------------------------
FORUM_MAX_COMMENT_LENGTH = env_int("FORUM_MAX_COMMENT_LENGTH", 5000)
FORUM_MAX_LINKS = env_int("FORUM_MAX_LINKS", 5)
FORUM_EDIT_WINDOW_MINUTES = env_int("FORUM_EDIT_WINDOW_MINUTES", 15)
FORUM_THREADS_PER_PAGE = env_int("FORUM_THREADS_PER_PAGE", 20)
# Comments a member may store per window, in django-ratelimit's notation; counted from
# their stored comments (forum/ratelimit.py), so a refused attempt never uses one up.
FORUM_POST_RATE = env_list("FORUM_POST_RATE", "5/m,40/h")

# --- Moderation (issue 6) -----------------------------------------------------
# Distinct open reporters after which a comment is hidden until a moderator decides.
FORUM_HIDE_AFTER_REPORTS = env_int("FORUM_HIDE_AFTER_REPORTS", 3)
# --- DSA duties (issue 14) ------------------------------------------------------
# How long after a decision a complaint against it is taken (Art. 20(1): six months).
FORUM_COMPLAINT_MONTHS = env_int("FORUM_COMPLAINT_MONTHS", 6)
# Misuse of reporting (Art. 23): over the last FORUM_MISUSE_WINDOW_DAYS, a member with at
# least FORUM_MISUSE_WARN_AFTER reports dismissed as manifestly unfounded, and those at
# least FORUM_MISUSE_MIN_SHARE % of their decided reports, is warned; reaching
# FORUM_MISUSE_LIMIT_AFTER after the warning, their reports stop counting toward
# auto-hide for FORUM_MISUSE_LIMIT_DAYS (they still reach the queue).
FORUM_MISUSE_WINDOW_DAYS = env_int("FORUM_MISUSE_WINDOW_DAYS", 90)
FORUM_MISUSE_WARN_AFTER = env_int("FORUM_MISUSE_WARN_AFTER", 3)
FORUM_MISUSE_LIMIT_AFTER = env_int("FORUM_MISUSE_LIMIT_AFTER", 5)
FORUM_MISUSE_MIN_SHARE = env_int("FORUM_MISUSE_MIN_SHARE", 50)
FORUM_MISUSE_LIMIT_DAYS = env_int("FORUM_MISUSE_LIMIT_DAYS", 30)
# A new member's comments wait for a moderator until this many were approved.
FORUM_PREMODERATE_UNTIL_APPROVED = env_int("FORUM_PREMODERATE_UNTIL_APPROVED", 1)
# Moderators see members' reports and private notes: their accounts need 2FA.
FORUM_MODERATORS_REQUIRE_2FA = env_bool("FORUM_MODERATORS_REQUIRE_2FA", True)
# Moderators get an email about a queue item that has waited longer than this.
FORUM_QUEUE_ALERT_HOURS = env_int("FORUM_QUEUE_ALERT_HOURS", 12)
# A crisis item nobody claims within this many minutes is sent to every moderator.
FORUM_CRISIS_ESCALATE_MINUTES = env_int("FORUM_CRISIS_ESCALATE_MINUTES", 15)
FORUM_QUEUE_PER_PAGE = 25
# Days the original of redacted text stays in the moderators' revision history before
# the daily job deletes it (forum/moderation/redaction.py).
FORUM_REDACTED_RETENTION_DAYS = env_int("FORUM_REDACTED_RETENTION_DAYS", 30)
# The automated respect signal (0-1, forum/moderation/toxicity.py) at or above which a new
# comment is held with "may be disrespectful". It never refuses. Measured in tests/.
FORUM_TOXICITY_HOLD = float(os.environ.get("FORUM_TOXICITY_HOLD", "0.5"))

# --- Notices and policy pages (issue 14) ---------------------------------------
# Hours a visitor's notice waits for its email to be confirmed; the daily prune then
# deletes it (forum/moderation/notices.py).
FORUM_NOTICE_CONFIRM_HOURS = env_int("FORUM_NOTICE_CONFIRM_HOURS", 48)
# Notices a visitor may send per window, counted per client address and per email
# (django-ratelimit's notation, in the shared cache). Contact messages likewise.
FORUM_NOTICE_RATE = env_list("FORUM_NOTICE_RATE", "3/10m,10/d")
CONTACT_RATE = env_list("CONTACT_RATE", "3/10m,10/d")

# --- Trust: reactions and verified experts (issue 16) --------------------------
# "Helpful" / "Same for me" changes a member may make per window (django-ratelimit's
# notation, counted in the shared cache: forum/ratelimit.py).
FORUM_REACTION_RATE = env_list("FORUM_REACTION_RATE", "20/m,200/h")
# Reactions made by an account younger than this count for nothing (counts, ranking).
FORUM_REACTION_MIN_ACCOUNT_HOURS = env_int("FORUM_REACTION_MIN_ACCOUNT_HOURS", 24)
# How long a verification lasts, and how long before its end the member is reminded.
FORUM_EXPERT_VALID_DAYS = env_int("FORUM_EXPERT_VALID_DAYS", 365)
FORUM_EXPERT_REMINDER_DAYS = env_int("FORUM_EXPERT_REMINDER_DAYS", 30)
# How often the task worker looks for credentials to remind about or to expire.
FORUM_EXPERT_CHECK_MINUTES = env_int("FORUM_EXPERT_CHECK_MINUTES", 60)
FORUM_LOG_PER_PAGE = 50

# --- Community: search (issue 15) ---------------------------------------------
# Comment results per page on the search page and the moderators' comment search.
FORUM_SEARCH_PER_PAGE = env_int("FORUM_SEARCH_PER_PAGE", 20)
# Notifications older than this many days are deleted by the daily job, read or not.
FORUM_NOTIFICATIONS_KEEP_DAYS = env_int("FORUM_NOTIFICATIONS_KEEP_DAYS", 90)
FORUM_NOTIFICATIONS_PER_PAGE = 25

# --- Performance (forum/pagecache/) -------------------------------------------
# How long an anonymous article page or a rendered thread may be served from the shared
# cache; any change to the discussion replaces them at once, this only bounds how stale
# relative times ("3 minutes ago") can get.
FORUM_PAGE_CACHE_SECONDS = env_int("FORUM_PAGE_CACHE_SECONDS", 60)
# A discussion that changes many times a second has its anonymous page rendered at most
# once per this many milliseconds, by one request at a time; readers meanwhile get the
# page made before (forum/pagecache/anonymous.py). 0: render at every change.
FORUM_RENDER_COALESCE_MS = env_int("FORUM_RENDER_COALESCE_MS", 250)
# How long a moderator's queue listing may be served from the shared cache; any change
# to the queue replaces it at once, this bounds relative times and sanctions running out.
FORUM_QUEUE_CACHE_SECONDS = env_int("FORUM_QUEUE_CACHE_SECONDS", 60)
