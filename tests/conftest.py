"""Fixtures shared by every app's tests: roles, provinces, a real Celery worker."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from .factories import BusinessFactory, make_user, province

ROOT = Path(__file__).resolve().parent.parent
WORKER_MAIL_DIR = ROOT / ".pytest-worker-mail"


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} name={db['NAME']} host={db.get('HOST') or db.get('OPTIONS', {}).get('host', '')}",
        f"redis: {settings.REDIS_URL or 'not configured'}",
    ]


def pytest_configure(config):
    # The settings accept PostgreSQL only (DATABASE_URL); Redis is optional for the portal, not here.
    if not settings.REDIS_URL:
        pytest.exit("The tests need Redis: use the README's test command or set REDIS_URL=redis://...", 2)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Indonesian: a request in English leaves its language active in the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Nearly every test makes accounts, and hashing each password as production does (PBKDF2,
    a million rounds: a quarter of a second here, again at each sign-in) took a third of the
    suite's time. Production's hashers stay in the list, so their hashes are still checked;
    servers the tests start in processes of their own re-hash before signing in (faults)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles, lockouts and cached figures must not leak from one test into the next."""
    from django.core.cache import cache

    from ikm_portal import cache as resilient_cache

    resilient_cache._down_until = 0.0  # a test that stopped Redis must not leave the next without cache
    cache.clear()
    yield


@pytest.fixture
def jabar(db):
    return province("32")


@pytest.fixture
def kalsel(db):
    return province("63")


@pytest.fixture
def admin_user(db):
    return make_user("ministry-admin", username="admin.uji")


@pytest.fixture
def staff_user(db):
    return make_user("ministry-staff", username="staf.uji")


@pytest.fixture
def officer(db, jabar):
    """An officer of Jawa Barat (32)."""
    return make_user("officer", province=jabar, username="petugas.jabar.uji")


@pytest.fixture
def other_officer(db, kalsel):
    """An officer of Kalimantan Selatan (63)."""
    return make_user("officer", province=kalsel, username="petugas.kalsel.uji")


@pytest.fixture
def owner(db):
    return make_user("owner", username="pemilik@example.go.id", email="pemilik@example.go.id")


@pytest.fixture
def users_by_role(admin_user, staff_user, officer, owner):
    return {"ministry-admin": admin_user, "ministry-staff": staff_user, "officer": officer, "owner": owner, "public": None}


@pytest.fixture
def business_jabar(db, jabar, owner):
    return BusinessFactory(name="Konveksi Sari Jabar", province=jabar, owner=owner)


@pytest.fixture
def business_kalsel(db, kalsel):
    return BusinessFactory(name="Sasirangan Banjar Kalsel", province=kalsel)


def subprocess_env():
    """Environment for a child process (worker, management command) using the test database."""
    from urllib.parse import quote

    from django.db import connection

    env = dict(os.environ)
    base = settings.DATABASES["default"]
    host = base.get("HOST") or base.get("OPTIONS", {}).get("host", "")
    auth = base["USER"] + (f":{quote(base['PASSWORD'], safe='')}" if base.get("PASSWORD") else "")
    port = f":{base['PORT']}" if base.get("PORT") else ""
    env["DATABASE_URL"] = f"postgres://{auth}@{quote(host, safe='')}{port}/{connection.settings_dict['NAME']}"
    return env


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real ``celery worker`` process on the real Redis broker, using the test database.

    Tests that need the worker to see their rows must use ``transactional_db`` (the worker
    is another connection and cannot see a test's uncommitted transaction) together with
    ``django_db_serialized_rollback``, so the reference data migrations loaded survives the
    flush that follows.
    """
    with django_db_blocker.unblock():
        env = subprocess_env()
    # Rollups after an import are queued this many seconds later (20 in production).
    env["ROLLUP_REFRESH_DELAY"] = "1"
    # /healthz wants a worker heartbeat; a quick one so tests need not wait for it.
    env["WORKER_HEARTBEAT_SECONDS"] = "1"
    # The worker's e-mails are written as files the tests can read.
    WORKER_MAIL_DIR.mkdir(exist_ok=True)
    env["EMAIL_URL"] = f"filemail:///{WORKER_MAIL_DIR}"  # three slashes and an absolute path
    log = open(ROOT / ".pytest-celery-worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ikm_portal", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    from ikm_portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited with {process.returncode}; see .pytest-celery-worker.log")
        if app.control.ping(timeout=0.5):
            break
    else:
        process.terminate()
        raise RuntimeError("celery worker did not answer within 60 s; see .pytest-celery-worker.log")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
