from celery import shared_task


@shared_task
def add(x, y):
    """A trivial task for checking the worker round trip."""
    return x + y
