"""Writing budget data: allocations and their revisions, activities, withdrawal plans,
realisation and output reports. Every write checks the user's right through the models'
policy and scope, refuses bad input with a field error in the user's language and changes
nothing then.

Locking rule (the one way sums can never pass their limits, also when officers enter at the
same moment):

    Every write that changes what an allocation's money is planned or spent on locks the
    allocation row first (``SELECT … FOR UPDATE``) and then, if it touches one, the activity
    row — always in that order, so two writers never wait on each other crosswise. Checks read
    the locked rows; the running sums (``Allocation.planned``/``realised``,
    ``Activity.realised``) are written from them in the same transaction. CHECK constraints on
    those sums are the database's last word should any code path forget the rule.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programs.policy import can

from .models import MONEY_LIMIT, Activity, Allocation, OutputReport, Realisation, Revision, WithdrawalPlan


def _indicators_changed(year):
    """Budget figures of ``year`` changed: refresh its indicators once the write commits (one
    task per burst of writes; if the broker is down the hourly beat catches up)."""
    from django.core.cache import cache

    def queue():
        from .tasks import refresh_indicators_task

        if not cache.add(f"budgets:indicators:{year}", 1, timeout=60):
            return
        try:
            refresh_indicators_task.apply_async(kwargs={"year": year}, countdown=20)
        except Exception:
            cache.delete(f"budgets:indicators:{year}")

    transaction.on_commit(queue)


def _by(user, *instances):
    """History records who made the change, also outside a request (API bulk, imports, tasks)."""
    for instance in instances:
        instance._history_user = user


def rupiah(amount):
    return "Rp " + f"{amount:,}".replace(",", ".")


def _in_year(value, year, field):
    if value is not None and value.year != year:
        raise ValidationError({field: _("The date must fall within fiscal year %(year)s.") % {"year": year}})


def _editable_allocation(user, allocation_id, action):
    """The allocation, locked, if ``user`` may ``action`` it (404-like PermissionDenied otherwise)."""
    allocation = Allocation.objects.visible_to(user).select_for_update(of=("self",)).filter(pk=allocation_id).first()
    if allocation is None or not can(user, action, allocation):
        raise PermissionDenied
    return allocation


# --- allocations and revisions ----------------------------------------------------------------


@transaction.atomic
def allocation_create(*, user, year, province, satker_code, satker_name, ceiling):
    if not can(user, "add", Allocation):
        raise PermissionDenied
    allocation = Allocation(
        year=year, province=province, satker_code=satker_code, satker_name=satker_name,
        original_ceiling=ceiling, ceiling=ceiling,
    )
    allocation.full_clean(validate_constraints=False)
    if Allocation.objects.filter(year=year, province=province).exists():
        raise ValidationError({"province": _("%(province)s already has an allocation for %(year)s.") % {"province": province.name, "year": year}})
    _by(user, allocation)
    allocation.save()
    return allocation


@transaction.atomic
def revision_add(*, user, allocation, kind, date, reason, ceiling, blocked=0, document=""):
    """Record an approved revision: the allocation's ceiling and blocked amount become the
    revision's. Refused if what would be available falls below what is already planned or spent."""
    allocation = _editable_allocation(user, allocation.pk, "revise")
    _in_year(date, allocation.year, "date")
    revision = Revision(
        allocation=allocation, number=(allocation.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1,
        date=date, kind=kind, reason=reason, document=document, ceiling=ceiling, blocked=blocked, created_by=user,
    )
    revision.full_clean(exclude=["allocation", "created_by"], validate_constraints=False)
    if blocked > ceiling:
        raise ValidationError({"blocked": _("The blocked amount cannot exceed the ceiling.")})
    available = ceiling - blocked
    if available < allocation.realised:
        raise ValidationError({"ceiling": _(
            "%(spent)s has already been spent: the ceiling less the blocked amount cannot be lower."
        ) % {"spent": rupiah(allocation.realised)}})
    if available < allocation.planned:
        raise ValidationError({"ceiling": _(
            "Activities already plan %(planned)s: lower their budgets first, or keep the ceiling less the blocked amount at least that."
        ) % {"planned": rupiah(allocation.planned)}})
    _by(user, revision, allocation)
    revision.save()
    allocation.ceiling, allocation.blocked = ceiling, blocked
    allocation.save(update_fields=["ceiling", "blocked", "updated_at"])
    _indicators_changed(allocation.year)
    return revision


# --- activities -------------------------------------------------------------------------------


@transaction.atomic
def activity_save(*, user, activity, events=None, beneficiaries=None, partners=None):
    """Create or update ``activity`` (built by a form or the API). Its allocation must be the
    user's to enter into; Σ budgets stays within the ceiling less what is blocked, and a budget
    cannot fall below what the activity has already spent."""
    allocation = _editable_allocation(user, activity.allocation_id, "enter")
    activity.allocation = allocation
    activity.full_clean(exclude=["allocation"], validate_constraints=False)
    for field in ("planned_start", "planned_end", "actual_start", "actual_end"):
        _in_year(getattr(activity, field), allocation.year, field)
    if activity.planned_end < activity.planned_start:
        raise ValidationError({"planned_end": _("The end month cannot come before the start month.")})
    if activity.regency_id and activity.regency.province_id != allocation.province_id:
        raise ValidationError({"regency": _("This regency is outside the allocation's province.")})
    if activity.status in (Activity.Status.POSTPONED, Activity.Status.CANCELLED) and not activity.status_reason.strip():
        raise ValidationError({"status_reason": _("Say why the activity is postponed or cancelled.")})
    previous = Activity.objects.select_for_update().filter(pk=activity.pk).first() if activity.pk else None
    spent = previous.realised if previous else 0
    if activity.budget < spent:
        raise ValidationError({"budget": _("%(spent)s has already been spent on this activity: the budget cannot be lower.") % {"spent": rupiah(spent)}})
    planned = allocation.planned - (previous.budget if previous else 0) + activity.budget
    if planned > allocation.available:
        left = allocation.available - (allocation.planned - (previous.budget if previous else 0))
        raise ValidationError({"budget": _(
            "Only %(left)s of the allocation is left to plan (ceiling less blocked less the other activities)."
        ) % {"left": rupiah(max(left, 0))}})
    activity.realised = spent
    _by(user, activity, allocation)
    activity.save()
    allocation.planned = planned
    allocation.save(update_fields=["planned", "updated_at"])
    if events is not None:
        activity.events.set(events)
    if beneficiaries is not None:
        activity.beneficiaries.set(beneficiaries)
    if partners is not None:
        activity.partners.set(partners)
    _indicators_changed(allocation.year)
    return activity


@transaction.atomic
def activity_delete(*, user, activity):
    """Remove an activity nothing has been spent on; its budget returns to the allocation."""
    allocation = _editable_allocation(user, activity.allocation_id, "enter")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not can(user, "delete", activity):
        raise PermissionDenied
    if activity.realised or activity.realisations.exists():
        raise ValidationError({"activity": _("Money has been spent on this activity: it cannot be deleted; set its status instead.")})
    allocation.planned -= activity.budget
    _by(user, allocation, activity)
    activity.delete()
    allocation.save(update_fields=["planned", "updated_at"])
    _indicators_changed(allocation.year)


# --- withdrawal plan --------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, user, allocation, months):
    """A new version of the allocation's monthly withdrawal plan (RPD)."""
    allocation = _editable_allocation(user, allocation.pk, "enter")
    if len(months) != 12 or any(not isinstance(amount, int) or isinstance(amount, bool) for amount in months):
        raise ValidationError({"months": _("Give twelve whole rupiah amounts, January to December.")})
    if any(amount < 0 or amount > MONEY_LIMIT for amount in months):
        raise ValidationError({"months": _("Amounts must be between 0 and %(limit)s.") % {"limit": rupiah(MONEY_LIMIT)}})
    if sum(months) > allocation.available:
        raise ValidationError({"months": _("The plan adds up to %(total)s, more than the %(available)s available.") % {
            "total": rupiah(sum(months)), "available": rupiah(allocation.available)}})
    version = (allocation.plans.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    plan = WithdrawalPlan(allocation=allocation, version=version, months=months, created_by=user)
    _by(user, plan)
    plan.save()
    _indicators_changed(allocation.year)
    return plan


# --- realisation ------------------------------------------------------------------------------


def _lock_for_spending(allocation_id, activity_id):
    """The allocation and the activity rows, locked in the rule's order (allocation first)."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation_id)
    activity = Activity.objects.select_for_update().get(pk=activity_id)
    return allocation, activity


@transaction.atomic
def realisation_add(*, user, activity, payment_number, date, amount, account, description=""):
    """Record one payment order charged to ``activity``. Returns ``(realisation, created)``.

    Sending the same entry again (same payment number, amount, date and activity) changes
    nothing and returns the existing one; the same number with other figures is refused.
    The amount must fit in what is left of the activity's budget and of the allocation's
    ceiling less what is blocked — checked on rows locked as the module's rule says."""
    if not can(user, "add", Realisation):
        raise PermissionDenied
    if not Activity.objects.editable_by(user).filter(pk=activity.pk).exists():
        raise PermissionDenied
    payment_number = str(payment_number or "").strip()
    candidate = Realisation(
        allocation_id=activity.allocation_id, activity=activity, payment_number=payment_number, date=date,
        amount=amount, account=account, description=description, entered_by=user,
    )
    candidate.full_clean(exclude=["allocation", "activity", "entered_by"], validate_unique=False, validate_constraints=False)
    allocation, activity = _lock_for_spending(activity.allocation_id, activity.pk)
    _in_year(date, allocation.year, "date")
    existing = Realisation.objects.filter(allocation=allocation, payment_number=payment_number).first()
    if existing is not None:
        if (existing.activity_id, existing.amount, existing.date, existing.account) == (activity.pk, amount, date, account):
            return existing, False
        raise ValidationError({"payment_number": _(
            "Payment order %(number)s is already recorded with %(amount)s on %(date)s; a payment number is used once."
        ) % {"number": payment_number, "amount": rupiah(existing.amount), "date": existing.date.strftime("%d-%m-%Y")}})
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError({"activity": _("This activity is cancelled: nothing can be spent on it.")})
    left = min(activity.budget - activity.realised, allocation.available - allocation.realised)
    if amount > left:
        raise ValidationError({"amount": _("Only %(left)s is left to spend on this activity.") % {"left": rupiah(max(left, 0))}})
    candidate.allocation, candidate.activity = allocation, activity
    _by(user, candidate, activity, allocation)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # the same number sent at the same moment by another request
        raise ValidationError({"payment_number": _("Payment order %(number)s is already recorded.") % {"number": payment_number}}) from None
    activity.realised += amount
    activity.save(update_fields=["realised", "updated_at"])
    allocation.realised += amount
    allocation.save(update_fields=["realised", "updated_at"])
    _indicators_changed(allocation.year)
    return candidate, True


# --- outputs ----------------------------------------------------------------------------------


@transaction.atomic
def output_report_save(*, user, activity, month, volume, evidence=""):
    """Record (or correct) what ``activity`` produced in ``month``."""
    if not Activity.objects.editable_by(user).filter(pk=activity.pk).exists() or not can(user, "add", OutputReport):
        raise PermissionDenied
    month = month.replace(day=1) if isinstance(month, datetime.date) else month
    _in_year(month, activity.allocation.year, "month")
    report = OutputReport.objects.filter(activity=activity, month=month).first() or OutputReport(activity=activity, month=month)
    report.volume, report.evidence, report.entered_by = volume, evidence, user
    report.full_clean(exclude=["activity", "entered_by"], validate_constraints=False)
    _by(user, report)
    report.save()
    _indicators_changed(activity.allocation.year)
    return report
