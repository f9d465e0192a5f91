"""An owner claims a business an officer registered; an officer of its province approves."""
from django.urls import reverse

from programs.models import BusinessClaim
from tests.factories import BusinessFactory, make_user


def test_claim_approved_by_the_provinces_officer(client, owner, officer, other_officer, jabar):
    business = BusinessFactory(province=jabar, nib="8120005555555", name="Kerupuk Ikan Indramayu")
    client.force_login(owner)
    assert client.get(reverse("business-detail", args=[business.pk])).status_code == 404
    response = client.post(reverse("claim-create"), {"nib": "8120005555555", "message": "Ini usaha saya"}, follow=True)
    assert "Klaim Anda atas “Kerupuk Ikan Indramayu” telah dikirim ke Disperindag Jawa Barat." in response.content.decode()
    claim = BusinessClaim.objects.get()
    assert claim.status == "pending" and claim.claimant == owner

    # An officer of another province neither sees nor decides it.
    client.force_login(other_officer)
    assert "Kerupuk Ikan Indramayu" not in client.get(reverse("claim-list")).content.decode()
    assert client.post(reverse("claim-decide", args=[claim.pk]), {"decision": "approve"}).status_code == 404
    claim.refresh_from_db()
    assert claim.status == "pending"

    client.force_login(officer)
    assert "Kerupuk Ikan Indramayu" in client.get(reverse("claim-list")).content.decode()
    client.post(reverse("claim-decide", args=[claim.pk]), {"decision": "approve"})
    claim.refresh_from_db()
    business.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == officer
    assert business.owner == owner

    # The owner now keeps it.
    client.force_login(owner)
    assert client.get(reverse("business-update", args=[business.pk])).status_code == 200


def test_claim_errors_are_clear(client, owner, business_jabar, jabar):
    client.force_login(owner)
    cases = {
        "8120000000000": "Tidak ada usaha terdaftar dengan NIB ini",
        business_jabar.nib: "sudah milik Anda",
    }
    other_owner = make_user("owner", username="lain@contoh.id")
    taken = BusinessFactory(province=jabar, owner=other_owner, nib="8120007777777")
    cases[taken.nib] = "sudah dikelola akun pemilik lain"
    for nib, message in cases.items():
        response = client.post(reverse("claim-create"), {"nib": nib})
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["nib"])
    assert not BusinessClaim.objects.exists()


def test_only_owners_claim_and_a_rejection_changes_nothing(client, officer, owner, jabar):
    client.force_login(officer)
    assert client.get(reverse("claim-create")).status_code == 403
    business = BusinessFactory(province=jabar, nib="8120006666666")
    claim = BusinessClaim.objects.create(business=business, claimant=owner)
    client.post(reverse("claim-decide", args=[claim.pk]), {"decision": "reject"})
    claim.refresh_from_db()
    business.refresh_from_db()
    assert claim.status == "rejected" and business.owner is None
