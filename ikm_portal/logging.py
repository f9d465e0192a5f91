"""Log filters."""
import logging


class ForbiddenInOneLine(logging.Filter):
    """A refused request (403) is routine — a user following an old link, a probe — and is
    logged as one line saying who asked for what, not with the traceback of the
    PermissionDenied that refused it."""

    def filter(self, record):
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = f"user {user.pk}" if getattr(user, "is_authenticated", False) else "anonymous"
        record.exc_info = record.exc_text = None
        record.msg = "Forbidden: %s %s (%s)"
        record.args = (getattr(request, "method", "?"), request.get_full_path()[:300] if request else "?", who)
        return True
