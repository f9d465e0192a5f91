"""The lifecycle that exports and imports share: a row per job, queued → running → a final
status, with progress that the page polling it sees at once, and no job left "running" or
"queued" for ever.

A job model mixes in :class:`JobMixin` and names the fields holding the rows done and the
rows in total. Work in progress is reported with :meth:`JobMixin.report`, a separate UPDATE
committed on its own, so the progress page (another connection) sees it while the work's
own transaction is still open.

Faults are part of the lifecycle:

- **Sending.** :func:`dispatch` queues the task once the job row is committed. When the
  broker cannot be reached the job stays queued with ``dispatched_at`` empty; the watchdog
  (and the user's next click) sends it again.
- **Running.** :func:`run_job` claims the job (one UPDATE: queued/running → running, one
  more attempt) and, while the work runs, a thread touches ``heartbeat_at`` every
  ``JOB_HEARTBEAT_SECONDS``. A job found running with an old heartbeat lost its worker: it
  is marked failed with a message (:meth:`JobMixin.fail_stale`), by the watchdog or by the
  page that polls it. A job that stopped its worker ``JOB_MAX_ATTEMPTS`` times is not tried
  again (a file that crashes every reader must not loop).
- **Redelivery.** Tasks are acknowledged late: a message whose worker died is delivered again
  (at once when only the pool process died, after the broker's visibility time-out when the
  whole worker did); a job already final is left alone.
"""
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def job_task_options(**extra):
    """Options of every job task: acknowledged only once done (a message whose worker died is
    delivered again) and stopped after ``JOB_TIME_LIMIT`` seconds (soft: the job fails with a
    message; a minute later hard: the process is killed and the watchdog fails the job)."""
    return {"acks_late": True, "soft_time_limit": settings.JOB_TIME_LIMIT, "time_limit": settings.JOB_TIME_LIMIT + 60, **extra}


def job_models():
    """Every installed model that is a job (exports, imports, those of later apps)."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, JobMixin)]


class JobMixin:
    """For a model with ``status``, two progress fields (see ``progress_fields``), a message
    field for the user (``failure_field``) and the fields ``dispatched_at``, ``started_at``,
    ``heartbeat_at`` and ``attempts``."""

    #: The status of a job that finished its work.
    DONE_STATUS = "done"
    #: The status of a job that stopped without finishing.
    FAILED_STATUS = "failed"
    #: Statuses of a job that has not finished yet.
    ACTIVE_STATUSES = ("queued", "running")
    #: The names of the fields holding (rows done, rows in total).
    progress_fields = ("done_rows", "total_rows")
    #: The text field that tells the user why a job failed.
    failure_field = "error"
    #: The Celery task running a job, as "module.task_name" (it takes the job's pk).
    task_name = None

    @property
    def is_active(self):
        """Still queued or running: its page keeps polling."""
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_waiting_for_broker(self):
        """Queued, but the task could not be sent yet (the broker was unreachable)."""
        return self.status == "queued" and self.dispatched_at is None

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

    def refresh_status(self):
        """For the page polling this job: fail it if its worker died, send it again if it is
        still waiting for the broker. Returns the job as stored."""
        if self.status == "running":
            type(self).fail_stale(type(self)._default_manager.filter(pk=self.pk))
        elif self.is_waiting_for_broker:
            dispatch(self, on_commit=False)
        self.refresh_from_db()
        return self

    @classmethod
    def stale_message(cls):
        with translation.override(settings.LANGUAGE_CODE):
            return _(
                "The job stopped because the server process running it stopped. Nothing was "
                "written. Try again; if it happens again, contact the helpdesk."
            )

    @classmethod
    def fail_stale(cls, queryset=None):
        """Mark failed the running jobs whose worker stopped sending heartbeats; return how many."""
        queryset = cls._default_manager.all() if queryset is None else queryset
        cutoff = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
        stale = queryset.filter(status="running").filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
        count = stale.update(status=cls.FAILED_STATUS, finished_at=timezone.now(), **{cls.failure_field: cls.stale_message()})
        if count:
            logger.warning("%s: %d job(s) lost their worker and were marked failed", cls.__name__, count)
        return count


def dispatch(job, *, on_commit=True):
    """Send the job's task once the job row is committed. A broker that cannot be reached is
    logged and leaves the job queued without ``dispatched_at``, to be sent again later."""

    def send():
        task = import_string(job.task_name)
        try:
            # JOB_QUEUE lets imports and exports run on workers of their own.
            task.apply_async(args=[job.pk], queue=settings.JOB_QUEUE or None)
        except Exception as error:  # kombu/redis raise many types for an unreachable broker
            logger.warning("%s %s: the task could not be queued (%s); it will be sent again", type(job).__name__, job.pk, error)
            return
        type(job)._default_manager.filter(pk=job.pk, dispatched_at__isnull=True).update(dispatched_at=timezone.now())

    if on_commit:
        transaction.on_commit(send)
    else:
        send()


def resend_undispatched(model, *, older_than=30):
    """Send again the jobs still waiting for the broker after ``older_than`` seconds."""
    cutoff = timezone.now() - timedelta(seconds=older_than)
    jobs = list(model._default_manager.filter(status="queued", dispatched_at__isnull=True, created_at__lt=cutoff)[:100])
    for job in jobs:
        dispatch(job, on_commit=False)
    return len(jobs)


def watchdog():
    """The beat's check of every job model: fail jobs whose worker died, re-send jobs the
    broker did not take. Returns {model name: (failed, re-sent)}."""
    return {model.__name__: (model.fail_stale(), resend_undispatched(model)) for model in job_models()}


class _Heartbeat(threading.Thread):
    """Touches the job's ``heartbeat_at`` while its work runs (its own database connection)."""

    def __init__(self, model, pk):
        super().__init__(daemon=True, name=f"heartbeat-{model.__name__}-{pk}")
        self.model, self.pk = model, pk
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                self.model._default_manager.filter(pk=self.pk, status="running").update(heartbeat_at=timezone.now())
        except Exception:  # a heartbeat must never take the job down with it
            logger.exception("heartbeat of %s %s stopped", self.model.__name__, self.pk)
        finally:
            connection.close()


