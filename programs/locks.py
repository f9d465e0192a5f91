"""Transaction-level advisory locks: the one list of their keys, and one way to take them.

Work that must not overlap for the same object (two uploads into one survey wave, two
refreshes of one wave's figures) takes ``pg_advisory_xact_lock(key, object_id)`` inside its
transaction; the lock is released when the transaction ends, also on error. Every key is
registered in :class:`LockKey` so that no two kinds of work share one by accident.

A waiter does not wait for ever: after its time-out PostgreSQL gives up on the lock and
:class:`LockTimeout` is raised (nothing was written; the caller says "busy, try again" or a
task retries).
"""
import enum

from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _


class LockKey(enum.IntEnum):
    """First half of an advisory lock's key; the second is the locked object's id."""

    #: Writes of survey responses to one wave (form, upload, API) take turns.
    SURVEY_WAVE_WRITE = 0x5355_5256  # "SURV"
    #: Refreshes of one wave's impact figures take turns.
    ROLLUP_REFRESH = 0x1C0_5011
    #: Refreshes of the marketplace onboarding figures take turns (object id 0: all of them).
    ONBOARDING_REFRESH = 0x4F4E_4252  # "ONBR"
    #: Partner reports of one marketplace are written one after the other.
    PARTNER_REPORT_WRITE = 0x5041_5254  # "PART"


#: Seconds a waiter waits for each kind of lock before giving up.
TIMEOUTS = {
    LockKey.SURVEY_WAVE_WRITE: 120,  # a 100,000-row upload holds it for a few seconds
    LockKey.ROLLUP_REFRESH: 300,     # a refresh of a million responses takes tens of seconds
    LockKey.ONBOARDING_REFRESH: 300,  # a full refresh of ten million shops takes seconds
    LockKey.PARTNER_REPORT_WRITE: 600,  # a million-row report is written in about half a minute
}


class LockTimeout(OperationalError):
    """Another piece of work held the lock longer than the time-out. A database error like
    the others, so tasks that retry on ``OperationalError`` retry on this too."""

    message = _("Someone else is writing to the same data right now; nothing was saved. Try again in a minute.")


def xact_lock(key, object_id, *, cursor=None, timeout=None):
    """Take the advisory lock ``(key, object_id)`` until the current transaction ends.

    Must run inside a transaction (``transaction.atomic``). Waits at most ``timeout``
    seconds (the key's default in :data:`TIMEOUTS`), then raises :class:`LockTimeout`.
    """
    key = LockKey(key)
    seconds = TIMEOUTS[key] if timeout is None else timeout
    own_cursor = cursor is None
    cursor = cursor or connection.cursor()
    try:
        # lock_timeout for this one statement only: set, take the lock, set back.
        cursor.execute("SELECT current_setting('lock_timeout')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(seconds * 1000)}ms"])
        try:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(key), int(object_id)])
        except OperationalError as error:
            if getattr(getattr(error, "__cause__", None), "pgcode", None) == "55P03":  # lock_not_available
                raise LockTimeout(str(LockTimeout.message)) from error
            raise
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    finally:
        if own_cursor:
            cursor.close()
