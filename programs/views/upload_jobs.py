"""The pages every upload job has — survey responses, budget realisations, partner reports:
its status (polled by htmx while it runs), a retry of a failed one (the file is kept, nothing
to upload again), and the XLSX of the rows to correct. One set of views, configured per app."""
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .mixins import action_required


def upload_job_views(jobs, *, template, status_template, detail_url, retry, retry_message, report_name):
    """``(detail, retry, report)`` views of the upload jobs in the queryset ``jobs``.

    ``template`` is the job's page and ``status_template`` the part htmx polls; ``detail_url``
    the URL name of the page; ``retry(record)`` sends a failed job again and ``retry_message``
    (lazy) says so; the row report downloads as ``<report_name>-<id>.xlsx``."""

    @require_GET
    @action_required("view", jobs, lookup="pk")
    def detail(request, record):
        if record.is_active:
            record.refresh_status()  # failed if its worker died, sent again if the broker refused it
        return render(request, status_template if request.htmx else template, {"record": record, "running": record.is_active})

    @require_POST
    @action_required("retry", jobs, lookup="pk")
    def retry_failed(request, record):
        if record.status == record.Status.FAILED:
            retry(record)
            messages.success(request, retry_message)
        return redirect(detail_url, record.pk)

    @require_GET
    @action_required("view", jobs, lookup="pk")
    def row_report(request, record):
        if not record.error_report:
            raise Http404
        return FileResponse(record.error_report.open("rb"), as_attachment=True, filename=f"{report_name}-{record.pk}.xlsx")

    return detail, retry_failed, row_report
