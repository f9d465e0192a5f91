"""Reading configuration from the environment, failing in one readable line.

Settings call these helpers instead of ``environ.Env`` directly so that a missing or
malformed variable stops start-up with ``Configuration error: NAME ...`` rather than a
traceback (operators read this in a terminal or a service log).
"""
from urllib.parse import unquote

import environ

_env = environ.Env()

_UNSET = object()


class ConfigurationError(SystemExit):
    """Raised for a bad environment variable; exits with the message as its only output."""

    def __init__(self, name, problem, example=None):
        message = f"Configuration error: {name} {problem}."
        if example:
            message += f" Example: {name}={example}"
        super().__init__(message)


def read_dotenv(path):
    """Load ``KEY=value`` lines from ``path`` if it exists (the run command writes one), or
    from the file ``ENV_FILE`` names instead (``ENV_FILE=/dev/null`` reads none)."""
    import os
    from pathlib import Path

    if os.environ.get("ENV_FILE"):
        path = Path(os.environ["ENV_FILE"])
    if path.exists() and path.is_file():
        environ.Env.read_env(str(path), overwrite=False)


def is_set(name):
    return name in _env.ENVIRON and _env.ENVIRON[name] != ""


def text(name, default=_UNSET):
    if not is_set(name):
        if default is _UNSET:
            raise ConfigurationError(name, "is not set")
        return default
    return _env.str(name)


def boolean(name, default):
    if not is_set(name):
        return default
    raw = _env.ENVIRON[name].strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(name, f"must be 1/0, true/false, yes/no or on/off, not {raw!r}", "0")


def integer(name, default):
    if not is_set(name):
        return default
    raw = _env.ENVIRON[name].strip()
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(name, f"must be a whole number, not {raw!r}") from None


def listing(name, default):
    if not is_set(name):
        return list(default)
    return [item.strip() for item in _env.ENVIRON[name].split(",") if item.strip()]


def database(name):
    """The database settings from a ``postgres://`` URL: the portal runs on PostgreSQL only."""
    example = "postgres://ikm:secret@127.0.0.1:5432/ikm"
    if not is_set(name):
        raise ConfigurationError(name, "is not set: the portal needs a PostgreSQL server (make run starts one of its own)", example)
    raw = _env.ENVIRON[name]
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ConfigurationError(name, f"is not a valid database URL ({exc})", example) from None
    if config.get("HOST", "").upper().startswith("%2F"):
        # A unix-socket directory written URL-encoded (postgres://user@%2Frun%2Fpostgresql/db).
        config["HOST"] = unquote(config["HOST"])
    if config.get("ENGINE", "") != "django.db.backends.postgresql":
        raise ConfigurationError(
            name, f"names an unsupported database ({raw.split(':', 1)[0]!r}); PostgreSQL is required: use postgres://", example
        )
    if not config.get("NAME"):
        raise ConfigurationError(name, "has no database name", example)
    return config


def redis_url(name):
    if not is_set(name):
        return None
    raw = _env.ENVIRON[name].strip()
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(name, f"must start with redis://, rediss:// or unix://, not {raw!r}", "redis://127.0.0.1:6379/0")
    return raw


def email(name, default):
    raw = _env.ENVIRON[name] if is_set(name) else default
    try:
        return environ.Env.email_url_config(raw)
    except Exception as exc:
        raise ConfigurationError(name, f"is not a valid e-mail URL ({exc})", "smtp+tls://user:pass@smtp.example.go.id:587") from None
