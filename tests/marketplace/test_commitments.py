"""Export commitments: each refusal of the service (the forms and the API share it), scoping,
and history."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from marketplace import buyers as services
from marketplace.models import Commitment
from tests.factories import BusinessFactory, make_user

from .buyer_helpers import commitment_data, make_buyer, make_commitment


@pytest.fixture
def buyer(staff_user):
    return make_buyer(staff_user)


def refused(user, business, buyer, **overrides):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.commitment_save(user=user, business=business, buyer=buyer, data=commitment_data(**overrides))
    assert not Commitment.objects.exists()
    return caught.value.message_dict


def test_an_officer_records_a_held_commitment_of_their_province(officer, business_jabar, buyer):
    commitment = make_commitment(officer, business_jabar, buyer)
    assert commitment.status == "held" and commitment.status_date == commitment.signed
    assert commitment.history.count() == 1 and commitment.history.first().history_user == officer


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"signed": timezone.localdate() + datetime.timedelta(days=1)}, "signed", "future"),
    ({"value": -1}, "value", "negative"),
    ({"value_idr": -5}, "value_idr", "negative"),
    ({"value_realised": -5}, "value_realised", "negative"),
    ({"currency": "XYZ"}, "currency", "ISO 4217"),
    ({"currency": "dollar"}, "currency", "ISO 4217"),
    ({"status": "held", "reason": "  "}, "reason", "reason"),
    ({"status": "cancelled", "reason": ""}, "reason", "reason"),
    ({"hs_code": "9"}, "hs_code", "2 to 10 digits"),
    ({"hs_code": "94AB"}, "hs_code", "2 to 10 digits"),
    ({"hs_code": "94038012345"}, "hs_code", ""),
])
def test_bad_input_is_refused_and_nothing_is_written(officer, business_jabar, buyer, overrides, field, words):
    errors = refused(officer, business_jabar, buyer, **overrides)
    assert field in errors, errors
    assert words in " ".join(errors[field])


def test_a_reason_is_not_needed_once_resumed(officer, business_jabar, buyer):
    commitment = make_commitment(officer, business_jabar, buyer, status="resumed", reason="", status_date=datetime.date(2021, 3, 1))
    assert commitment.status == "resumed"


def test_a_business_of_another_province_is_refused_for_an_officer(officer, business_kalsel, buyer):
    errors = refused(officer, business_kalsel, buyer)
    assert "province" in " ".join(errors["business"])


def test_owners_do_not_record_commitments(owner, business_jabar, buyer):
    with pytest.raises(PermissionDenied):
        services.commitment_save(user=owner, business=business_jabar, buyer=buyer, data=commitment_data())


def test_scoping_officers_see_their_province_ministry_all_owners_their_own(officer, other_officer, staff_user, owner, business_jabar, business_kalsel, buyer, admin_user):
    mine = make_commitment(officer, business_jabar, buyer)
    theirs = make_commitment(other_officer, business_kalsel, buyer)
    assert set(Commitment.objects.visible_to(officer)) == {mine}
    assert set(Commitment.objects.visible_to(other_officer)) == {theirs}
    assert set(Commitment.objects.visible_to(staff_user)) == {mine, theirs}
    # Decided: owners read their own businesses' commitments, and change none.
    assert set(Commitment.objects.visible_to(owner)) == {mine}
    assert not Commitment.objects.editable_by(owner).exists()
    assert not Commitment.objects.visible_to(make_user("owner", username="lain@contoh.id")).exists()
    assert not Commitment.objects.visible_to(None).exists()


def test_a_status_change_keeps_history_and_dates_the_change(officer, business_jabar, buyer):
    commitment = make_commitment(officer, business_jabar, buyer)
    services.commitment_save(user=officer, business=business_jabar, buyer=buyer, data={"status": "resumed", "reason": ""}, instance=commitment)
    commitment.refresh_from_db()
    assert commitment.status == "resumed" and commitment.status_date == timezone.localdate()
    assert [row.status for row in commitment.history.order_by("history_date")] == ["held", "resumed"]


def test_ministry_staff_record_commitments_of_any_province(staff_user, business_kalsel, buyer):
    assert make_commitment(staff_user, business_kalsel, buyer).business == business_kalsel
