#!/usr/bin/env bash
# `make serve`: AposBook in production mode on this machine. Prepares the database and
# static files, then runs gunicorn and the background task worker side by side; Ctrl-C
# or SIGTERM stops both, and if either dies the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"

if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  echo "make serve: DJANGO_SECRET_KEY is not set. Production mode needs a long random secret:" >&2
  echo "  export DJANGO_SECRET_KEY=\"\$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')\"" >&2
  echo "On plain http (no TLS in front), also set DJANGO_HTTPS=0." >&2
  exit 2
fi
export DJANGO_DEBUG=0 DJANGO_SETTINGS_MODULE=aposbook.settings

"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py migrate --noinput
"$PY" manage.py createcachetable
"$PY" manage.py load_content

"$PY" manage.py db_worker & worker=$!
"$PY" -m gunicorn --config aposbook/gunicorn.conf.py & web=$!

stop() {
  trap - INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
# Whichever stops first (crash or signal), stop the other one too.
status=0
wait -n "$web" "$worker" || status=$?
stop
exit "$status"
