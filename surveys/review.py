"""Provincial reporting: konsep → dikirim → dikembalikan / diverifikasi, and unlocking.

Any edit of a response makes it a draft again (the upsert writes ``draft``), so a returned or
re-opened batch must be submitted again. Verified responses are locked: ``editable_by``
excludes them and imports refuse them until a verifier unlocks the batch.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programs.policy import can

from .choices import ReviewStatus
from .models import ProvinceSubmission, ReviewEvent, SurveyResponse


def provinces_where(user, action, *, wave, province_ids):
    """The provinces among ``province_ids`` whose batch of ``wave`` ``user`` may ``action``
    ("submit" or "verify", as ProvinceSubmission's policy says), for the review page's buttons."""
    if not can(user, action, ProvinceSubmission):
        return set()
    return {province_id for province_id in province_ids if can(user, action, ProvinceSubmission(wave=wave, province_id=province_id))}


def can_verify(user, province_id, *, wave=None):
    """May ``user`` verify, return or unlock the province's batch (see ProvinceSubmission's policy)?"""
    return can(user, "verify", ProvinceSubmission(wave=wave, province_id=province_id))


def _set_status(queryset, status, *, user, reason):
    """Change the review status of many responses, keeping their history (set-based)."""
    from .services import history_bulk

    ids = list(queryset.select_for_update().values_list("id", flat=True))
    if not ids:
        return 0
    SurveyResponse.objects.filter(pk__in=ids).update(status=status)
    history_bulk(SurveyResponse, [(pk, False) for pk in ids], user=user, reason=reason)
    return len(ids)


def _figures_changed(wave, province_id):
    # Verification changes the verified-only figures of the province (and the nation).
    from .signals import responses_changed

    responses_changed(wave=wave, province_ids=[province_id])


def _submission(wave, province_id):
    submission, _created = ProvinceSubmission.objects.select_for_update().get_or_create(wave=wave, province_id=province_id)
    return submission


@transaction.atomic
def submission_submit(*, user, wave, province_id):
    """An officer sends the province's drafts (and corrected returns) for verification."""
    if not can(user, "submit", ProvinceSubmission(wave=wave, province_id=province_id)) or not can(user, "view", wave):
        raise PermissionDenied
    submission = _submission(wave, province_id)
    pending = SurveyResponse.objects.filter(wave=wave, province_id=province_id, status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
    count = _set_status(pending, ReviewStatus.SUBMITTED, user=user, reason="submit")
    if count == 0:
        raise ValidationError(_("There are no draft or returned responses to submit."))
    submission.status = ReviewStatus.SUBMITTED
    submission.save()
    ReviewEvent.objects.create(submission=submission, action=ReviewEvent.Action.SUBMIT, user=user, responses=count)
    return count


@transaction.atomic
def submission_decide(*, user, wave, province_id, verify, comment=""):
    """Verify the submitted responses (they lock) or return them for correction with a comment."""
    if not can_verify(user, province_id, wave=wave):
        raise PermissionDenied
    if not verify and not comment.strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    submission = _submission(wave, province_id)
    submitted = SurveyResponse.objects.filter(wave=wave, province_id=province_id, status=ReviewStatus.SUBMITTED)
    count = _set_status(submitted, ReviewStatus.VERIFIED if verify else ReviewStatus.RETURNED, user=user, reason="verify" if verify else "return")
    if count == 0:
        raise ValidationError(_("There are no submitted responses to decide on."))
    submission.status = ReviewStatus.VERIFIED if verify else ReviewStatus.RETURNED
    submission.save()
    _figures_changed(wave, province_id)
    ReviewEvent.objects.create(
        submission=submission, action=ReviewEvent.Action.VERIFY if verify else ReviewEvent.Action.RETURN, user=user, comment=comment, responses=count
    )
    return count


@transaction.atomic
def submission_unlock(*, user, wave, province_id, reason):
    """Re-open verified responses for correction; who and why is recorded."""
    if not can_verify(user, province_id, wave=wave):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"comment": _("Say why the verified responses are unlocked.")})
    submission = _submission(wave, province_id)
    verified = SurveyResponse.objects.filter(wave=wave, province_id=province_id, status=ReviewStatus.VERIFIED)
    count = _set_status(verified, ReviewStatus.RETURNED, user=user, reason="unlock")
    if count == 0:
        raise ValidationError(_("There are no verified responses to unlock."))
    submission.status = ReviewStatus.RETURNED
    submission.save()
    _figures_changed(wave, province_id)
    ReviewEvent.objects.create(submission=submission, action=ReviewEvent.Action.UNLOCK, user=user, comment=reason, responses=count)
    return count
