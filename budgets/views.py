"""Budget pages: the provinces ranked by absorption (what Ditjen IKMA reads every month) and a
province's page (its activities, what is left to spend, what is late), with XLSX downloads."""
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from programs.models import Province
from programs.policy import EVERYONE, can
from programs.views.mixins import action_required, open_to

from . import selectors, services
from .forms import RealisationForm
from .models import Allocation


def _year(request, user):
    available = selectors.years(user)
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and int(chosen) in available:
        return int(chosen), available
    if chosen:
        raise Http404
    return (available[0] if available else None), available


@open_to(EVERYONE)
def ranking_page(request):
    """Absorption per province against the quarter's target; anyone sees closed years."""
    year, available = _year(request, request.user)
    rows = selectors.ranking(request.user, year) if year else []
    target = selectors.quarter_target(year) if year else None
    if request.GET.get("format") == "xlsx":
        return _ranking_xlsx(year, rows, target)
    return render(request, "budgets/ranking.html", {
        "year": year, "years": available, "rows": rows, "totals": selectors.totals(rows), "target": target,
        "outputs": selectors.outputs(request.user, year) if year else [],
    })


def _ranking_xlsx(year, rows, target):
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Absorption")[:31])
    bold, percent = workbook.add_format({"bold": True}), workbook.add_format({"num_format": "0.0%"})
    money = workbook.add_format({"num_format": "#,##0"})
    headers = [_("Rank"), _("Province code"), _("Province"), _("Original ceiling (Rp)"), _("Current ceiling (Rp)"), _("Realised (Rp)"), _("Absorption"), _("Quarter target")]
    sheet.write_row(0, 0, headers, bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_number(index, 0, index)
        sheet.write_string(index, 1, row.province.code)
        sheet.write_string(index, 2, row.province.name)
        for column, value in ((3, row.original_ceiling), (4, row.ceiling), (5, row.realised)):
            sheet.write_number(index, column, value, money)
        if row.absorption is not None:
            sheet.write_number(index, 6, row.absorption, percent)
        sheet.write_number(index, 7, target, percent)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="penyerapan-dekon-{year}.xlsx"'
    return response


ALLOCATIONS = Allocation.objects.select_related("province")


@require_GET
@action_required("view", ALLOCATIONS, lookup="pk")
def province_page(request, allocation):
    """A province's year: activities, what is left, what is late; officers record spending here."""
    return _province(request, allocation, form=None, may_enter=can(request.user, "enter", allocation))


def _province(request, allocation, *, form, may_enter):
    overview = selectors.province_overview(allocation, page=request.GET.get("page"))
    if may_enter and form is None:
        # The list offers the activities of the page shown, the one chosen by its row's link first.
        chosen = request.GET.get("activity", "")
        form = RealisationForm(allocation=allocation, shown=[activity.pk for activity in overview["activities"]] + ([int(chosen)] if chosen.isdigit() else []),
                               initial={"activity": chosen if chosen.isdigit() else None})
    context = {"allocation": allocation, "form": form, "today": timezone.localdate(), **overview}
    return render(request, "budgets/province.html", context)


@require_POST
@action_required("enter", ALLOCATIONS, lookup="pk")
def realisation_create(request, allocation):
    """Record one payment order from the province page; errors are shown next to the fields."""
    form = RealisationForm(request.POST, allocation=allocation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _realisation, created = services.realisation_add(
                user=request.user, activity=data["activity"], payment_number=data["payment_number"], date=data["date"],
                amount=data["amount"], account=data["account"], description=data["description"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            number = data["payment_number"]
            messages.success(request, _("Payment order %(number)s recorded.") % {"number": number} if created
                             else _("Payment order %(number)s was already recorded; nothing changed.") % {"number": number})
            return redirect("budget-province", allocation.pk)
    form.offer_only_the_chosen()
    return _province(request, allocation, form=form, may_enter=True)
