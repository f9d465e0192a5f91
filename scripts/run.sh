#!/usr/bin/env bash
# Set up and serve the portal with demo data on the zero-setup defaults:
# SQLite, Celery tasks run in-process, e-mails printed to the console.
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
$py manage.py compile_translations
$py manage.py migrate --noinput
$py manage.py seed_demo
echo "==> Serving the IKM Portal at http://127.0.0.1:${PORT:-8000}/ (Ctrl+C to stop)"
exec $py manage.py runserver "127.0.0.1:${PORT:-8000}"
