"""The follow-up of single responses (issue 12, point 3): a wave's list of responses with
warnings, and each response's page with its history, comment thread and actions (confirm,
correct, return). What each role may do is SurveyResponse's policy (``review``, ``comment``,
``confirm_warnings``, ``return_for_correction``)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programs.filtersets import scope_place_filters
from programs.policy import can
from programs.views.mixins import action_required

from . import follow_up
from .filtersets import FollowUpFilterSet
from .forms import CommentForm
from .models import SurveyResponse, SurveyWave
from .services import EntryRefused, wave_entry_check

WAVES = SurveyWave.objects.select_related("province")
RESPONSES = SurveyResponse.objects.select_related("wave", "business", "province", "regency", "sector")


@action_required("review", WAVES, lookup="code", field="code")
def follow_up_list(request, wave):
    """Responses of ``wave`` with warnings, unconfirmed ones by default, in the user's scope."""
    queryset = follow_up.with_warnings(wave=wave, user=request.user)
    filterset = scope_place_filters(FollowUpFilterSet(request.GET or None, queryset=queryset, request=request), request.user, request.GET.get("province"))
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    if not request.GET.get("state"):  # what is still to be done, unless asked otherwise
        rows = rows.filter(warnings_confirmed=False)
    page = Paginator(rows.order_by("province__code", "business__name", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "surveys/follow_up.html", {
        "wave": wave, "filter": filterset, "page_obj": page, "responses": page.object_list,
        "can_confirm": can(request.user, "confirm_warnings", SurveyResponse),
    })


@require_http_methods(["GET", "POST"])
@action_required("review", RESPONSES, lookup="pk")
def response_detail(request, response):
    """One response: answers, warnings, history, comments, and what the user may do with it."""
    form = CommentForm()
    return _render_detail(request, response, form)


def _render_detail(request, response, form, *, return_form=None, status=200):
    user = request.user
    try:
        wave_entry_check(wave=response.wave, user=user)
        may_enter = True
    except EntryRefused:
        may_enter = False
    context = {
        "response": response,
        "wave": response.wave,
        "warning_labels": response.warning_labels,
        "history": follow_up.history_of(response),
        "comments": response.comments.select_related("user"),
        "form": form,
        "return_form": return_form or CommentForm(prefix="return"),
        "can_comment": can(user, "comment", response),
        "can_confirm": bool(response.warnings) and not response.warnings_confirmed and can(user, "confirm_warnings", response),
        "can_correct": may_enter and can(user, "change", response),
        "can_return": response.status in ("submitted", "verified") and can(user, "return_for_correction", response),
        "answers": follow_up.answer_rows(response),
    }
    return render(request, "surveys/response_detail.html", context, status=status)


@require_POST
@action_required("comment", RESPONSES, lookup="pk")
def response_comment(request, response):
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, response, form)
    follow_up.comment_add(user=request.user, response=response, text=form.cleaned_data["text"])
    messages.success(request, _("Comment added."))
    return redirect("survey-response-detail", response.pk)


@require_POST
@action_required("return_for_correction", RESPONSES, lookup="pk")
def response_return(request, response):
    form = CommentForm(request.POST, prefix="return")
    if form.is_valid():
        try:
            follow_up.response_return(user=request.user, response=response, reason=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("The response was returned to the province for correction."))
            return redirect("survey-response-detail", response.pk)
    return _render_detail(request, response, CommentForm(), return_form=form)

