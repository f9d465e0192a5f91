"""The one-form pages of marketplace, export buyer matching and budgets share one template
(templates/form_page.html): each still shows its breadcrumb, its fields and their errors."""
import re

import pytest

from tests.factories import make_allocation


def fields(body):
    return set(re.findall(r'<(?:input|select|textarea)[^>]*name="([a-z_]+)"', body)) - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize(("path", "role", "breadcrumb", "names"), [
    ("/marketplace/marketplaces/new/", "staff_user", "Onboarding marketplace", {"name", "code", "url", "active"}),
    ("/marketplace/buyers/new/", "staff_user", "Temu pembeli ekspor", {"company", "country", "hs_codes", "sectors", "source", "contact_notes"}),
    ("/marketplace/commitments/new/", "officer", "Temu pembeli ekspor", {"nib", "buyer", "product", "hs_code", "currency", "value", "value_idr"}),
])
def test_marketplace_form_pages(db, client, request, path, role, breadcrumb, names):
    client.force_login(request.getfixturevalue(role))
    body = client.get(path).content.decode()
    assert f">{breadcrumb}</a></li>" in body and 'class="breadcrumb-item active"' in body
    assert names <= fields(body)
    response = client.post(path, {"unknown": "1"})  # an empty POST would be an unbound form
    assert response.status_code == 200
    assert 'class="invalid-feedback d-block"' in response.content.decode()


def test_the_budget_form_page(client, admin_user, jabar):
    make_allocation(jabar)
    client.force_login(admin_user)
    body = client.get("/budgets/allocations/new/").content.decode()
    assert ">Penyerapan anggaran dekonsentrasi</a></li>" in body and 'class="budget-form"' in body
    response = client.post("/budgets/allocations/new/", {"unknown": "1"})
    assert response.status_code == 200 and 'class="invalid-feedback d-block"' in response.content.decode()
