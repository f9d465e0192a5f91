"""The public (not signed in): the impact page and the workshops, in Indonesian and in English."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_public_reads_the_impact_page_and_the_workshops(portal, impact_figures, workshop):
    page = portal.page
    portal.open("/", "landing")
    portal.open("/impact/", "impact page")
    expect(page.locator("h1")).to_have_text("Dampak COVID-19 terhadap industri kecil dan menengah")
    expect(page.locator("[data-figure=responses]")).to_have_text("45")
    expect(page.locator(".impact-map svg")).to_be_visible()  # the map was drawn
    portal.open("/events/", "workshops")
    page.get_by_role("link", name=workshop.title).click()
    expect(page.locator("h1")).to_have_text(workshop.title)
    expect(page.get_by_text("Masuk dengan akun pemilik IKM untuk mendaftarkan usaha Anda.")).to_be_visible()
    portal.check("workshop page")


def test_english_through_the_language_switch(portal, impact_figures, workshop):
    page = portal.page
    portal.open("/impact/", "impact page in Indonesian")
    portal.open_menu()  # on a phone the switch sits in the collapsed menu
    with page.expect_navigation():
        page.locator("#language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("COVID-19 impact on small and medium industries")
    portal.check("impact page in English")
    portal.open("/events/", "workshops in English")
    expect(page.locator("h1")).to_have_text("Workshops and trainings")
    page.get_by_role("link", name=workshop.title).click()
    expect(page.get_by_text("Sign in with your IKM owner account to register your business.")).to_be_visible()
    portal.check("workshop page in English")
