"""The absorption ranking and a province's page (issue 13, point 6, first part)."""
import datetime
import io

import pandas as pd
import pytest
from django.urls import reverse

from budgets import services
from budgets.models import Allocation, Realisation
from tests.factories import make_activity, make_allocation, province


@pytest.fixture
def year_2020(db, officer, staff_user):
    """Three provinces with different spending, entered through the service."""
    spent = {"32": [60_000_000, 25_000_000], "63": [10_000_000], "51": [40_000_000, 40_000_000, 15_000_000]}
    from tests.factories import make_user

    for code, amounts in spent.items():
        allocation = make_allocation(province(code), ceiling=100_000_000)
        activity = make_activity(allocation, budget=100_000_000)
        spender = make_user("ministry-admin", username=f"admin.{code}")
        for number, amount in enumerate(amounts):
            services.realisation_add(user=spender, activity=activity, payment_number=f"{code}-{number}", date=datetime.date(2020, 7, 1), amount=amount, account="521211")
    return spent


def test_the_ranking_matches_an_independent_computation(client, staff_user, year_2020):
    entries = pd.DataFrame.from_records(Realisation.objects.values("allocation__province__code", "amount"))
    ceilings = pd.Series(dict(Allocation.objects.values_list("province__code", "ceiling")))
    absorption = (entries.groupby("allocation__province__code").amount.sum() / ceilings).sort_values(ascending=False)
    client.force_login(staff_user)
    page = client.get(reverse("budget-ranking"), {"year": 2020})
    rows = page.context["rows"]
    assert [row.province.code for row in rows] == list(absorption.index)  # 51 (95 %), 32 (85 %), 63 (10 %)
    assert [row.absorption for row in rows] == pytest.approx(list(absorption.values))
    assert page.context["totals"]["absorption"] == pytest.approx(entries.amount.sum() / ceilings.sum())

    download = client.get(reverse("budget-ranking"), {"year": 2020, "format": "xlsx"})
    table = pd.read_excel(io.BytesIO(download.content), engine="calamine", header=3)
    assert list(table["Kode provinsi"].astype(str)) == list(absorption.index)
    assert list(table["Penyerapan"]) == pytest.approx(list(absorption.values))


def test_the_public_sees_closed_years_only(client, year_2020, jabar):
    make_allocation(jabar, year=datetime.date.today().year, ceiling=5_000_000)
    page = client.get(reverse("budget-ranking"))
    assert page.status_code == 200
    assert page.context["years"] == [2020]
    assert client.get(reverse("budget-ranking"), {"year": datetime.date.today().year}).status_code == 404
    assert "SP2D" not in page.content.decode()


def test_an_officer_records_spending_on_the_province_page(client, officer, jabar):
    allocation = make_allocation(jabar, ceiling=100_000_000)
    activity = make_activity(allocation, budget=30_000_000)
    url = reverse("budget-realisation-create", args=[allocation.pk])
    client.force_login(officer)
    entry = {"activity": activity.pk, "payment_number": "00123/SP2D/2020", "date": "2020-07-14", "amount": "Rp 20.000.000", "account": "521211"}
    page = client.post(url, entry, follow=True)
    assert "SP2D 00123/SP2D/2020 tercatat." in page.content.decode()
    too_much = client.post(url, {**entry, "payment_number": "00124/SP2D/2020", "amount": "15.000.000"})
    assert too_much.status_code == 200
    assert too_much.context["form"].errors["amount"] == ["Hanya tersisa Rp 10.000.000 untuk dibelanjakan pada kegiatan ini."]
    outside = client.post(url, {**entry, "payment_number": "00125/SP2D/2020", "date": "2021-01-04", "amount": "1.000"})
    assert outside.context["form"].errors["date"] == ["Tanggal harus berada dalam tahun anggaran 2020."]
    assert Realisation.objects.count() == 1
    allocation.refresh_from_db()
    assert allocation.realised == 20_000_000


def test_another_province_page_is_not_found(client, other_officer, jabar):
    allocation = make_allocation(jabar, year=datetime.date.today().year)
    client.force_login(other_officer)
    assert client.get(reverse("budget-province", args=[allocation.pk])).status_code == 404


