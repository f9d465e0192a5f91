"""Redis stopped: writes that succeed say so and their figures catch up once it is back,
pages and the API keep serving, a job that could not be sent is re-sent, the worker
reconnects, and /healthz says what is wrong."""
import pytest

from programs.models import ExportJob
from surveys.rollups import refresh
from surveys.models import ImpactRollup, RollupPending, SurveyResponse
from tests.factories import BusinessFactory, make_businesses, make_responses, make_user, make_wave

from .conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.faults]

ANSWERS = {
    "turnover_before": "25.000.000", "turnover_after": "10.000.000", "workers_before": 10, "workers_after": 7,
    "workers_furloughed": 3, "workers_laid_off": 0, "operating_status": "reduced", "problems": ["demand"], "needs": ["marketplace"],
}


def province_responses(wave, province):
    rollup = ImpactRollup.objects.filter(wave=wave, verified_only=False, province=province, regency=None, sector=None, scale="").first()
    return rollup.responses if rollup else 0


def test_a_form_entry_with_redis_down_is_saved_said_so_and_counted_once_redis_is_back(stack, jabar):
    officer = make_user("officer", province=jabar, username="petugas.gangguan")
    wave = make_wave()
    business = BusinessFactory(province=jabar, name="Batik Tulis Cirebon")
    browser = stack.session(officer)
    stack.stop_redis()

    entry = f"/surveys/{wave.code}/entry/"
    answer = stack.post_form(browser, f"{entry}?business={business.pk}", {**ANSWERS, "business": business.pk, "save": "1"})

    assert answer.status_code == 200, answer.text[:500]
    assert "Jawaban “Batik Tulis Cirebon” tersimpan." in answer.text
    assert SurveyResponse.objects.filter(wave=wave, business=business).count() == 1
    assert RollupPending.objects.filter(wave=wave, province=jabar).exists()  # the refresh is owed, not lost
    assert stack.worker.alive()

    stack.start_redis()
    # The worker reconnects and its beat refreshes what the write marked, without the hourly run.
    wait_for(lambda: province_responses(wave, jabar) == 1, timeout=60, message=f"figures did not catch up:\n{stack.worker.log()[-3000:]}")
    assert not RollupPending.objects.filter(wave=wave).exists()


def test_an_api_write_and_reads_with_redis_down(stack, jabar, officer):
    from rest_framework.authtoken.models import Token

    wave = make_wave()
    published = make_wave("2020-05", status="published")
    make_responses(published, make_businesses(5, provinces=[jabar]))
    refresh(wave=published)
    business = BusinessFactory(province=jabar)
    token = Token.objects.create(user=officer)
    stack.stop_redis()
    import requests

    body = {**ANSWERS, "turnover_before": 25_000_000, "turnover_after": 10_000_000, "problems": ["demand"], "wave": wave.code, "business": business.pk}
    created = requests.post(f"{stack.base}/api/v1/survey-responses/", json=body, headers={"Authorization": f"Token {token.key}"}, timeout=30)
    assert created.status_code == 201, created.text[:500]
    assert SurveyResponse.objects.filter(wave=wave, business=business).exists()

    # Anonymous calls are throttled through the cache: without it they are served, not refused.
    public = requests.get(f"{stack.base}/api/v1/impact/summary/", params={"wave": published.code}, timeout=30)
    assert public.status_code == 200, public.text[:500]
    assert requests.get(f"{stack.base}/impact/", timeout=30).status_code == 200


def test_pages_with_redis_down(stack, jabar, officer, staff_user):
    wave = make_wave("2020-05", status="published")
    make_responses(wave, make_businesses(5, provinces=[jabar]))
    refresh(wave=wave)
    officer_browser, staff_browser = stack.session(officer), stack.session(staff_user)
    stack.stop_redis()
    for browser in (officer_browser, staff_browser):
        home = browser.get(stack.base + "/", timeout=30)
        assert home.status_code == 200, home.text[:500]
    assert officer_browser.get(f"{stack.base}/businesses/", timeout=30).status_code == 200


def test_an_export_requested_with_redis_down_waits_says_so_and_runs_when_it_is_back(stack, jabar, officer):
    BusinessFactory.create_batch(3, province=jabar)
    browser = stack.session(officer)
    stack.stop_redis()

    asked = stack.post_form(browser, "/businesses/export.xlsx", {})
    assert asked.status_code == 200, asked.text[:500]
    assert asked.elapsed.total_seconds() < 10  # the officer is not kept waiting on the broker
    assert "Server tugas sedang tidak dapat dihubungi" in asked.text
    job = ExportJob.objects.get()
    assert job.status == "queued" and job.dispatched_at is None
    # A second click finds the same job (no duplicate), still honest about the wait.
    again = stack.post_form(browser, "/businesses/export.xlsx", {})
    assert "Server tugas sedang tidak dapat dihubungi" in again.text
    assert ExportJob.objects.count() == 1

    stack.start_redis()
    # The beat's watchdog sends it again; the worker, reconnected, builds it.
    wait_for(lambda: ExportJob.objects.get().status == "done", timeout=60, message=f"the export was not re-sent:\n{stack.worker.log()[-3000:]}")
    download = browser.get(f"{stack.base}/exports/{job.pk}/download/", timeout=30)
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_healthz_with_redis_down_and_without_a_worker(stack, staff_user):
    import requests

    assert requests.get(f"{stack.base}/healthz", timeout=10).json() == {"status": "ok"}
    stack.stop_redis()
    down = requests.get(f"{stack.base}/healthz", timeout=10)
    assert down.status_code == 503 and down.json() == {"status": "error"}
    stack.start_redis()
    wait_for(lambda: requests.get(f"{stack.base}/healthz", timeout=10).status_code == 200, timeout=30, message="healthz did not recover")

    stack.worker.kill()
    browser = stack.session(staff_user)
    answers = []
    wait_for(
        lambda: answers.append(browser.get(f"{stack.base}/healthz", timeout=10)) or answers[-1].status_code == 503,
        timeout=15, message="healthz still 200 without a worker",
    )
    worker = answers[-1].json()["worker"]
    assert worker["status"] == "error" and worker["alive"] == 0 and worker["last_heartbeat"]
