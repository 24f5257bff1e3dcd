#!/usr/bin/env bash
# `make serve`: AposBook in production mode on this machine. Prepares the database and
# static files, then runs gunicorn and the background task worker side by side.
#
# gunicorn is what the site lives on: when it stops, everything stops. The task worker
# is supervised here: when it dies (a database blip, a kill) it is started again after
# a back-off, and gunicorn never stops because of it. Ctrl-C or SIGTERM stops both.
# In production a real supervisor does this job: aposbook/deploy/*.service (README).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
# Seconds between worker restarts: doubles after each quick death, up to the cap, so a
# database that stays down is not hammered; a worker that ran a while restarts quickly.
WORKER_RESTART_MIN="${WORKER_RESTART_MIN:-1}"
WORKER_RESTART_MAX="${WORKER_RESTART_MAX:-30}"

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

supervise_worker() {
  local child="" delay="$WORKER_RESTART_MIN" started status
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; [ -n "$child" ] && wait "$child" 2>/dev/null; exit 0' TERM INT
  while true; do
    started=$SECONDS
    "$PY" manage.py run_worker & child=$!
    status=0
    wait "$child" || status=$?
    child=""
    if [ $((SECONDS - started)) -ge 60 ]; then delay="$WORKER_RESTART_MIN"; fi
    echo "make serve: task worker stopped (exit $status); starting it again in ${delay}s" >&2
    sleep "$delay" & child=$!
    wait "$child" || true
    child=""
    delay=$((delay * 2 > WORKER_RESTART_MAX ? WORKER_RESTART_MAX : delay * 2))
  done
}

supervise_worker & supervisor=$!
"$PY" -m gunicorn --config aposbook/gunicorn.conf.py & web=$!

stop() {
  trap - INT TERM
  kill -TERM "$web" "$supervisor" 2>/dev/null || true
  wait "$web" "$supervisor" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
# Only gunicorn's end ends the run; the supervisor never returns on its own.
status=0
wait "$web" || status=$?
stop
exit "$status"