def test_the_demo_year(db):
    """seed_demo's 2020: 34 provinces, refocused, realistic absorption, the seed cases."""
    from django.core.management import call_command

    call_command("seed_demo", businesses=50, responses=0, events=0, registrations=0, stdout=io.StringIO())
    allocations = Allocation.objects.filter(year=2020)
    assert allocations.count() == 34
    assert all(allocation.ceiling < allocation.original_ceiling for allocation in allocations)
    absorption = sorted((allocation.realised / allocation.ceiling, allocation.province.code) for allocation in allocations)
    assert absorption[-1][1] == "65" and absorption[-1][0] == pytest.approx(0.9995, abs=1e-4)
    assert sum(0.85 <= value <= 0.99 for value, _code in absorption) >= 28
    for allocation in allocations:  # the running sums match the entries
        assert allocation.realised == sum(allocation.realisations.values_list("amount", flat=True))
        assert allocation.planned == sum(allocation.activities.values_list("budget", flat=True)) <= allocation.available
    masks = Allocation.objects.get(year=2020, province__code="63").activities.get(unit="masks")
    assert masks.target == 100_000 and masks.output_reports.get().volume == 100_000
    call_command("seed_demo", businesses=50, responses=0, events=0, registrations=0, stdout=io.StringIO())
    assert Allocation.objects.filter(year=2020).count() == 34  # run twice: nothing doubled


def test_a_province_with_many_activities_offers_those_of_the_page(client, officer, jabar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    allocation = make_allocation(jabar, ceiling=10_000_000_000)
    activities = [make_activity(allocation, budget=10_000_000, name=f"Kegiatan {number:02d}") for number in range(60)]
    client.force_login(officer)
    url = reverse("budget-province", args=[allocation.pk])
    with CaptureQueriesContext(connection) as first_page:
        page = client.get(url)
    assert len(page.context["form"].fields["activity"].queryset) == 50
    chosen = client.get(url, {"page": 2, "activity": activities[0].pk})
    offered = list(chosen.context["form"].fields["activity"].queryset)
    assert len(offered) == 11 and activities[0] in offered  # the page's ten, and the one its link chose
    refused = client.post(reverse("budget-realisation-create", args=[allocation.pk]), {
        "activity": activities[5].pk, "payment_number": "X-1", "date": "2020-07-01", "amount": "20.000.000", "account": "521211",
    })
    assert list(refused.context["form"].fields["activity"].queryset) == [activities[5]]
    for number in range(60, 90):  # more activities: the page still asks the same number of queries
        make_activity(allocation, budget=10_000_000, name=f"Kegiatan {number:02d}")
    with CaptureQueriesContext(connection) as later:
        client.get(url)
    assert len(later) == len(first_page)


def test_the_outputs_ministers_quote_add_up(client, db):
    """Masks, suits and participants on the ranking page equal the sum of the monthly reports."""
    from django.core.management import call_command

    from budgets.models import OutputReport

    call_command("seed_demo", businesses=50, responses=0, events=0, registrations=0, stdout=io.StringIO())
    reports = pd.DataFrame.from_records(OutputReport.objects.filter(activity__allocation__year=2020).values("activity__unit", "volume"))
    expected = reports.groupby("activity__unit").volume.sum().to_dict()
    page = client.get(reverse("budget-ranking"), {"year": 2020})  # the public: 2020 is a closed year
    assert {output["unit"]: output["volume"] for output in page.context["outputs"]} == expected
    assert expected["masks"] >= 100_000 + 3_000  # South Kalimantan's order and Central Sulawesi's masks at least
    assert 'data-output="masks"' in page.content.decode()


def test_the_province_activities_download_with_their_output_to_date(client, officer, jabar):
    from budgets.models import OutputReport

    allocation = make_allocation(jabar, ceiling=100_000_000)
    first = make_activity(allocation, budget=30_000_000, unit="masks", target=3_000)
    make_activity(allocation, budget=20_000_000, name="Pendampingan IKM")
    for month, volume in ((7, 1_000), (8, 1_800)):
        OutputReport.objects.create(activity=first, month=datetime.date(2020, month, 1), volume=volume, entered_by=officer)
    services.realisation_add(user=officer, activity=first, payment_number="A-1", date=datetime.date(2020, 7, 2), amount=12_000_000, account="521211")
    client.force_login(officer)
    download = client.get(reverse("budget-province", args=[allocation.pk]), {"format": "xlsx"})
    table = pd.read_excel(io.BytesIO(download.content), engine="calamine", header=3)
    assert list(table["ID"]) == [first.pk, first.pk + 1]
    assert list(table["Output sampai saat ini"]) == [2_800, 0]
    assert list(table["Sisa anggaran (Rp)"]) == [18_000_000, 20_000_000]
