"""Advisory locks: a second writer waits, and gives up after its time-out instead of hanging."""
import threading
import time

import pytest
from django.db import connection, transaction

from programs.locks import LockKey, LockTimeout, xact_lock


def _hold(key, object_id, held, release):
    with transaction.atomic():
        xact_lock(key, object_id)
        held.set()
        release.wait(10)
    connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_second_taker_times_out_while_the_first_holds_the_lock_and_succeeds_after():
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(LockKey.SURVEY_WAVE_WRITE, 7, held, release))
    holder.start()
    assert held.wait(10)
    started = time.monotonic()
    with pytest.raises(LockTimeout), transaction.atomic():
        xact_lock(LockKey.SURVEY_WAVE_WRITE, 7, timeout=0.3)
    assert 0.25 < time.monotonic() - started < 5
    # Another object, or another kind of work on the same id, is not held up.
    with transaction.atomic():
        xact_lock(LockKey.SURVEY_WAVE_WRITE, 8, timeout=0.3)
        xact_lock(LockKey.ROLLUP_REFRESH, 7, timeout=0.3)
    release.set()
    holder.join(10)
    with transaction.atomic():
        xact_lock(LockKey.SURVEY_WAVE_WRITE, 7, timeout=0.3)
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "0"  # the time-out applied to the lock only
