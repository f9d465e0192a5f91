"""factory_boy factories shared by every app's tests."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from programs.models import Business, Profile, Province, Regency, Sector
from programs.roles import Role

PASSWORD = "Rahasia-Uji-2020"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.id")
    first_name = "Uji"
    password = factory.django.Password(PASSWORD)


def make_user(role, province=None, **fields):
    """A saved user with one role (and, for officers, a province)."""
    user = UserFactory(**fields)
    role = Role(role)
    user.groups.set([Group.objects.get(name=role.value)])
    if role == Role.MINISTRY_ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"province": province})
    return user


def province(code):
    return Province.objects.get(code=code)


def _nib(n):
    return f"{9120000000000 + n:013d}"


class BusinessFactory(factory.django.DjangoModelFactory):
    """A valid business; pass ``province=`` to place it in that province's first regency."""

    class Meta:
        model = Business

    class Params:
        province = None

    name = factory.Sequence(lambda n: f"Konveksi Uji {n}")
    nib = factory.Sequence(_nib)
    owner_name = "Siti Aminah"
    regency = factory.LazyAttribute(
        lambda o: Regency.objects.filter(province=o.province).order_by("code").first() if o.province else Regency.objects.get(code="32.01")
    )
    sector = factory.LazyFunction(lambda: Sector.objects.get(slug="food-beverages"))
    workforce = 5
    investment = 250_000_000
    scale = "small"
    status = "active"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        business = model_class(*args, **kwargs)
        business.province_id = business.regency.province_id
        business.save()
        return business


def api_payload(**overrides):
    """A valid ``/api/v1/businesses/`` body (codes for places, slug for the sector)."""
    payload = {
        "name": "Batik Tulis Lestari",
        "nib": "8120001234567",
        "owner_name": "Dewi Lestari",
        "nik": "3273014501800001",
        "phone": "0812-3456-7890",
        "email": "dewi@contoh.id",
        "address": "Jl. Braga No. 10, Bandung",
        "regency": "32.73",
        "sector": "textiles-clothing-leather",
        "kbli_code": "13134",
        "workforce": 8,
        "investment": 350000000,
        "year_founded": 2015,
        "main_products": "Batik tulis, masker kain",
        "is_exporter": True,
        "export_destinations": ["MY", "SG"],
        "status": "active",
    }
    payload.update(overrides)
    return payload


def form_payload(**overrides):
    """A valid business form POST (province and regency by code, money as typed)."""
    payload = api_payload()
    payload.update(province="32", investment="Rp 350.000.000", export_destinations="MY, SG", is_exporter="on")
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def make_wave(code="2020-04", *, province=None, status="open", **fields):
    """A survey wave comparing February 2020 with April 2020."""
    import datetime

    from surveys.models import SurveyWave

    defaults = dict(
        title=f"Survei dampak COVID-19 {code}", province=province, baseline_month=datetime.date(2020, 2, 1),
        reported_month=datetime.date(2020, 4, 1), opens_on=datetime.date(2020, 5, 1), closes_on=datetime.date(2020, 6, 30), status=status,
    )
    defaults.update(fields)
    return SurveyWave.objects.create(code=code, **defaults)


_BULK_NUMBERS = __import__("itertools").count(500_000)


