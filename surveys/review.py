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
    if verify:
        _refuse_unconfirmed_warnings(submitted)
    count = _set_status(submitted, ReviewStatus.VERIFIED if verify else ReviewStatus.RETURNED, user=user, reason="verify" if verify else "return")
    if count == 0:
        raise ValidationError(_("There are no submitted responses to decide on."))
    submission.status = ReviewStatus.VERIFIED if verify else ReviewStatus.RETURNED
    submission.save()
    _figures_changed(wave, province_id)
    if verify:
        _ranges_changed(wave)
    ReviewEvent.objects.create(
        submission=submission, action=ReviewEvent.Action.VERIFY if verify else ReviewEvent.Action.RETURN, user=user, comment=comment, responses=count
    )
    return count


#: Businesses a refusal to verify names (the follow-up list has them all).
UNCONFIRMED_NAMED = 10


def _refuse_unconfirmed_warnings(responses):
    """A batch is verified only when every warning in it has been confirmed or corrected."""
    unconfirmed = responses.exclude(warnings=[]).filter(warnings_confirmed=False)
    names = list(unconfirmed.order_by("business__name").values_list("business__name", flat=True)[:UNCONFIRMED_NAMED + 1])
    if not names:
        return
    total = unconfirmed.count() if len(names) > UNCONFIRMED_NAMED else len(names)
    shown = ", ".join(names[:UNCONFIRMED_NAMED])
    if total > UNCONFIRMED_NAMED:
        shown = _("%(names)s and %(more)s more") % {"names": shown, "more": f"{total - UNCONFIRMED_NAMED:,}".replace(",", ".")}
    raise ValidationError(
        _("%(count)s response(s) still have unconfirmed warnings: %(names)s. Confirm or correct them (follow-up list) before verifying.")
        % {"count": f"{total:,}".replace(",", "."), "names": shown}
    )


def _ranges_changed(wave):
    """Verified answers of ``wave`` changed: the outlier ranges of later open waves are out of date."""
    from .tasks import refresh_turnover_ranges_task

    def queue():
        from .outliers import waves_learning_from

        for later in waves_learning_from(wave):
            try:
                refresh_turnover_ranges_task.delay(wave_id=later.pk)
            except Exception:  # an unreachable broker: the hourly beat recomputes them
                pass

    transaction.on_commit(queue)


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
    _ranges_changed(wave)
    ReviewEvent.objects.create(submission=submission, action=ReviewEvent.Action.UNLOCK, user=user, comment=reason, responses=count)
    return count
