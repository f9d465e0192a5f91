import datetime

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from marketplace import figures
from marketplace.imports import HEADERS, import_run
from marketplace.models import Marketplace, Onboarding, PartnerReport
from tests.factories import BusinessFactory, province


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


# --- onboarding figures (the dashboard and its API) -----------------------------------------------


def shop(business, marketplace, day, *, confirmed=True):
    return Onboarding.objects.create(
        business=business, marketplace=marketplace, province_id=business.province_id, shop_name=f"Toko {business.pk}",
        onboarded=day, source="partner", confirmed=confirmed,
    )


@pytest.fixture
def onboardings(db):
    tokopedia, shopee, blibli = (Marketplace.objects.get(code=code) for code in ("tokopedia", "shopee", "blibli"))
    rows = []
    for index, code in enumerate(["32", "32", "32", "63", "63", "72", "72", "72"]):
        business = BusinessFactory(province=province(code), scale=["micro", "small", "medium"][index % 3])
        rows.append(shop(business, tokopedia, datetime.date(2020, 3 + index % 4, 5 + index)))
        if index % 2 == 0:  # a second shop later: the business counts once, in its first month
            rows.append(shop(business, shopee, datetime.date(2020, 8, 1 + index)))
    late = BusinessFactory(province=province("63"))
    rows.append(shop(late, blibli, datetime.date(2021, 1, 10)))
    rows.append(shop(BusinessFactory(province=province("32")), blibli, datetime.date(2020, 5, 2), confirmed=False))  # not counted
    figures.refresh()
    return rows


def raw():
    """The confirmed shops opened in 2020, straight from the onboarding rows; ``first`` marks
    each business's first confirmed shop (of any year)."""
    frame = pd.DataFrame.from_records(Onboarding.objects.filter(confirmed=True).values(
        "id", "business_id", "marketplace__name", "marketplace__code", "province__name", "province__code", "business__sector__name",
        "business__sector__slug", "business__scale", "onboarded"))
    frame["onboarded"] = pd.to_datetime(frame.onboarded)
    first = frame.sort_values(["onboarded", "id"]).groupby("business_id").id.first()
    frame["first"] = frame.id.isin(first)
    return frame[frame.onboarded.dt.year == 2020]
