"""A bad environment stops start-up with one line naming the variable; production settings pass check --deploy."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    env = {key: value for key, value in os.environ.items() if key not in env_overrides or env_overrides[key] is not None}
    env.update({key: value for key, value in env_overrides.items() if value is not None})
    env["ENV_FILE"] = "/nonexistent"  # a developer's .env must not fill in what the test removed
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DATABASE_URL": "mysql-ish://nobody"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://user@host:notaport/db"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"DEBUG": "0", "SECRET_KEY": None}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"CONN_MAX_AGE": "sixty"}, "CONN_MAX_AGE"),
    ],
)
def test_bad_variable_stops_startup_with_one_line(overrides, named):
    result = run_manage("check", **overrides)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {named} ")


@pytest.mark.parametrize("database_url", [None, "mysql://ikm:secret@127.0.0.1:3306/ikm"])
def test_only_postgresql_is_accepted(database_url):
    result = run_manage("check", DATABASE_URL=database_url)
    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: DATABASE_URL ")
    assert "PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="portal-ikm.kemenperin.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_unreachable_database_is_one_line_not_a_traceback():
    result = run_manage("migrate", "--noinput", DATABASE_URL="postgres://ikm@127.0.0.1:1/ikm")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Database unreachable (postgres://ikm@127.0.0.1:1/ikm)")


def test_tests_run_on_postgresql(db):
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
