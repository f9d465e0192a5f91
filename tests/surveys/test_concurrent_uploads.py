"""Two uploads of overlapping rows at the same moment: no duplicates, no error."""
import threading

import pytest
from django.db import connection

from surveys.models import SurveyImport, SurveyResponse
from tests.factories import BusinessFactory, make_user, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes, run_import


# serialized_rollback: the flush after a transactional test empties the reference data
# (provinces, regencies) that migrations loaded; this restores it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overlapping_uploads_at_once(jabar):
    officer = make_user("officer", province=jabar, username="petugas.serentak")
    wave = make_wave()
    businesses = [BusinessFactory(province=jabar) for _ in range(100)]
    # Both register one new business with the same NIB as well.
    new_row = {"Nama usaha": "Masker Serentak", "Kode kabupaten/kota": "32.73", "Sektor": "textiles-clothing-leather"}
    first = csv_bytes([answer(b.nib) for b in businesses[:60]] + [answer("8120001111111", **new_row)])
    second = csv_bytes([answer(b.nib, **{"Omzet bulan laporan (Rp)": "9.000.000"}) for b in businesses[40:]] + [answer("8120001111111", **new_row)])
    barrier = threading.Barrier(2)
    results = {}

    def upload(name, data):
        try:
            barrier.wait()
            results[name] = run_import(officer, wave, data, name=f"{name}.csv")
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(name, data)) for name, data in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {name: record.status for name, record in results.items()} == {"a": "done", "b": "done"}, {n: (r.message, r.errors[:2]) for n, r in results.items()}
    assert SurveyResponse.objects.filter(wave=wave).count() == 101
    assert SurveyResponse.objects.filter(business__nib="8120001111111").count() == 1
    assert SurveyImport.objects.filter(status="done").count() == 2
