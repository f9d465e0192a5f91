from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import BusinessClaimForm
from ..models import BusinessClaim
from ..policy import can
from ..services import claim_decide, claim_request
from .mixins import action_required


@require_http_methods(["GET", "POST"])
@action_required("add", BusinessClaim)
def claim_create(request):
    """An IKM owner claims a business an officer registered, by its NIB."""
    form = BusinessClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_request(user=request.user, nib=form.cleaned_data["nib"], message=form.cleaned_data["message"])
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your claim for “%(name)s” was sent to the industry office of %(province)s.") % {"name": claim.business.name, "province": claim.business.province.name})
            return redirect("home")
    claims = BusinessClaim.objects.visible_to(request.user).select_related("business")[:20]
    return render(request, "programs/claim_form.html", {"form": form, "claims": claims})


@action_required("review", BusinessClaim)
def claim_list(request):
    """Officers decide the claims on their province's businesses."""
    claims = (
        BusinessClaim.objects.visible_to(request.user)
        .select_related("business__province", "business__regency", "claimant", "decided_by")
        .order_by("status", "-created_at")[:200]
    )
    can_decide = can(request.user, "decide", BusinessClaim)
    return render(request, "programs/claim_list.html", {"claims": claims, "can_decide": can_decide})


@require_POST
@action_required("decide", BusinessClaim, lookup="pk")
def claim_decide_view(request, claim):
    approve = request.POST.get("decision") == "approve"
    try:
        claim = claim_decide(user=request.user, claim_id=claim.pk, approve=approve, note=request.POST.get("note", "")[:2000])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            messages.success(request, _("Claim approved: %(owner)s now keeps “%(name)s”.") % {"owner": claim.claimant.get_full_name() or claim.claimant.username, "name": claim.business.name})
        else:
            messages.info(request, _("Claim rejected."))
    return redirect("claim-list")
