# Throwaway PostgreSQL and Redis for the test and benchmark commands (sourced, not run).
# Sets DATABASE_URL / REDIS_URL; stops both servers when the sourcing script exits.
# Missing server binaries are installed from Debian's packages when running as root.

workdir=$(mktemp -d /tmp/ikm-test.XXXXXX)
pg_bin=""
pg_user=""
redis_pid=""

cleanup() {
  set +e
  if [ -n "$pg_bin" ] && [ -f "$workdir/pg/postmaster.pid" ]; then
    as_pg_user "$pg_bin/pg_ctl" -D "$workdir/pg" -m immediate -w stop >/dev/null 2>&1
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

find_postgres() {
  local dir version
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    version=$(basename "$(dirname "$dir")")
    if [ -x "$dir/postgres" ] && [ "${version%%.*}" -ge 15 ]; then
      echo "$dir"
      return
    fi
  done
}

as_pg_user() {
  if [ -n "$pg_user" ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

start_postgres() {
  pg_bin=$(find_postgres)
  if [ -z "$pg_bin" ]; then
    apt_install "PostgreSQL 15+" "postgresql" DATABASE_URL
    pg_bin=$(find_postgres)
    [ -n "$pg_bin" ] || { echo "error: PostgreSQL 15+ binaries still not found after installing." >&2; exit 2; }
  fi
  # PostgreSQL refuses to run as root: run the throwaway server as the packaged 'postgres' user.
  if [ "$(id -u)" = "0" ]; then
    pg_user=postgres
    id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$pg_user"
    chown "$pg_user" "$workdir"
  fi
  as_pg_user "$pg_bin/initdb" -D "$workdir/pg" -U ikm -A trust -E UTF8 --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 \
    || { cat "$workdir/initdb.log" >&2; exit 2; }
  as_pg_user "$pg_bin/pg_ctl" -D "$workdir/pg" -l "$workdir/postgres.log" -w -t 60 start \
    -o "-k $workdir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=1GB -c work_mem=32MB -c maintenance_work_mem=512MB" \
    >/dev/null || { cat "$workdir/postgres.log" >&2; exit 2; }
  "$pg_bin/createdb" -h "$workdir" -U ikm ikm
  export DATABASE_URL="postgres://ikm@$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$workdir")/ikm"
  echo "==> Throwaway PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on unix socket in $workdir"
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

