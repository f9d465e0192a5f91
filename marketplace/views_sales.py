"""A shop's monthly sales: the months reported, and a form to add or correct one (through
:func:`marketplace.services.sales_save`, as the API's ``…/sales/``: officers and admins of the
shop's province record them; owners and ministry staff read them)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from programs.fields import MonthField
from programs.policy import can
from programs.views.mixins import action_required

from . import services
from .forms import SalesForm
from .models import Onboarding, OnboardingSales
from .views import _show_errors

SHOPS = Onboarding.objects.select_related("business", "marketplace", "province")


@require_GET
@action_required("view", SHOPS, lookup="pk")
def sales_list(request, onboarding):
    """The months reported, newest first; ``?month=YYYY-MM`` puts that month in the form to correct it."""
    initial = {}
    try:
        month = MonthField(required=False).clean(request.GET.get("month"))
    except ValidationError:
        month = None
    chosen = OnboardingSales.objects.visible_to(request.user).filter(onboarding=onboarding, month=month).first() if month else None
    if chosen is not None:
        initial = {"month": chosen.month, "value": chosen.value}
    return _sales_page(request, onboarding, SalesForm(initial=initial) if can(request.user, "change", onboarding) else None)


@require_POST
@action_required("change", SHOPS, lookup="pk")
def sales_save(request, onboarding):
    """Add a month's sales, or correct a month already reported (never counted twice)."""
    form = SalesForm(request.POST)
    if form.is_valid():
        try:
            sales = services.sales_save(user=request.user, onboarding=onboarding, month=form.cleaned_data["month"], value=form.cleaned_data["value"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Sales of %(month)s saved: %(value)s.") % {"month": sales.month.strftime("%m-%Y"), "value": services.rupiah(sales.value)})
            return redirect("marketplace-onboarding-sales", onboarding.pk)
    return _sales_page(request, onboarding, form, status=400)


def _sales_page(request, onboarding, form, *, status=200):
    rows = OnboardingSales.objects.visible_to(request.user).filter(onboarding=onboarding).order_by("-month")
    return render(request, "marketplace/sales.html", {
        "shop": onboarding, "rows": rows, "total": rows.aggregate(total=Sum("value"))["total"] or 0, "form": form,
    }, status=status)
