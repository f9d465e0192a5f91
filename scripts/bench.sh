#!/usr/bin/env bash
# Run one benchmark against PostgreSQL (and Redis), throwaway ones unless DATABASE_URL /
# REDIS_URL are set: scripts/bench.sh bench/businesses.py [--rows N]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/bench.sh bench/NAME.py [args]" >&2; exit 2; }
scripts/venv.sh requirements-test.txt
scripts/venv.sh bench/requirements-bench.txt
export DEBUG=1
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key}
# shellcheck source=scripts/services.sh
. scripts/services.sh
[ -n "${DATABASE_URL:-}" ] || start_postgres
[ -n "${REDIS_URL:-}" ] || start_redis
.venv/bin/python manage.py compile_translations >/dev/null
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python "$@"
