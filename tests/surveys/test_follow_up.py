"""Follow-up of single responses (issue 12, point 3): the list of responses with warnings,
each response's page with history and comments, confirm (officer), return (ministry staff)."""
import pytest
from django.urls import reverse

from surveys.models import ResponseComment, SurveyResponse
from tests.factories import BusinessFactory, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes, run_import


@pytest.fixture
def wave(db):
    return make_wave()


@pytest.fixture
def odd(officer, jabar, wave):
    """A response entered by upload with a warning, then corrected once by upload."""
    business = BusinessFactory(province=jabar, name="Konveksi Salah Ketik")
    steady = BusinessFactory(province=jabar, name="Batik Biasa")
    jump = {"Omzet bulan dasar (Rp)": "1.000", "Omzet bulan laporan (Rp)": "900.000.000"}
    assert run_import(officer, wave, csv_bytes([answer(business.nib, **jump), answer(steady.nib)])).status == "done"
    assert run_import(officer, wave, csv_bytes([answer(business.nib, **{**jump, "Tenaga kerja sesudah": 5})])).status == "done"
    return SurveyResponse.objects.get(business=business)


def test_the_list_shows_unconfirmed_warnings_in_scope(client, officer, other_officer, wave, odd):
    url = reverse("survey-follow-up", args=[wave.code])
    client.force_login(officer)
    page = client.get(url)
    text = page.content.decode()
    assert "Konveksi Salah Ketik" in text and "Batik Biasa" not in text
    assert reverse("survey-response-detail", args=[odd.pk]) in text
    assert "Omzet sesudah lebih dari 5 kali omzet sebelum" in text
    client.force_login(other_officer)
    assert "Konveksi Salah Ketik" not in client.get(url).content.decode()


def test_confirmed_warnings_leave_the_default_list(client, officer, wave, odd):
    client.force_login(officer)
    client.post(reverse("survey-confirm-warnings", args=[odd.pk]))
    url = reverse("survey-follow-up", args=[wave.code])
    assert "Konveksi Salah Ketik" not in client.get(url).content.decode()
    assert "Konveksi Salah Ketik" in client.get(url, {"state": "confirmed"}).content.decode()


def test_owners_do_not_reach_follow_up_pages(client, owner, wave, odd):
    client.force_login(owner)
    assert client.get(reverse("survey-follow-up", args=[wave.code])).status_code in (403, 404)  # 404: an open wave is not theirs to see
    assert client.get(reverse("survey-response-detail", args=[odd.pk])).status_code in (403, 404)


def test_the_response_page_shows_its_history(client, officer, odd):
    client.force_login(officer)
    page = client.get(reverse("survey-response-detail", args=[odd.pk]))
    assert page.status_code == 200
    history = page.context["history"]
    assert len(history) == 2
    assert history[0]["changes"] == [{"field": "tenaga kerja sesudah", "before": "7", "after": "5"}]
    assert history[0]["by"] == (officer.get_full_name() or officer.username)
    text = page.content.decode()
    assert "Peringatan belum dikonfirmasi" in text
    assert reverse("survey-entry", args=[odd.wave.code]) in text  # correct it


def test_comments_thread_and_an_empty_comment_is_refused(client, officer, staff_user, odd):
    url = reverse("survey-response-comment", args=[odd.pk])
    client.force_login(officer)
    page = client.post(url, {"text": "   "})
    assert page.status_code == 200 and "Tulis komentar." in page.content.decode()
    assert not ResponseComment.objects.exists()
    client.post(url, {"text": "Omzet benar: pesanan masker dari Satgas."})
    client.force_login(staff_user)
    client.post(url, {"text": "Terima kasih, sudah jelas."})
    text = client.get(reverse("survey-response-detail", args=[odd.pk])).content.decode()
    assert text.index("pesanan masker dari Satgas") < text.index("sudah jelas")


def test_staff_return_one_response_officers_cannot(client, officer, staff_user, wave, odd):
    client.force_login(officer)
    client.post(reverse("survey-review", args=[wave.code]), {"province": "32", "action": "submit"})
    url = reverse("survey-response-return", args=[odd.pk])
    assert client.post(url, {"return-text": "Periksa omzet"}).status_code == 403

    client.force_login(staff_user)
    page = client.post(url, {"return-text": ""})
    assert "Tulis komentar." in page.content.decode()
    client.post(url, {"return-text": "Periksa omzet bulan dasar: Rp 1.000?"})
    odd.refresh_from_db()
    assert odd.status == "returned"
    assert SurveyResponse.objects.exclude(pk=odd.pk).get().status == "submitted"  # the rest of the batch stays
    assert ResponseComment.objects.get().text == "Periksa omzet bulan dasar: Rp 1.000?"
    assert odd.history.first().history_change_reason == "return"


def test_response_rows_link_to_the_response(client, officer, wave, odd):
    client.force_login(officer)
    text = client.get(reverse("survey-response-list", args=[wave.code])).content.decode()
    assert reverse("survey-response-detail", args=[odd.pk]) in text


def test_the_follow_up_list_and_response_page_queries_do_not_grow_with_the_data(client, officer, wave, jabar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_responses

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(officer)
    url = reverse("survey-follow-up", args=[wave.code])
    make_responses(wave, [BusinessFactory(province=jabar) for _ in range(3)], warnings=["turnover-jump"])
    few = queries(url)
    make_responses(wave, [BusinessFactory(province=jabar) for _ in range(30)], seed=2, warnings=["workers-rise"])
    assert queries(url) == few
    response = SurveyResponse.objects.filter(wave=wave).first()
    page = reverse("survey-response-detail", args=[response.pk])
    alone = queries(page)
    for number in range(5):
        client.post(reverse("survey-response-comment", args=[response.pk]), {"text": f"Catatan {number}"})
    assert queries(page) == alone
