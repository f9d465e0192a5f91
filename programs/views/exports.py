from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..exports import business_csv_stream, export_start
from ..models import ExportJob


@login_required
def business_export_csv(request):
    """Stream the filtered, scoped list: a million rows start arriving at once, never time out."""
    response = StreamingHttpResponse(business_csv_stream(request.user, request.GET), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="usaha-{timezone.localdate():%Y%m%d}.csv"'
    return response


@login_required
@require_POST
def business_export_xlsx(request):
    params = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    job = export_start(user=request.user, kind="businesses", params=params)
    return redirect("export-detail", job.pk)


@login_required
def export_list(request):
    jobs = ExportJob.objects.visible_to(request.user)[:50]
    return render(request, "programs/exports/export_list.html", {"jobs": jobs})


@login_required
def export_detail(request, pk):
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    template = "programs/exports/includes/export_status.html" if request.htmx else "programs/exports/export_detail.html"
    return render(request, template, {"job": job, "running": job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)})


@login_required
def export_download(request, pk):
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
