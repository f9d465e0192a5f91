"""Each role lands on its own page, with navigation for what it may do."""
import pytest

LANDING = {
    "ministry-admin": ("Dasbor nasional", "Administrasi"),
    "ministry-staff": ("Dasbor nasional", None),
    "officer": ("Provinsi Jawa Barat", None),
    "owner": ("Usaha saya", None),
    "public": ("IKM bangkit setelah COVID-19", None),
}


@pytest.mark.parametrize("role", list(LANDING))
def test_landing_page_per_role(client, users_by_role, role, business_jabar):
    if users_by_role[role] is not None:
        client.force_login(users_by_role[role])
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    heading, admin_link = LANDING[role]
    assert heading in page
    assert ("Administrasi" in page) == (admin_link is not None)
    assert ('href="/accounts/login/"' in page) == (role == "public")


def test_owner_sees_own_businesses_on_landing(client, owner, business_jabar, business_kalsel):
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert business_jabar.name in page
    assert business_kalsel.name not in page


def test_officer_counts_only_own_province(client, officer, business_jabar, business_kalsel):
    client.force_login(officer)
    response = client.get("/")
    assert response.context["business_count"] == 1


def test_pages_work_on_a_phone_and_offline(client, db):
    page = client.get("/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "navbar-toggler" in page  # the menu collapses on narrow screens
    for asset in ("bootstrap.min.css", "bootstrap.bundle.min.js", "htmx.min.js"):
        assert f"/static/vendor/" in page and asset in page
    assert "cdn" not in page.lower() and "https://" not in page.split("<footer")[0]
