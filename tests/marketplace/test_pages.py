"""The marketplace pages as their users meet them: an owner adds a shop from the portal and
an officer confirms it; the list filters and downloads; the confirm queue works on a phone;
a partner report goes through the upload page to a real worker."""
import datetime
import io
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.imports import import_run
from marketplace.models import Marketplace, Onboarding, PartnerReport, SellerReview
from programs.models import Regency
from tests.factories import BusinessFactory, make_user

from .conftest import csv_bytes, run_report, seller


def shop_form(**overrides):
    return {"marketplace": Marketplace.objects.get(code="shopee").pk, "shop_name": "Sari Jabar Official", "shop_url": "shopee.co.id/sarijabar",
            "onboarded": "2020-08-01", "status": "products_listed", "products_listed": "12", **overrides}


def test_an_owner_adds_a_shop_and_an_officer_confirms_it(client, owner, officer, business_jabar):
    client.force_login(owner)
    page = client.get(reverse("marketplace-onboarding-create"))
    assert list(page.context["form"].fields["business"].queryset) == [business_jabar]
    response = client.post(reverse("marketplace-onboarding-create"), shop_form(business=business_jabar.pk))
    assert response.status_code == 302
    shop = Onboarding.objects.get()
    assert (shop.source, shop.confirmed, shop.shop_url) == ("owner", False, "https://shopee.co.id/sarijabar")
    assert "Sari Jabar Official" in client.get(reverse("marketplace-onboarding-list")).content.decode()
    client.force_login(officer)
    listed = client.get(reverse("marketplace-onboarding-list"), {"confirmed": "false"})
    assert list(listed.context["object_list"]) == [shop]
    client.post(reverse("marketplace-onboarding-confirm", args=[shop.pk]))
    shop.refresh_from_db()
    assert shop.confirmed


def test_an_owner_cannot_add_a_shop_for_someone_elses_business(client, owner, business_kalsel):
    client.force_login(owner)
    response = client.post(reverse("marketplace-onboarding-create"), shop_form(business=business_kalsel.pk))
    assert response.status_code == 200 and response.context["form"].errors["business"]
    assert not Onboarding.objects.exists()


def test_an_officer_names_the_business_by_nib_and_a_future_date_is_refused(client, officer, business_jabar, business_kalsel):
    client.force_login(officer)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    refused = client.post(reverse("marketplace-onboarding-create"), shop_form(nib=business_jabar.nib, source="bbi", onboarded=tomorrow))
    assert refused.status_code == 200 and "onboarded" in refused.context["form"].errors
    other = client.post(reverse("marketplace-onboarding-create"), shop_form(nib=business_kalsel.nib, source="bbi"))
    assert other.status_code == 200 and not Onboarding.objects.exists()
    done = client.post(reverse("marketplace-onboarding-create"), shop_form(nib=business_jabar.nib, source="bbi"))
    assert done.status_code == 302 and Onboarding.objects.get().confirmed


