#!/usr/bin/env bash
# Set up and run the whole test suite against real PostgreSQL and Redis.
#
# With DATABASE_URL / REDIS_URL set, those servers are used. Otherwise throwaway ones are
# started in a temporary directory (PostgreSQL on a unix socket there, Redis on a free
# loopback port) and stopped on exit, also when tests fail or the run is interrupted.
# Missing server binaries are installed from Debian's packages when running as root.
# Arguments are passed to pytest (e.g. scripts/test.sh tests/programs -k scoping).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh requirements-test.txt

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; Playwright's
# own browser download is not used. Installed here when missing and running as root.
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> Installing Debian packages chromium fonts-dejavu-core (browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "warning: $chromium is missing and this script cannot install it (needs root and apt-get):" >&2
    echo "         install the Debian package 'chromium' or set CHROMIUM_PATH; the browser tests will fail." >&2
  fi
fi

# Tests run with the development posture (no HTTPS redirect); production settings are
# checked by a test of their own in a subprocess.
export DEBUG=1
export SECRET_KEY=${SECRET_KEY:-test-only-secret-key-$(date +%s)}

# shellcheck source=scripts/services.sh
. scripts/services.sh

[ -n "${DATABASE_URL:-}" ] || start_postgres
[ -n "${REDIS_URL:-}" ] || start_redis

.venv/bin/python manage.py compile_translations
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
exit $status
