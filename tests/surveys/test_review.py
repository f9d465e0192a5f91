"""konsep → dikirim → dikembalikan / diverifikasi; verified responses are locked; unlocking is recorded."""
from django.contrib.auth.models import Permission
from django.urls import reverse

from surveys.models import ReviewEvent, SurveyResponse
from tests.factories import BusinessFactory, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes, run_import


def test_submit_return_verify_unlock(client, officer, staff_user, jabar):
    wave = make_wave()
    businesses = [BusinessFactory(province=jabar) for _ in range(2)]
    assert run_import(officer, wave, csv_bytes([answer(b.nib) for b in businesses])).status == "done"
    url = reverse("survey-review", args=[wave.code])

    client.force_login(officer)
    client.post(url, {"province": "32", "action": "submit"})
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"submitted"}
    client.post(url, {"province": "32", "action": "verify"})  # officers without the permission cannot
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"submitted"}

    client.force_login(staff_user)
    response = client.post(url, {"province": "32", "action": "return"}, follow=True)
    assert "Sebutkan apa yang harus diperbaiki" in response.content.decode()
    client.post(url, {"province": "32", "action": "return", "comment": "Omzet baris 2 salah"})
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"returned"}

    client.force_login(officer)
    client.post(url, {"province": "32", "action": "submit"})
    client.force_login(staff_user)
    client.post(url, {"province": "32", "action": "verify"})
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"verified"}
    assert not SurveyResponse.objects.editable_by(officer).exists()
    response = SurveyResponse.objects.first()
    assert response.history.first().status == "verified" and response.history.first().history_user == staff_user

    client.post(url, {"province": "32", "action": "unlock", "comment": "Koreksi dari dinas"})
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"returned"}
    assert list(ReviewEvent.objects.order_by("created_at").values_list("action", flat=True)) == ["submit", "return", "submit", "verify", "unlock"]
    assert ReviewEvent.objects.get(action="unlock").comment == "Koreksi dari dinas"


def test_officer_with_verifier_permission_verifies_own_province_only(client, officer, other_officer, jabar):
    wave = make_wave()
    business = BusinessFactory(province=jabar)
    run_import(officer, wave, csv_bytes([answer(business.nib)]))
    SurveyResponse.objects.update(status="submitted")
    permission = Permission.objects.get(codename="verify_submission")
    other_officer.user_permissions.add(permission)
    client.force_login(other_officer)
    client.post(reverse("survey-review", args=[wave.code]), {"province": "32", "action": "verify"})
    assert SurveyResponse.objects.get().status == "submitted"
    officer.user_permissions.add(permission)
    client.force_login(officer)
    client.post(reverse("survey-review", args=[wave.code]), {"province": "32", "action": "verify"})
    assert SurveyResponse.objects.get().status == "verified"


def test_completeness_counts(client, staff_user, officer, jabar, kalsel):
    import datetime

    today = datetime.date.today()
    wave = make_wave(opens_on=today - datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=3))
    jabar_businesses = [BusinessFactory(province=jabar) for _ in range(4)]
    BusinessFactory(province=kalsel)
    run_import(officer, wave, csv_bytes([answer(b.nib) for b in jabar_businesses[:3]]))
    client.force_login(staff_user)
    table = {row["province"].code: row for row in client.get(reverse("survey-completeness", args=[wave.code])).context["table"]}
    assert (table["32"]["expected"], table["32"]["entered"], table["32"]["on_time"]) == (4, 3, 3)
    assert (table["63"]["expected"], table["63"]["entered"]) == (1, 0)
    client.force_login(officer)
    assert [row["province"].code for row in client.get(reverse("survey-completeness", args=[wave.code])).context["table"]] == ["32"]
