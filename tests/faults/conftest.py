"""A portal of its own for fault tests: its own Redis (which a test stops and starts again),
a gunicorn serving the web side and a Celery worker with its embedded beat, all on the test
database. Users talk to it over HTTP, as a browser would.

Time-outs are shortened through the same environment variables production uses, so a test
waits seconds where production waits minutes.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, subprocess_env
from tests.factories import PASSWORD

APPLICATION_NAME = "ikm-fault-stack"
FAST_TIMINGS = {
    "ROLLUP_REFRESH_DELAY": "1",
    "ROLLUP_PENDING_CHECK_SECONDS": "2",
    "JOB_WATCHDOG_SECONDS": "2",
    "JOB_HEARTBEAT_SECONDS": "1",
    "JOB_STALE_SECONDS": "4",
    "WORKER_HEARTBEAT_SECONDS": "1",
    "WORKER_STALE_SECONDS": "3",
    "CELERY_VISIBILITY_TIMEOUT": "20",
    "CACHE_RETRY_SECONDS": "1",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout, message, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} (waited {timeout} s)")


class Server:
    """A child process in its own process group, killed with everything it forked."""

    def __init__(self, name, command, env, log_dir):
        self.name, self.command, self.env = name, command, env
        self.log_path = Path(log_dir) / f"{name}.log"
        self.process = None

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL the process and its children: a crash, nothing cleaned up."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Stack:
    def __init__(self, tmp):
        self.tmp = tmp
        self.redis_port, self.web_port = free_port(), free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.base = f"http://127.0.0.1:{self.web_port}"
        env = subprocess_env()
        env.update(FAST_TIMINGS, REDIS_URL=self.redis_url, MEDIA_ROOT=str(tmp / "media"), DEBUG="1")
        env.pop("EMAIL_URL", None)
        # Names this stack's database sessions, so teardown can end exactly those (libpq reads it).
        env["PGAPPNAME"] = APPLICATION_NAME
        self.env = env
        self.redis = Server("redis", [shutil.which("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp)], env, tmp)
        self.web = Server("web", [sys.executable, "-m", "gunicorn", "ikm_portal.wsgi", "-b", f"127.0.0.1:{self.web_port}", "-w", "1", "--threads", "4", "--timeout", "60"], env, tmp)
        self.worker = Server(
            "worker",
            [sys.executable, "-m", "celery", "-A", "ikm_portal", "worker", "-B", "--schedule", str(tmp / "beat-schedule"),
             "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle", "-n", f"faults-{os.getpid()}@%h"],
            env, tmp,
        )

    # -- Redis ----------------------------------------------------------------------------
    def start_redis(self):
        self.redis.start()
        wait_for(lambda: _connects(self.redis_port), timeout=10, message="Redis did not start")

    def stop_redis(self):
        self.redis.kill()
        wait_for(lambda: not _connects(self.redis_port), timeout=10, message="Redis did not stop")

    # -- worker ---------------------------------------------------------------------------
    def start_worker(self):
        from programs.models import WorkerHeartbeat

        started = time.time()
        self.worker.start()
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(hostname__startswith="faults-", seen_at__gte=_aware(started)).exists(),
            timeout=60, message=f"the worker did not start:\n{self.worker.log()[-3000:]}",
        )

    # -- web ------------------------------------------------------------------------------
    def start_web(self):
        self.web.start()
        wait_for(lambda: _answers(self.base + "/healthz"), timeout=60, message=f"gunicorn did not start:\n{self.web.log()[-3000:]}")

    def session(self, user):
        """A browser session signed in as ``user`` (through the sign-in form)."""
        from django.contrib.auth.hashers import make_password
        from django.urls import reverse

        # The tests hash passwords with a quick hasher the server's own settings do not know.
        type(user).objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))

        browser = requests.Session()
        page = browser.get(self.base + reverse("login"), timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        signed_in = browser.post(self.base + reverse("login"), data={"csrfmiddlewaretoken": token, "username": user.username, "password": PASSWORD}, headers={"Referer": self.base + reverse("login")}, timeout=30)
        assert signed_in.status_code == 200 and "sessionid" in browser.cookies, signed_in.text[:500]
        return browser

    def post_form(self, browser, path, data):
        """Submit a form as a browser does: with the CSRF token of the page it came from."""
        token = browser.cookies.get("csrftoken")
        return browser.post(self.base + path, data={"csrfmiddlewaretoken": token, **data}, headers={"Referer": self.base + path}, timeout=30)

    def stop_all(self):
        for server in (self.web, self.worker, self.redis):
            server.stop()


def _connects(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def _answers(url):
    try:
        return requests.get(url, timeout=2).status_code in (200, 503)
    except requests.RequestException:
        return False


def _aware(epoch):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc)


@pytest.fixture
def stack(transactional_db, django_db_serialized_rollback, tmp_path):
    """Redis, web and worker of this test's own; stopped at the end, whatever happened."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (the README's test command installs it)")
    stack = Stack(tmp_path)
    try:
        stack.start_redis()
        stack.start_web()
        stack.start_worker()
        yield stack
    finally:
        stack.stop_all()
        # A killed process's session may linger; none may hold a lock when the tables are flushed.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME])