def make_businesses(count, *, provinces, sectors=None, scales=("micro", "small", "medium")):
    """``count`` businesses spread over the given provinces (their first two regencies), sectors and scales."""
    from programs.models import Regency, Sector

    sectors = list(sectors or Sector.objects.order_by("slug"))
    regencies = {p.pk: list(Regency.objects.filter(province=p).order_by("code")[:2]) for p in provinces}
    workforce_investment = {"micro": (3, 100_000_000), "small": (10, 500_000_000), "medium": (30, 2_000_000_000)}
    businesses = []
    for index in range(count):
        province_ = provinces[index % len(provinces)]
        scale = scales[(index // len(provinces)) % len(scales)]
        workforce, investment = workforce_investment[scale]
        businesses.append(Business(
            name=f"IKM Uji {index}", nib=_nib(next(_BULK_NUMBERS)), owner_name="Uji", province=province_,
            regency=regencies[province_.pk][index % 2], sector=sectors[index % len(sectors)], scale=scale,
            workforce=workforce, investment=investment,
        ))
    return Business.objects.bulk_create(businesses)


def make_responses(wave, businesses, *, seed=1, **fixed):
    """A response per business with varied answers (some growth, some closed, some without a
    baseline), the business's place, sector and scale copied; ``fixed`` overrides fields."""
    import random

    from surveys.models import SurveyResponse

    rng = random.Random(seed)
    problems = ["demand", "raw-material", "workers-sent-home", "export-postponed", "cash-flow", "logistics", "psbb-closure"]
    needs = ["credit", "marketplace", "online-marketing", "raw-material", "ppe-orders", "export"]
    responses = []
    for business in businesses:
        before = rng.choice([0, 5_000_000, 12_500_000, 40_000_000, 90_000_000, 250_000_000]) if rng.random() < 0.95 else 0
        status = rng.choice(["normal", "reduced", "reduced", "temporarily-closed", "closed"])
        after = 0 if status in ("temporarily-closed", "closed") else int(before * rng.choice([0.1, 0.3, 0.5, 0.6, 0.75, 0.9, 1.0, 1.4]))
        workers = rng.randint(1, 30)
        furloughed = rng.randint(0, workers)
        laid_off = rng.randint(0, workers - furloughed)
        export = rng.random() < 0.1
        values = dict(
            wave=wave, business=business, province_id=business.province_id, regency_id=business.regency_id,
            sector_id=business.sector_id, scale=business.scale, turnover_before=before, turnover_after=after,
            workers_before=workers, workers_after=workers - furloughed - laid_off, workers_furloughed=furloughed,
            workers_laid_off=laid_off, operating_status=status,
            problems=rng.sample(problems, rng.randint(0, 3)), needs=rng.sample(needs, rng.randint(0, 2)),
            diversified=rng.random() < 0.2, export_postponed_value=rng.randint(1, 50) * 1_000_000 if export else None,
            status=rng.choice(["draft", "submitted", "verified", "verified"]),
        )
        values.update(fixed)
        responses.append(SurveyResponse(**values))
    return SurveyResponse.objects.bulk_create(responses)


def make_event(*, organiser_province=None, capacity=20, starts_in_days=10, status="published", **fields):
    """A published event in ``starts_in_days`` days, registration open now."""
    import datetime

    from django.utils import timezone

    from programs.models import Event

    starts = timezone.now() + datetime.timedelta(days=starts_in_days)
    values = dict(
        title="Workshop Jualan di Marketplace", kind="workshop", topics=["marketplace"], mode="online",
        meeting_link="https://zoom.us/j/123456789", starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
        capacity=capacity, registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=starts - datetime.timedelta(hours=1), status=status, organiser_province=organiser_province,
    )
    values.update(fields)
    return Event.objects.create(**values)


def make_allocation(province, *, year=2020, ceiling=2_000_000_000, satker_code=None):
    """A province's deconcentration allocation (no revision yet: the ceiling is the original)."""
    from budgets.models import Allocation

    return Allocation.objects.create(
        year=year, province=province, satker_code=satker_code or f"{int(province.code):02d}0123"[-6:].rjust(6, "0"),
        satker_name=f"Dinas Perindustrian Provinsi {province.name}", original_ceiling=ceiling, ceiling=ceiling,
    )


def make_activity(allocation, *, budget=200_000_000, **fields):
    """An activity with its budget already counted in the allocation's ``planned``."""
    import datetime

    from django.db.models import F

    from budgets.models import Activity, Allocation

    defaults = dict(
        kind=Activity.Kind.PPE_BIMTEK, name="Bimtek produksi masker kain", output="IKM terlatih memproduksi masker",
        unit=Activity.Unit.PARTICIPANTS, target=40, planned_start=datetime.date(allocation.year, 6, 1),
        planned_end=datetime.date(allocation.year, 7, 1), budget=budget,
    )
    defaults.update(fields)
    activity = Activity.objects.create(allocation=allocation, **defaults)
    Allocation.objects.filter(pk=allocation.pk).update(planned=F("planned") + budget)
    allocation.refresh_from_db()
    return activity
