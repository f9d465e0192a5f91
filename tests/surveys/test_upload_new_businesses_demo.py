"""An upload whose rows register businesses not yet in the registry (as the template invites)
is written on the demo database; it stopped with "kesalahan di sisi kami" there."""
import io

import pandas as pd
from django.core.management import call_command

from programs.models import Business, Regency
from surveys.models import SurveyResponse, SurveyWave
from tests.surveys.test_import_pipeline import answer, run_import


def test_new_businesses_are_registered_from_an_upload_on_the_demo_data(db, officer, jabar):
    call_command("seed_demo", "--businesses=60", "--responses=60", "--events=2", "--registrations=0", stdout=io.StringIO())
    wave = SurveyWave.objects.get(status="open")
    regency = Regency.objects.filter(province=jabar).first()
    rows = []
    for number in range(3):
        row = answer("")
        row.pop("NIB")
        row.update({"NIB": f"81200099990{number:02d}", "Nama usaha": f"Usaha Baru Demo {number}", "Kode kabupaten/kota": regency.code, "Sektor": "food-beverages"})
        rows.append(row)
    data = pd.DataFrame(rows).to_csv(index=False).encode("utf-8-sig")
    record = run_import(officer, wave, data, name="baru.csv")
    assert record.status == "done", (record.message, record.errors[:3])
    assert Business.objects.filter(name__startswith="Usaha Baru Demo").count() == 3
    assert SurveyResponse.objects.filter(wave=wave).count() == 3
