"""Demo accounts and records for trying the portal (``manage.py seed_demo``)."""
import random

from django.db import transaction

from .models import Business, Province, Regency, Sector
from .roles import Role
from .services import account_create

# Fixed, printed passwords: these accounts exist only in demo databases.
DEMO_ACCOUNTS = [
    {"username": "admin", "role": Role.MINISTRY_ADMIN, "password": "Admin-IKM-2020", "email": "admin@demo.ikm.go.id"},
    {"username": "staf", "role": Role.MINISTRY_STAFF, "password": "Staf-IKM-2020", "email": "staf@demo.ikm.go.id"},
    {"username": "petugas.jabar", "role": Role.OFFICER, "password": "Petugas-Jabar-2020", "province_code": "32", "email": "petugas.jabar@demo.ikm.go.id"},
    {"username": "petugas.kalsel", "role": Role.OFFICER, "password": "Petugas-Kalsel-2020", "province_code": "63", "email": "petugas.kalsel@demo.ikm.go.id"},
    {"username": "pemilik@demo.ikm.go.id", "role": Role.OWNER, "password": "Pemilik-IKM-2020", "email": "pemilik@demo.ikm.go.id"},
]

_NAME_PARTS = (
    ["Konveksi", "Batik", "Kerajinan", "Keripik", "Mebel", "Sambal", "Tenun", "Kopi", "Bengkel Las", "Sabun"],
    ["Sari", "Makmur", "Jaya", "Lestari", "Sejahtera", "Mandiri", "Berkah", "Abadi", "Sentosa", "Indah"],
)


def seed_accounts():
    """Create (or reset) one demo account per role. Returns the list of account dicts."""
    for account in DEMO_ACCOUNTS:
        account_create(
            username=account["username"],
            role=account["role"],
            province_code=account.get("province_code"),
            email=account["email"],
            password=account["password"],
        )
    return DEMO_ACCOUNTS


@transaction.atomic
def seed_businesses(*, count, rng):
    """Add ``count`` businesses spread over provinces, Java-heavy as Indonesia's IKM are."""
    regencies = list(Regency.objects.all())
    weights = [6.0 if r.province_id and r.code[:2] in ("32", "33", "35") else 2.0 if r.code[:2] in ("31", "34", "36") else 1.0 for r in regencies]
    sectors = list(Sector.objects.all())
    chosen = rng.choices(regencies, weights=weights, k=count)
    Business.objects.bulk_create(
        [
            Business(
                name=f"{rng.choice(_NAME_PARTS[0])} {rng.choice(_NAME_PARTS[1])} {index + 1}",
                regency=regency, province_id=regency.province_id, sector=rng.choice(sectors),
                owner_name="Pemilik Demo", workforce=5, investment=200_000_000, scale="small",
            )
            for index, regency in enumerate(chosen)
        ],
        batch_size=5000,
    )


def seed_owner_business():
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(username="pemilik@demo.ikm.go.id")
    regency = Regency.objects.get(code="32.73")
    Business.objects.get_or_create(
        owner=owner,
        defaults={
            "name": "Konveksi Pemilik Demo", "regency": regency, "province_id": regency.province_id,
            "sector": Sector.objects.get(slug="textiles-clothing-leather"), "owner_name": "Pemilik Demo",
            "workforce": 6, "investment": 150_000_000, "scale": "small", "nib": "8120000000001",
        },
    )


def seed(*, businesses=200, seed=2020):
    rng = random.Random(seed)
    accounts = seed_accounts()
    seed_owner_business()
    if businesses and Business.objects.count() < businesses:
        seed_businesses(count=businesses - Business.objects.count(), rng=rng)
    return accounts
