"""Following up single responses: which have warnings, their history, comments, and
returning one response to its province (ministry staff), not only a whole batch."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.policy import can

from .choices import ReviewStatus
from .models import ResponseComment, SurveyResponse

#: Answer fields whose changes the history shows, in the order of the form.
HISTORY_FIELDS = [
    "turnover_before", "turnover_after", "capacity_before", "capacity_after", "workers_before", "workers_after",
    "workers_furloughed", "workers_laid_off", "operating_status", "problems", "needs", "diversified",
    "diversification_product", "export_postponed_value", "export_postponed_country", "notes", "status",
    "warnings", "warnings_confirmed", "channel",
]
#: History entries shown on a response page (newest first).
HISTORY_SHOWN = 50


#: Why a history entry was written (``history_change_reason``), as people read it.
REASONS = {
    "owner": gettext_lazy("answered by the owner"), "submit": gettext_lazy("submitted"), "verify": gettext_lazy("verified"),
    "return": gettext_lazy("returned for correction"), "unlock": gettext_lazy("unlocked"),
}
#: The answers a response page shows, in the order of the form.
ANSWERS = [
    "turnover_before", "turnover_after", "capacity_before", "capacity_after", "workers_before", "workers_after",
    "workers_furloughed", "workers_laid_off", "operating_status", "problems", "needs", "diversified",
    "diversification_product", "export_postponed_value", "export_postponed_country",
]


def answer_rows(response):
    """``(label, value)`` of each answer, labelled as on the entry form."""
    from .forms import ResponseForm

    fields = ResponseForm.base_fields
    rows = []
    for name in ANSWERS:
        value = getattr(response, name)
        shown = _shown(value, name)
        if name in ("turnover_before", "turnover_after", "export_postponed_value") and value is not None:
            shown = f"Rp {shown}"
        rows.append((fields[name].label, shown))
    return rows


def with_warnings(*, wave, user):
    """Responses of ``wave`` that have (or had, and confirmed) warnings, within ``visible_to``."""
    return (
        SurveyResponse.objects.visible_to(user).filter(wave=wave).exclude(warnings=[])
        .select_related("business", "province", "regency", "sector")
    )


def history_of(response):
    """The response's changes, newest first: when, who, why (form, upload, submit, verify…)
    and which answers changed from what to what."""
    records = list(response.history.order_by("-history_date", "-history_id")[:HISTORY_SHOWN + 1])
    names = user_names(record.history_user_id for record in records)
    names_of_fields = {field: SurveyResponse._meta.get_field(field).verbose_name for field in HISTORY_FIELDS}
    entries = []
    for newer, older in zip(records, records[1:] + [None]):
        if len(entries) == HISTORY_SHOWN:
            break
        changes = []
        if older is not None:
            for field in HISTORY_FIELDS:
                before, after = getattr(older, field), getattr(newer, field)
                if before != after:
                    changes.append({"field": names_of_fields[field], "before": _shown(before, field), "after": _shown(after, field)})
        entries.append({
            "at": newer.history_date, "by": names.get(newer.history_user_id, ""),
            "kind": newer.get_history_type_display(), "reason": REASONS.get(newer.history_change_reason or "", newer.history_change_reason or ""),
            "changes": changes,
        })
    return entries


def user_names(ids):
    """Display names of users by id (the history keeps ids only): one query."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in={pk for pk in ids if pk})
    return {user.pk: user.get_full_name() or user.username for user in users}


def labels(codes, choices):
    """Codes of a closed list as their translated labels."""
    names = dict(choices.choices)
    return [str(names.get(code, code)) for code in codes or []]


def _shown(value, field):
    """A history value as people read it: 25.000.000, ya/tidak, labels rather than codes."""
    from django.utils.formats import number_format

    from .choices import Channel, OperatingStatus, ReviewStatus as Status, Warning
    from .choices import Need, Problem

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    closed_lists = {"problems": Problem, "needs": Need, "warnings": Warning}
    if field in closed_lists:
        return ", ".join(labels(value, closed_lists[field])) or "–"
    single = {"operating_status": OperatingStatus, "status": Status, "channel": Channel}
    if field in single:
        return labels([value], single[field])[0]
    return str(value)


def comment_add(*, user, response, text):
    if not can(user, "comment", response):
        raise PermissionDenied
    return ResponseComment.objects.create(response=response, user=user, text=text.strip())


@transaction.atomic
def response_return(*, user, response, reason):
    """Ministry staff send one submitted or verified response back for correction: it becomes
    "returned" (editable by the province again), the reason goes into its comment thread and
    history, and the figures are refreshed (verified-only figures change)."""
    from .review import _set_status
    from .signals import responses_changed

    if not can(user, "return_for_correction", response):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Say what must be corrected."))
    locked = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if locked.status not in (ReviewStatus.SUBMITTED, ReviewStatus.VERIFIED):
        raise ValidationError(_("Only submitted or verified responses are returned; this one is %(status)s.") % {"status": locked.get_status_display().lower()})
    _set_status(SurveyResponse.objects.filter(pk=locked.pk), ReviewStatus.RETURNED, user=user, reason="return")
    ResponseComment.objects.create(response=locked, user=user, text=reason.strip())
    responses_changed(wave=locked.wave, province_ids=[locked.province_id])