def run_job(model, pk, work):
    """Claim job ``pk`` and run ``work(job)`` with a heartbeat; return the job as it ends.

    A job that is already final (a redelivered message, a job failed by the watchdog) is
    left alone, and one that has stopped its worker ``JOB_MAX_ATTEMPTS`` times is failed."""
    now = timezone.now()
    claimed = model._default_manager.filter(pk=pk, status__in=model.ACTIVE_STATUSES).update(
        status="running", attempts=F("attempts") + 1, started_at=now, heartbeat_at=now, **{model.progress_fields[0]: 0},
        dispatched_at=Coalesce(F("dispatched_at"), Value(now)),
    )
    job = model._default_manager.filter(pk=pk).first()
    if job is None:
        logger.warning("%s %s no longer exists", model.__name__, pk)
        return None
    if not claimed:
        return job
    if job.attempts > settings.JOB_MAX_ATTEMPTS:
        with translation.override(settings.LANGUAGE_CODE):
            message = _("The job stopped the server process %(count)s times and is not tried again. Nothing was written; contact the helpdesk.") % {"count": job.attempts - 1}
        job.report(status=model.FAILED_STATUS, finished_at=timezone.now(), **{model.failure_field: message})
        return job
    heartbeat = _Heartbeat(model, pk)
    heartbeat.start()
    try:
        return work(job)
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=5)


# --- uploads ----------------------------------------------------------------------------------

from django.db import models  # noqa: E402  (the abstract upload model below; the lifecycle above needs none)
from django.utils.translation import gettext_lazy  # noqa: E402


class UploadStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Checking and writing")
    REJECTED = "rejected", gettext_lazy("Rejected: nothing written")
    DONE = "done", gettext_lazy("Written")
    FAILED = "failed", gettext_lazy("Failed")


def upload_path(instance, filename):
    """``<app>-uploads/2020/07/<name>``: each app's uploads and reports in a folder of its own."""
    now = timezone.now()
    return f"{instance._meta.app_label}-uploads/{now:%Y/%m}/{filename}"


class UploadJob(JobMixin, models.Model):
    """An uploaded spreadsheet checked whole and written all or nothing (survey responses,
    payment orders, partner reports): its file, progress, and the bounded account of its
    errors with the XLSX of the rows to correct (see ``programs.uploads``). Concrete models
    add what the upload is for and their own counts."""

    Status = UploadStatus
    progress_fields = ("rows_done", "rows_total")
    failure_field = "message"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("uploaded by"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(gettext_lazy("file"), upload_to=upload_path)
    original_name = models.CharField(gettext_lazy("file name"), max_length=255)
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED)
    rows_total = models.PositiveIntegerField(gettext_lazy("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(gettext_lazy("rows processed"), default=0)
    error_count = models.PositiveIntegerField(gettext_lazy("errors"), default=0)
    errors = models.JSONField(gettext_lazy("first errors"), default=list, blank=True)
    error_report = models.FileField(gettext_lazy("error report"), upload_to=upload_path, blank=True)
    message = models.TextField(gettext_lazy("message"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(gettext_lazy("sent to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(gettext_lazy("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(gettext_lazy("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name
