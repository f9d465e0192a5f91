"""Pages of the business-list exports: the CSV stream, XLSX jobs with their progress, downloads.

The filters travel in the query string, exactly as on the list page. Export files may hold
personal data, so a job is visible to the user who asked for it only (others get a 404) and
no response here may be cached.
"""
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..exports import business_csv_stream, export_params, export_start
from ..models import Business, ExportJob
from .mixins import action_required


@require_GET
@never_cache
@action_required("export", Business)
def business_export_csv(request):
    """Stream the filtered, scoped list: the first rows leave at once, a million never time out."""
    response = StreamingHttpResponse(business_csv_stream(request.user, request.GET), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="usaha-{timezone.localdate():%Y%m%d}.csv"'
    # Tell a buffering proxy (nginx) to pass the chunks on as they come.
    response["X-Accel-Buffering"] = "no"
    return response


@require_POST
@action_required("export", Business)
def business_export_xlsx(request):
    """Queue an XLSX of the filtered list (filters in the query string) and show its progress."""
    job = export_start(user=request.user, kind="businesses", params=export_params(request.GET))
    return redirect("export-detail", job.pk)


@require_GET
@never_cache
@action_required("view", ExportJob)
def export_list(request):
    jobs = ExportJob.objects.visible_to(request.user)[:50]
    return render(request, "programs/exports/export_list.html", {"jobs": jobs})


def _status_context(job):
    if job.is_active:
        job.refresh_status()  # failed if its worker died, sent again if the broker refused it
    progress = job.progress
    return {
        "job": job,
        # The partial keeps polling while this is true and drops its hx-trigger after.
        "running": job.is_active,
        "percent": None if progress is None else int(progress * 100),
    }


@require_GET
@never_cache
@action_required("view", ExportJob, lookup="pk")
def export_detail(request, job):
    from ..exports import export_kind_of

    kind = export_kind_of(job)
    context = {**_status_context(job), "kind": kind, "back_url": kind.back_url(job.params) if kind.back_url else None}
    return render(request, "programs/exports/export_detail.html", context)


@require_GET
@never_cache
@action_required("view", ExportJob, lookup="pk")
def export_progress(request, job):
    """The status partial that the detail page swaps in every two seconds (htmx)."""
    return render(request, "programs/exports/includes/export_status.html", _status_context(job))


@require_GET
@never_cache
@action_required("view", ExportJob, lookup="pk")
def export_download(request, job):
    """The finished file, through Django so the scope check applies (MEDIA_URL is not public)."""
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
