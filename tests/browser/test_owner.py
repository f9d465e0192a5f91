"""An IKM owner registers their business for a workshop, then cancels the registration."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_owner_registers_for_a_workshop_and_cancels(portal, owner, business_jabar, workshop):
    page = portal.page
    portal.sign_in(owner, "my businesses")
    expect(page.locator("main")).to_contain_text(business_jabar.name)

    portal.open_menu()
    page.locator("#main-nav").get_by_role("link", name="Pelatihan", exact=True).click()
    portal.check("workshops")
    page.get_by_role("link", name=workshop.title).click()
    expect(page.locator("h1")).to_have_text(workshop.title)
    portal.check("workshop page")

    page.select_option("#id_business", label=business_jabar.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Daftar", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"Terdaftar: kursi disediakan untuk {business_jabar.name}.")
    expect(page.locator("main .badge", has_text="Terkonfirmasi")).to_be_visible()
    expect(page.get_by_role("link", name=workshop.meeting_link)).to_be_visible()  # shown once confirmed
    portal.check("registered")

    portal.open("/events/mine/", "my registrations")
    registration = page.locator("main .list-group-item", has_text=workshop.title)
    expect(registration).to_contain_text("Terkonfirmasi")
    # One tap must not give the seat away: the browser asks first.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        registration.get_by_role("button", name="Batal").click()
    assert asked == [f"Batalkan pendaftaran {business_jabar.name}? Kursinya diberikan kepada antrean berikutnya."]
    expect(page.get_by_role("alert")).to_contain_text(f"Pendaftaran {business_jabar.name} dibatalkan.")
    expect(registration).to_contain_text("Dibatalkan")
    portal.check("cancelled")
