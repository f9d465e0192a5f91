"""One-line explanations for services that are unreachable when a command starts."""
import re


def _without_password(url):
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url or "")


def explain_service_error(exc):
    """Return a one-line message if ``exc`` means the database or Redis is unreachable, else None."""
    from django.conf import settings
    from django.db.utils import InterfaceError, OperationalError

    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    if isinstance(exc, (OperationalError, InterfaceError)):
        return f"Database unreachable ({_without_password(getattr(settings, 'DATABASE_URL_DISPLAY', ''))}): {first_line}"

    try:
        from kombu.exceptions import OperationalError as BrokerError
        from redis.exceptions import ConnectionError as RedisConnectionError
    except ImportError:  # pragma: no cover - both are requirements
        return None
    if isinstance(exc, (RedisConnectionError, BrokerError)):
        return f"Redis unreachable ({_without_password(getattr(settings, 'REDIS_URL', '') or '')}): {first_line}"
    return None
