"""The lifecycle that exports and imports share: a row per job, queued → running → a final
status, with progress that the page polling it sees at once.

A job model mixes in :class:`JobMixin` and names the fields holding the rows done and the
rows in total. Work in progress is reported with :meth:`JobMixin.report`, a separate UPDATE
committed on its own, so the progress page (another connection) sees it while the work's
own transaction is still open. The job row is created first and the Celery task queued with
``transaction.on_commit``, so the worker always finds it.
"""


class JobMixin:
    """For a model with ``status`` and two progress fields (see ``progress_fields``)."""

    #: The status of a job that finished its work.
    DONE_STATUS = "done"
    #: Statuses of a job that has not finished yet.
    ACTIVE_STATUSES = ("queued", "running")
    #: The names of the fields holding (rows done, rows in total).
    progress_fields = ("done_rows", "total_rows")

    @property
    def is_active(self):
        """Still queued or running: its page keeps polling."""
        return self.status in self.ACTIVE_STATUSES

    @property
    def progress(self):
        """Fraction 0-1 of the work done, or None while the total is unknown."""
        done_field, total_field = self.progress_fields
        total = getattr(self, total_field)
        if not total:
            return 1.0 if self.status == self.DONE_STATUS else None
        return min(1.0, getattr(self, done_field) / total)

    def report(self, **fields):
        """Write ``fields`` to the job's row at once (outside any open transaction's view of
        it), and to this object."""
        type(self)._default_manager.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)
