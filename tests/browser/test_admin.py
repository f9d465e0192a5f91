"""A ministry admin invites an officer, changes their province, and finds the change in the
account's history; the officer then sees who works for their province."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_invites_an_officer_and_moves_them_to_another_province(portal, admin_user, officer):
    page = portal.page
    portal.sign_in(admin_user, "national dashboard")
    portal.open_menu()
    page.locator("#main-nav").get_by_role("link", name="Akun", exact=True).click()
    portal.check("accounts")

    page.get_by_role("link", name="Undang petugas atau staf").click()
    portal.check("invite form")
    page.fill("#id_email", "rina.petugas@disperindag.go.id")
    page.fill("#id_full_name", "Rina Wulandari")
    page.select_option("#id_role", "officer")
    with page.expect_navigation():
        page.get_by_role("button", name="Buat akun dan kirim undangan").click()
    portal.check("province missing")
    expect(page.locator("#id_province_error")).to_contain_text("Petugas provinsi harus terikat pada satu provinsi.")

    page.select_option("#id_province", "32")
    with page.expect_navigation():
        page.get_by_role("button", name="Buat akun dan kirim undangan").click()
    expect(page.get_by_role("alert")).to_contain_text("Akun rina.petugas@disperindag.go.id dibuat")
    portal.check("invited")

    page.select_option("#id_province", "63")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Akun disimpan.")
    expect(page.locator("main table")).to_contain_text("32 → 63")
    portal.check("moved")


def test_officer_sees_the_officers_of_their_province(portal, officer, other_officer):
    page = portal.page
    portal.sign_in(officer, "province dashboard")
    portal.open_menu()
    page.locator("#main-nav").get_by_role("link", name="Rekan kerja", exact=True).click()
    expect(page.locator("h1")).to_have_text("Petugas provinsi saya")
    expect(page.locator("main table")).to_contain_text(officer.username)
    expect(page.locator("main table")).not_to_contain_text(other_officer.username)
    portal.check("colleagues")
