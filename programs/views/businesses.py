from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filtersets import BusinessFilterSet, scope_place_filters
from ..forms import BusinessForm
from ..models import Business, Regency
from ..pagination import CappedCountPaginator
from ..policy import EVERYONE, RouteRule, can
from ..selectors import business_possible_duplicates, can_see_personal_data
from ..services import business_save, normalise_phone
from .mixins import ActionRequiredMixin, action_required, open_to


class BusinessListView(ActionRequiredMixin, FilterView):
    model = Business
    filterset_class = BusinessFilterSet
    paginate_by = 25
    paginator_class = CappedCountPaginator
    template_name = "programs/business_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("province", "regency", "sector")

    def get_filterset(self, filterset_class):
        # Officers see one province: offer its regencies, not the whole country's.
        return scope_place_filters(super().get_filterset(filterset_class), self.request.user, self.request.GET.get("province"))

    def get_template_names(self):
        # htmx swaps only the results when a filter changes.
        if self.request.htmx and not self.request.htmx.boosted:
            return ["programs/includes/business_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        context["can_register"] = can(self.request.user, "add", Business)
        return context


class BusinessDetailView(ActionRequiredMixin, DetailView):
    model = Business
    route_rule = RouteRule(model=Business, action="view", lookup="pk")
    route_queryset = Business.objects.select_related("province", "regency", "sector", "owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        business = self.object
        user = self.request.user
        context["show_personal_data"] = can_see_personal_data(user, business)
        context["can_edit"] = can(user, "change", business)
        context["history"] = business.history.select_related("history_user")[:10] if context["show_personal_data"] else []
        return context


def _duplicate_probe(instance, data):
    """An unsaved copy of what is about to be saved, for the duplicate check."""
    probe = Business(pk=instance.pk if instance else None, **data)
    try:
        probe.phone = normalise_phone(probe.phone)
    except ValidationError:
        pass  # business_save reports the bad number next to the field
    return probe


def _business_form_page(request, *, instance):
    user = request.user
    form = BusinessForm(request.POST or None, instance=instance, user=user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.business_data()
        duplicates = business_possible_duplicates(business=_duplicate_probe(instance, data), user=user)
        # Possible duplicates are a warning: the user looks at them and may confirm.
        if not duplicates or form.cleaned_data.get("confirm_not_duplicate"):
            try:
                business = business_save(user=user, data=data, instance=instance)
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
                duplicates = []
            else:
                messages.success(request, _("Business “%(name)s” saved.") % {"name": business.name})
                return redirect("business-detail", business.pk)
    return render(request, "programs/business_form.html", {"form": form, "duplicates": duplicates, "object": instance})


@require_http_methods(["GET", "POST"])
@action_required("add", Business)
def business_create(request):
    return _business_form_page(request, instance=None)


@require_http_methods(["GET", "POST"])
@action_required("change", Business.objects.select_related("province"), lookup="pk")
def business_update(request, business):
    return _business_form_page(request, instance=business)


@require_GET
@open_to(EVERYONE)
def regency_options(request):
    """``<option>``s of a province's regencies, for the pickers that follow the province."""
    code = request.GET.get("province", "")
    regencies = Regency.objects.filter(province__code=code) if code else Regency.objects.none()
    return render(request, "programs/includes/regency_options.html", {"regencies": regencies, "blank": True})
