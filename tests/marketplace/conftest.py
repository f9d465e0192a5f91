import datetime

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from marketplace.imports import HEADERS, import_run
from marketplace.models import Marketplace, PartnerReport


def csv_bytes(rows, sep=";"):
    return pd.DataFrame(rows).to_csv(index=False, sep=sep).encode("utf-8-sig")


def seller(name="CV. Batik Lestari", shop="Batik Lestari Official", onboarded="15-06-2020", **extra):
    """One report row with the template's headers (keys of ``extra`` are column keys)."""
    row = {HEADERS["name"]: name, HEADERS["shop_name"]: shop, HEADERS["onboarded"]: onboarded}
    row.update({HEADERS[key]: value for key, value in extra.items()})
    return row


def run_report(user, rows=None, *, data=None, marketplace="tokopedia", month=datetime.date(2020, 7, 1), name="laporan-juli.csv", province=None):
    record = PartnerReport(marketplace=Marketplace.objects.get(code=marketplace), month=month, user=user, original_name=name, province=province)
    payload = data if data is not None else csv_bytes(rows)
    record.file.save(name, SimpleUploadedFile(name, payload), save=False)
    record.save()
    # The messages are read in English here (the portal speaks Indonesian by default).
    with translation.override("en"):
        return import_run(import_id=record.pk)


@pytest.fixture(autouse=True)
def _media(request, settings, tmp_path):
    # Uploads in a throwaway folder, except where a real worker (another process) reads them.
    if "celery_worker_process" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path
