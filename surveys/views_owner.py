"""IKM owners answer an open survey wave for their own business (issue 12, point 4)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programs.views.mixins import action_required

from .forms import OwnerResponseForm
from .models import SurveyResponse, SurveyWave
from .services import ANSWER_FIELDS, owner_businesses, owner_response_save

WAVES = SurveyWave.objects.select_related("province")


@require_http_methods(["GET", "POST"])
@action_required("report_own", WAVES, lookup="code", field="code")
def owner_report(request, wave):
    businesses = list(owner_businesses(user=request.user, wave=wave))
    chosen = request.POST.get("business") or request.GET.get("business")
    if chosen:
        business = next((candidate for candidate in businesses if str(candidate.pk) == str(chosen)), None)
        if business is None:
            raise Http404
    elif len(businesses) == 1:
        business = businesses[0]
    else:  # several businesses (or none): choose first
        return render(request, "surveys/owner_report.html", {"wave": wave, "businesses": businesses, "business": None})
    existing = SurveyResponse.objects.filter(wave=wave, business=business).first()
    locked = existing is not None and existing.status in ("submitted", "verified")
    initial = {field: getattr(existing, field) for field in ANSWER_FIELDS} if existing else None
    form = OwnerResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            saved = owner_response_save(user=request.user, wave=wave, business=business, data=form.cleaned_data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if saved.warnings:
                messages.warning(request, _("Saved. Some figures look unusual; the officer of your provincial office will check them with you."))
            else:
                messages.success(request, _("Thank you. Your answers are saved; the officer of your provincial office will check them."))
            return redirect("home")
    return render(request, "surveys/owner_report.html", {
        "wave": wave, "businesses": businesses, "business": business, "form": form, "existing": existing, "locked": locked,
    })
