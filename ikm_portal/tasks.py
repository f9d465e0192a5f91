from celery import shared_task


@shared_task(ignore_result=False)
def add(x, y):
    """A trivial task for checking the worker round trip (its result comes back)."""
    return x + y
