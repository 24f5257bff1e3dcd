"""The settings module in both configurations, each imported fresh in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SHOW = """
import json
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": db["ENGINE"],
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "OPTIONS": db.get("OPTIONS", {}),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_OPTIONS": s.CACHES["default"].get("OPTIONS", {}),
    "SESSION_ENGINE": s.SESSION_ENGINE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "DATA_UPLOAD_MAX_MEMORY_SIZE": s.DATA_UPLOAD_MAX_MEMORY_SIZE,
    "ALLAUTH_TRUSTED_PROXY_COUNT": getattr(s, "ALLAUTH_TRUSTED_PROXY_COUNT", 0),
    "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": getattr(s, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None),
    "RATELIMIT_IP_META_KEY": getattr(s, "RATELIMIT_IP_META_KEY", None),
    "SITE_URL": s.SITE_URL,
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL": s.ACCOUNT_DEFAULT_HTTP_PROTOCOL,
}))
"""


def run_with(tmp_path, args: list[str], **env_vars) -> subprocess.CompletedProcess:
    """Run python with only the given settings in the environment (none from the shell)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_URL", "APOSBOOK_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="aposbook.settings", APOSBOOK_VAR_DIR=str(tmp_path))
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def load_settings(tmp_path, **env_vars) -> subprocess.CompletedProcess:
    return run_with(tmp_path, ["-c", "import django; django.setup()\n" + SHOW], **env_vars)


def settings_with(tmp_path, **env_vars) -> dict:
    result = load_settings(tmp_path, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_defaults_are_sqlite_database_cache_and_https_on(tmp_path):
    s = settings_with(tmp_path, DJANGO_SECRET_KEY="x" * 50)
    assert s["DEBUG"] is False
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert s["CACHE"] == "django.core.cache.backends.db.DatabaseCache"
    assert s["SESSION_ENGINE"] == "aposbook.sessions"  # cached_db, readable without Redis
    assert s["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31536000
    assert s["SECURE_HSTS_PRELOAD"] is True
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] is None
    assert s["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 256 * 1024


def test_postgres_and_redis_from_the_environment(tmp_path):
    s = settings_with(
        tmp_path,
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app:pw@db.internal:5432/aposbook",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    # Django's PostgreSQL backend with a client-side deadline (aposbook/deadline.py).
    assert s["ENGINE"] == "aposbook.postgresql"
    assert s["CONN_MAX_AGE"] == 600
    assert s["CONN_HEALTH_CHECKS"] is True
    assert s["OPTIONS"]["connect_timeout"] == 2
    assert s["OPTIONS"]["keepalives"] == 1
    assert s["OPTIONS"]["tcp_user_timeout"] == 3000
    assert "options" not in s["OPTIONS"]  # no server-side limit outside web processes
    assert s["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHE_OPTIONS"]["socket_connect_timeout"] == 0.5
    assert s["CACHE_OPTIONS"]["socket_timeout"] == 0.5
    assert s["SESSION_ENGINE"] == "aposbook.sessions"  # cached_db, readable without Redis


def test_plain_http_opt_out_and_proxy_header(tmp_path):
    s = settings_with(
        tmp_path, DJANGO_SECRET_KEY="x" * 50, DJANGO_HTTPS="0", DJANGO_BEHIND_PROXY="1"
    )
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_HSTS_SECONDS"] == 0
    assert s["SESSION_COOKIE_SECURE"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_behind_a_proxy_every_limiter_reads_the_client_from_the_forwarded_header(tmp_path):
    direct = settings_with(tmp_path, DJANGO_SECRET_KEY="x" * 50)
    assert direct["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0  # REMOTE_ADDR: nobody to trust
    assert direct["RATELIMIT_IP_META_KEY"] == "aposbook.clientip.client_ip"
    one = settings_with(tmp_path, DJANGO_SECRET_KEY="x" * 50, DJANGO_BEHIND_PROXY="1")
    assert one["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    two = settings_with(
        tmp_path,
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_BEHIND_PROXY="1",
        DJANGO_PROXY_COUNT="2",
        DJANGO_CLIENT_IP_HEADER="X-Real-IP",
    )
    assert two["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    assert two["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"] == "X-Real-IP"


def test_email_links_follow_the_port_and_plain_http(tmp_path):
    run = settings_with(tmp_path, DJANGO_DEBUG="1", PORT="8210")
    assert run["SITE_URL"] == "http://127.0.0.1:8210"
    assert run["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "http"
    serve = settings_with(tmp_path, DJANGO_SECRET_KEY="x" * 50, DJANGO_HTTPS="0", PORT="8211")
    assert serve["SITE_URL"] == "http://127.0.0.1:8211"
    assert serve["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "http"
    public = settings_with(
        tmp_path, DJANGO_SECRET_KEY="x" * 50, SITE_URL="https://aposbook.example/"
    )
    assert public["SITE_URL"] == "https://aposbook.example"
    assert public["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"


def test_hsts_options(tmp_path):
    s = settings_with(
        tmp_path,
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_HSTS_SECONDS="3600",
        DJANGO_HSTS_PRELOAD="0",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="0",
    )
    assert s["SECURE_HSTS_SECONDS"] == 3600
    assert s["SECURE_HSTS_PRELOAD"] is False
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_development_mode_needs_no_secret_and_no_https(tmp_path):
    s = settings_with(tmp_path, DJANGO_DEBUG="1")
    assert s["DEBUG"] is True
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SESSION_COOKIE_SECURE"] is False


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = run_with(
        tmp_path,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k9Zq" * 12,
        DJANGO_ALLOWED_HOSTS="aposbook.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_web_processes_give_postgresql_a_statement_timeout(tmp_path):
    """gunicorn.conf.py sets DATABASE_STATEMENT_TIMEOUT; the server then cancels a
    runaway statement itself (tests/reliability/test_statement_timeout.py, on a real server)."""
    s = settings_with(
        tmp_path,
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app:pw@db.internal:5432/aposbook",
        DATABASE_STATEMENT_TIMEOUT="5000",
    )
    assert s["OPTIONS"]["options"] == "-c statement_timeout=5000"