def test_the_list_downloads_as_xlsx_within_scope(client, officer, business_jabar, business_kalsel, jabar, kalsel):
    for business, province in ((business_jabar, jabar), (business_kalsel, kalsel)):
        Onboarding.objects.create(business=business, marketplace_id=1, province=province, shop_name=f"Toko {business.name}", onboarded=datetime.date(2020, 6, 1), source="bbi")
    client.force_login(officer)
    response = client.get(reverse("marketplace-onboarding-list"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    shops = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert shops == [f"Toko {business_jabar.name}"]


def test_the_queue_on_a_phone_matches_a_candidate(client, officer, admin_user, jabar):
    bandung = Regency.objects.get(code="32.73")
    twin = BusinessFactory(name="Rotan Kembar", nib=None, regency=bandung, phone="+6282222222222")
    BusinessFactory(name="Rotan Kembar Dua", nib=None, regency=bandung, phone="+6282222222222")
    run_report(admin_user, [seller(name="Rotan", shop="Rotan Shop", phone="0822 2222 2222")])
    review = SellerReview.objects.get()
    client.force_login(officer)
    queue = client.get(reverse("marketplace-review-list"), HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10) Mobile")
    assert list(queue.context["object_list"]) == [review]
    page = client.get(reverse("marketplace-review-detail", args=[review.pk])).content.decode()
    assert "Rotan Kembar Dua" in page and 'name="viewport"' in page
    client.post(reverse("marketplace-review-decide", args=[review.pk]), {"business": twin.pk})
    assert Onboarding.objects.get().business == twin
    assert not client.get(reverse("marketplace-review-list")).context["object_list"]


def test_an_officer_of_another_province_does_not_see_the_row(client, other_officer, admin_user, jabar):
    run_report(admin_user, [seller(name="Toko Jabar", shop="TJ", regency="32.73")])
    review = SellerReview.objects.get()
    client.force_login(other_officer)
    assert not client.get(reverse("marketplace-review-list")).context["object_list"]
    assert client.get(reverse("marketplace-review-detail", args=[review.pk])).status_code == 404
    assert client.post(reverse("marketplace-review-decide", args=[review.pk]), {"answer": "reject"}).status_code == 404
    assert SellerReview.objects.get().state == "pending"


def test_ministry_staff_follow_the_queue_without_deciding(client, staff_user, admin_user, jabar):
    run_report(admin_user, [seller(name="Toko Jabar", shop="TJ", regency="32.73")])
    review = SellerReview.objects.get()
    client.force_login(staff_user)
    assert client.get(reverse("marketplace-review-detail", args=[review.pk])).status_code == 200
    assert client.post(reverse("marketplace-review-decide", args=[review.pk]), {"answer": "reject"}).status_code == 403


def test_a_rejected_upload_offers_the_rows_to_correct(client, officer, jabar):
    client.force_login(officer)
    upload = SimpleUploadedFile("laporan.csv", csv_bytes([seller(shop_url="bukan url")]), content_type="text/csv")
    response = client.post(reverse("marketplace-report-upload"), {"marketplace": Marketplace.objects.get(code="blibli").pk, "month": "2020-07", "file": upload})
    record = PartnerReport.objects.get()
    assert response["Location"] == reverse("marketplace-report-detail", args=[record.pk])
    import_run(import_id=record.pk)  # what the worker does (tested below with a real one)
    page = client.get(reverse("marketplace-report-detail", args=[record.pk])).content.decode()
    assert reverse("marketplace-report-errors", args=[record.pk]) in page
    report = client.get(reverse("marketplace-report-errors", args=[record.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == 2 and "shop_url" in sheet.cell(row=2, column=2).value


@pytest.mark.worker
def test_the_upload_page_runs_the_report_on_a_real_worker(client, transactional_db, django_db_serialized_rollback, celery_worker_process, jabar):
    officer = make_user("officer", province=jabar, username="petugas.marketplace")
    business = BusinessFactory(name="Batik Jabar", nib="8120000000032", province=jabar)
    client.force_login(officer)
    rows = [seller(nib=business.nib), seller(name="Toko Baru Sekali", shop="TBS", regency="32.73")]
    upload = SimpleUploadedFile("laporan-juli.csv", csv_bytes(rows), content_type="text/csv")
    client.post(reverse("marketplace-report-upload"), {"marketplace": Marketplace.objects.get(code="tokopedia").pk, "month": "2020-07", "file": upload})
    record = PartnerReport.objects.get()
    deadline = time.monotonic() + 30
    while record.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        record.refresh_from_db()
    assert record.status == "done", (record.message, record.errors)
    assert (record.rows_matched, record.rows_queued, record.province) == (1, 1, jabar)
    page = client.get(reverse("marketplace-report-detail", args=[record.pk])).content.decode()
    assert reverse("marketplace-review-list") in page


def test_the_queue_page_finds_a_business_registers_one_or_rejects(client, officer, admin_user, jabar):
    bandung = Regency.objects.get(code="32.73")
    known = BusinessFactory(name="Sepatu Cibaduyut Jaya Abadi", nib="8120000000077", regency=bandung)
    run_report(admin_user, [seller(name="Sepatu Cibaduyut", shop="SCJ", regency="32.73", seller_id="A1"),
                            seller(name="Dodol Garut Ibu Nani", shop="Dodol", regency="32.73", seller_id="A2", phone="0821 4455 6677"),
                            seller(name="Reseller", shop="Murah", regency="32.73", seller_id="A3")])
    first, second, third = SellerReview.objects.order_by("row")
    client.force_login(officer)
    found = client.get(reverse("marketplace-review-detail", args=[first.pk]), {"q": "Cibaduyut"})
    assert list(found.context["found"]) == [known] and "Sepatu Cibaduyut Jaya Abadi" in found.content.decode()
    client.post(reverse("marketplace-review-decide", args=[first.pk]), {"business": known.pk})
    refused = client.post(reverse("marketplace-review-create-business", args=[second.pk]), {"name": "Dodol Garut Ibu Nani"})
    assert refused.status_code == 200 and refused.context["business_form"].errors
    created = client.post(reverse("marketplace-review-create-business", args=[second.pk]), {
        "name": "Dodol Garut Ibu Nani", "owner_name": "Nani", "phone": "0821 4455 6677", "regency": bandung.pk,
        "sector": known.sector.pk, "workforce": "4", "investment": "Rp 20.000.000",
    })
    assert created.status_code == 302
    client.post(reverse("marketplace-review-decide", args=[third.pk]), {"answer": "reject"})
    assert [review.state for review in SellerReview.objects.order_by("row")] == ["matched", "matched", "rejected"]
    assert set(Onboarding.objects.values_list("business__name", flat=True)) == {"Sepatu Cibaduyut Jaya Abadi", "Dodol Garut Ibu Nani"}
    # Decided rows are out of the queue, and a decided row cannot be decided again.
    assert not client.get(reverse("marketplace-review-list")).context["object_list"]
    again = client.post(reverse("marketplace-review-decide", args=[third.pk]), {"answer": "reject"}, follow=True)
    assert again.status_code == 200
