"""Demo accounts and realistic synthetic businesses (``manage.py seed_demo``), at any scale.

A million businesses take well under a minute on PostgreSQL: rows are generated column by
column with numpy and loaded with COPY; other databases get ``bulk_create`` batches. No
history rows are written for synthetic data.
"""
import time

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from .bulk import copy_frame
from .models import Business, Regency, Sector
from .roles import Role
from .scale import RP_1_BILLION, RP_15_BILLION
from .services import account_create

# Fixed, printed passwords: these accounts exist only in demo databases.
DEMO_ACCOUNTS = [
    {"username": "admin", "role": Role.MINISTRY_ADMIN, "password": "Admin-IKM-2020", "email": "admin@demo.ikm.go.id"},
    {"username": "staf", "role": Role.MINISTRY_STAFF, "password": "Staf-IKM-2020", "email": "staf@demo.ikm.go.id"},
    {"username": "petugas.jabar", "role": Role.OFFICER, "password": "Petugas-Jabar-2020", "province_code": "32", "email": "petugas.jabar@demo.ikm.go.id"},
    {"username": "petugas.kalsel", "role": Role.OFFICER, "password": "Petugas-Kalsel-2020", "province_code": "63", "email": "petugas.kalsel@demo.ikm.go.id"},
    {"username": "pemilik@demo.ikm.go.id", "role": Role.OWNER, "password": "Pemilik-IKM-2020", "email": "pemilik@demo.ikm.go.id"},
]

# Relative weight of each province's IKM (BPS micro and small industry counts: Central and
# East Java largest, then West Java; outer islands small). Unlisted provinces weigh 0.5.
PROVINCE_WEIGHTS = {
    "33": 18, "35": 18, "32": 14, "73": 4, "36": 3, "34": 3, "12": 3, "52": 2.5, "53": 2.5, "51": 2.5,
    "31": 2, "13": 2, "18": 2, "11": 1.5, "16": 1.5, "63": 1.5, "61": 1.2, "14": 1, "72": 1, "74": 1,
    "15": 0.8, "64": 0.8, "71": 0.8, "62": 0.6, "17": 0.5, "75": 0.5, "19": 0.4, "21": 0.4, "76": 0.4,
    "81": 0.4, "82": 0.3, "65": 0.2, "91": 0.2, "92": 0.2, "93": 0.15, "94": 0.15, "95": 0.15, "96": 0.15,
}
# Food and crafts are the most common IKM.
SECTOR_WEIGHTS = {
    "food-beverages": 40, "crafts-miscellaneous": 20, "textiles-clothing-leather": 15,
    "wood-furniture": 12, "chemicals-building-materials": 8, "metal-machinery-electronics-transport": 5,
}
SECTOR_WORDS = {
    "food-beverages": (["Keripik", "Kerupuk", "Sambal", "Kopi", "Dodol", "Roti", "Tahu", "Tempe", "Abon", "Kue", "Madu", "Jamu"], "keripik, kerupuk, makanan ringan"),
    "crafts-miscellaneous": (["Kerajinan", "Anyaman", "Gerabah", "Souvenir", "Batik Cap", "Ukiran", "Perak", "Tas Rajut"], "kerajinan tangan, suvenir"),
    "textiles-clothing-leather": (["Konveksi", "Batik", "Tenun", "Bordir", "Sepatu", "Tas Kulit", "Songket", "Jahit"], "pakaian, masker kain, batik"),
    "wood-furniture": (["Mebel", "Furnitur", "Kayu", "Rotan", "Bambu", "Meubel Jati"], "meja, kursi, lemari"),
    "chemicals-building-materials": (["Sabun", "Batako", "Genteng", "Bata Merah", "Pupuk Organik", "Kosmetik Herbal", "Paving"], "sabun, batako, genteng"),
    "metal-machinery-electronics-transport": (["Bengkel Las", "Pandai Besi", "Alat Pertanian", "Karoseri", "Pisau", "Teralis"], "alat pertanian, pagar besi"),
}
NAME_WORDS = ["Sari", "Makmur", "Jaya", "Lestari", "Sejahtera", "Mandiri", "Berkah", "Abadi", "Sentosa", "Indah", "Barokah", "Rejeki", "Mulya", "Sumber", "Karya", "Putra", "Putri", "Mekar", "Harapan", "Sinar"]
FIRST_NAMES = ["Siti", "Budi", "Dewi", "Agus", "Sri", "Slamet", "Wahyu", "Rina", "Joko", "Nur", "Ahmad", "Ani", "Eko", "Fitri", "Hendra", "Yanti", "Made", "Ketut", "Wayan", "Nyoman", "Ucok", "Rahmat", "Ratna", "Dedi", "Lilis"]
LAST_NAMES = ["Aminah", "Santoso", "Lestari", "Hidayat", "Wulandari", "Saputra", "Rahayu", "Kusuma", "Nugroho", "Siregar", "Nasution", "Pratama", "Setiawan", "Hasibuan", "Sihombing", "Wibowo", "Suryani", "Gunawan", "Permana", "Yusuf"]
DESTINATIONS = ["MY", "SG", "US", "JP", "SA", "AU", "NL", "CN", "KR", "AE"]
NIB_BASE = 9_100_000_000_000  # synthetic NIBs live above this


def seed_accounts():
    """Create (or reset) one demo account per role. Returns the list of account dicts."""
    for account in DEMO_ACCOUNTS:
        account_create(
            username=account["username"], role=account["role"], province_code=account.get("province_code"),
            email=account["email"], password=account["password"],
        )
    return DEMO_ACCOUNTS


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
            "phone": "+6281200000001", "email": "pemilik@demo.ikm.go.id", "main_products": "masker kain, seragam",
        },
    )


def _business_frame(count, rng, *, nib_start):
    """``count`` synthetic businesses as a DataFrame of table columns."""
    regencies = list(Regency.objects.values_list("id", "code", "province_id"))
    per_province = pd.Series([code[:2] for _id, code, _p in regencies]).value_counts()
    weights = np.array([PROVINCE_WEIGHTS.get(code[:2], 0.5) / per_province[code[:2]] for _id, code, _p in regencies])
    picked = rng.choice(len(regencies), size=count, p=weights / weights.sum())
    regency_id = np.array([r[0] for r in regencies])[picked]
    regency_code = np.array([r[1] for r in regencies])[picked]
    province_id = np.array([r[2] for r in regencies])[picked]

    sectors = dict(Sector.objects.values_list("slug", "id"))
    slugs = list(SECTOR_WEIGHTS)
    sector_weights = np.array([SECTOR_WEIGHTS[s] for s in slugs], dtype=float)
    sector_index = rng.choice(len(slugs), size=count, p=sector_weights / sector_weights.sum())

    # Workforce mostly 1-10, a long tail to a few hundred; investment likewise skewed.
    workforce = np.clip(np.round(rng.lognormal(1.3, 0.9, count)), 1, 300).astype(np.int64)
    investment = np.clip(np.round(rng.lognormal(18.6, 1.3, count), -5), 1_000_000, RP_15_BILLION).astype(np.int64)
    scale = np.where(
        (workforce <= 19) & (investment < RP_1_BILLION), np.where(workforce <= 4, "micro", "small"), "medium"
    )

    first = rng.choice(FIRST_NAMES, count)
    last = rng.choice(LAST_NAMES, count)
    word = rng.choice(NAME_WORDS, count)
    prefix = np.empty(count, dtype=object)
    for index, slug in enumerate(slugs):
        mask = sector_index == index
        prefix[mask] = rng.choice(SECTOR_WORDS[slug][0], int(mask.sum()))
    style = rng.integers(0, 3, count)
    name = np.where(style == 0, prefix + " " + word + " " + rng.choice(NAME_WORDS, count),
                    np.where(style == 1, prefix + " Bu " + first, prefix + " " + word + " " + last))

    has_nib = rng.random(count) < 0.9
    nib = np.where(has_nib, (nib_start + np.arange(count)).astype(str), None)
    # NIK: region (PPRRSS), birth date (women: day + 40), serial; valid for python-stdnum.
    female = rng.random(count) < 0.45
    day = rng.integers(1, 29, count) + np.where(female, 40, 0)
    month = rng.integers(1, 13, count)
    year = rng.integers(50, 100, count)
    serial = rng.integers(1, 9999, count)
    district = rng.integers(1, 20, count)
    region = np.char.replace(regency_code.astype(str), ".", "")
    nik = [f"{r}{d:02d}{dd:02d}{mm:02d}{yy:02d}{s:04d}" for r, d, dd, mm, yy, s in zip(region, district, day, month, year, serial)]
    has_nik = rng.random(count) < 0.8
    phone = [f"+62812{number:08d}" for number in rng.integers(0, 99_999_999, count)]
    exporter = rng.random(count) < 0.05
    destinations = [
        "[" + ", ".join(f'"{code}"' for code in sorted(set(rng.choice(DESTINATIONS, rng.integers(1, 4))))) + "]" if flag else "[]"
        for flag in exporter
    ]
    status = rng.choice(["active", "temporarily-closed", "closed"], count, p=[0.9, 0.07, 0.03])
    now = timezone.now().isoformat()
    return pd.DataFrame({
        "name": name, "nib": nib, "owner_name": first + " " + last,
        "nik": np.where(has_nik, nik, ""), "phone": np.where(rng.random(count) < 0.85, phone, ""),
        "email": "", "address": "", "province_id": province_id, "regency_id": regency_id,
        "sector_id": [sectors[slugs[i]] for i in sector_index], "kbli_code": "", "scale": scale,
        "workforce": workforce, "investment": investment, "year_founded": rng.integers(1975, 2020, count),
        "main_products": [SECTOR_WORDS[slugs[i]][1] for i in sector_index], "is_exporter": exporter,
        "export_destinations": destinations, "status": status, "created_at": now, "updated_at": now,
    })


def seed_businesses(*, count, rng, chunk=100_000):
    """Add ``count`` synthetic businesses. Returns the number added."""
    from django.db.models import Max

    top = Business.objects.filter(nib__gte=str(NIB_BASE)).aggregate(top=Max("nib"))["top"]
    nib_start = int(top) + 1 if top else NIB_BASE
    added = 0
    # Maintaining the trigram index row by row costs more than the COPY itself: for a big
    # load, build it once at the end (in the same transaction, so nothing is left without it).
    rebuild_trigram = count >= 100_000
    with transaction.atomic():
        if rebuild_trigram:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS business_name_trgm")
                _skip_foreign_key_triggers(cursor)
        while added < count:
            size = min(chunk, count - added)
            frame = _business_frame(size, rng, nib_start=nib_start + added)
            _copy(frame)
            added += size
        if rebuild_trigram:
            with connection.cursor() as cursor:
                # Run the deferred foreign-key checks now: an index cannot be built over pending ones.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("CREATE INDEX business_name_trgm ON programs_business USING gin ((UPPER(name::text)) gin_trgm_ops)")
    return added


def _skip_foreign_key_triggers(cursor):
    """The generated rows point only at existing regencies, provinces and sectors, so the
    per-row foreign-key triggers (a million deferred checks) can be skipped where the database
    role may (a superuser, as in demo and benchmark databases); elsewhere they simply run."""
    cursor.execute("SAVEPOINT seed_replica")
    try:
        cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:
        cursor.execute("ROLLBACK TO SAVEPOINT seed_replica")
    else:
        cursor.execute("RELEASE SAVEPOINT seed_replica")


def _copy(frame):
    with connection.cursor() as cursor:
        copy_frame(cursor, "programs_business", frame)


def seed(*, businesses=200, seed=2020, stdout=None):
    """Demo accounts, the demo owner's business, and synthetic businesses up to ``businesses``."""
    rng = np.random.default_rng(seed)
    accounts = seed_accounts()
    seed_owner_business()
    missing = businesses - Business.objects.count()
    if missing > 0:
        started = time.monotonic()
        added = seed_businesses(count=missing, rng=rng)
        elapsed = time.monotonic() - started
        if stdout is not None:
            stdout.write(f"Added {added:,} businesses in {elapsed:.1f} s ({added / max(elapsed, 1e-9):,.0f} rows/s).")
    return accounts


EVENT_TEMPLATES = [
    ("workshop", ["marketplace"], "Workshop Jualan di {partner} untuk IKM {place}", "tokopedia"),
    ("workshop", ["marketplace", "online-marketing"], "Kelas Onboarding Marketplace bersama {partner}", "shopee"),
    ("webinar", ["online-marketing"], "Webinar Pemasaran Online dan Media Sosial untuk IKM", "blibli"),
    ("bimtek", ["ppe-production"], "Bimtek Produksi Masker Kain Standar SNI {place}", None),
    ("bimtek", ["ppe-production"], "Bimtek Pembuatan Baju Hazmat dan Face Shield {place}", None),
    ("workshop", ["packaging"], "Workshop Desain Kemasan dan Merek {place}", None),
    ("mentoring", ["export-readiness"], "Pendampingan Kesiapan Ekspor IKM {place}", None),
    ("webinar", ["finance"], "Webinar Pembukuan Sederhana dan Akses KUR", None),
    ("workshop", ["halal"], "Sosialisasi Sertifikasi Halal untuk IKM Pangan {place}", None),
    ("workshop", ["marketplace"], "Go Digital: Toko Online di {partner} {place}", "bukalapak"),
]


def seed_events(*, count, registrations, rng):
    """``count`` events around today (past ones completed) and ``registrations`` spread over
    them (confirmed up to capacity, then the waiting list; attendance for past events)."""
    import datetime
    import zoneinfo

    from .models import Event, Organisation, Province

    if count <= 0:
        return 0, 0
    provinces = list(Province.objects.filter(parent_2020__isnull=True).values_list("id", "code", "name", "timezone"))
    regencies = {}
    for regency_id, province_id in Regency.objects.values_list("id", "province_id"):
        regencies.setdefault(province_id, []).append(regency_id)
    partners = dict(Organisation.objects.values_list("slug", "id"))
    now = timezone.now()
    template_index = rng.integers(0, len(EVENT_TEMPLATES), count)
    national = rng.random(count) < 0.3
    province_index = rng.integers(0, len(provinces), count)
    # Office hours in the event's own zone: 09:00 or 13:00 local time.
    day_offsets, start_hours = rng.integers(-90, 150, count), rng.choice([9, 13], count)
    capacity = rng.choice([20, 25, 30, 40, 50, 60, 100, 150, 200], count)
    status_roll = rng.random(count)
    # The demo officers' provinces each get an upcoming event of their own office (Kalsel's
    # is the mask bimtek: its garment IKM made 100,000 masks for the COVID-19 task force).
    codes = [code for _id, code, _name, _zone in provinces]
    for index, (code, template, days) in enumerate((("32", 0, 14), ("63", 3, 21))[:count]):
        if code in codes:
            national[index], province_index[index], template_index[index] = False, codes.index(code), template
            day_offsets[index], status_roll[index] = days, 0.5
    events = []
    for index in range(count):
        kind, topics, title, partner = EVENT_TEMPLATES[template_index[index]]
        province_id, _code, province_name, zone = provinces[province_index[index]]
        online = national[index] or kind == "webinar"
        zone = zoneinfo.ZoneInfo("Asia/Jakarta" if online else zone)
        local_day = (timezone.localtime(now, zone) + datetime.timedelta(days=int(day_offsets[index]))).date()
        start = datetime.datetime.combine(local_day, datetime.time(int(start_hours[index])), tzinfo=zone)
        past = start < now
        status = "cancelled" if status_roll[index] < 0.03 else ("draft" if status_roll[index] < 0.06 and not past else ("completed" if past else "published"))
        events.append(Event(
            title=title.format(partner=(partner or "").title() if partner else "", place=province_name if not online else "").strip(),
            kind=kind, topics=topics, description="Pelatihan gratis bagi IKM terdampak COVID-19.",
            organiser_province_id=None if national[index] else province_id,
            province_id=None if online else province_id,
            regency_id=None if online else regencies[province_id][int(rng.integers(0, len(regencies[province_id])))],
            mode="online" if online else ("hybrid" if rng.random() < 0.2 else "offline"),
            venue="" if online else f"Aula Dinas Perindustrian {province_name}",
            meeting_link=f"https://zoom.us/j/{int(rng.integers(10**9, 10**10))}" if online else "",
            starts_at=start, ends_at=start + datetime.timedelta(hours=int(rng.choice([3, 4, 6, 8]))),
            timezone=zone.key, capacity=int(capacity[index]),
            registration_opens=start - datetime.timedelta(days=30), registration_closes=start - datetime.timedelta(hours=12),
            status=status,
        ))
    with transaction.atomic():
        created = Event.objects.bulk_create(events, batch_size=2000)
        through = Event.partners.through
        through.objects.bulk_create([
            through(event_id=event.pk, organisation_id=partners[EVENT_TEMPLATES[template_index[index]][3]])
            for index, event in enumerate(created) if EVENT_TEMPLATES[template_index[index]][3] in partners
        ], batch_size=5000)
        added = _seed_registrations(created, registrations, rng, now) if registrations > 0 else 0
        added += _register_demo_owner(created[0])
        # And a workshop the owner attended, so the demo shows a certificate.
        attended = next((event for event in created if event.status == "completed"), None)
        if attended is not None:
            added += _register_demo_owner(attended, attended=True)
    return len(created), added


def _register_demo_owner(event, *, attended=None):
    """The demo owner's business takes a seat at ``event`` (for "my registrations"; with
    ``attended``, a past one they came to, for the certificate)."""
    from .models import Event, Registration

    business = Business.objects.filter(owner__username=DEMO_ACCOUNTS[-1]["username"]).first()
    event = Event.objects.get(pk=event.pk)
    if business is None or event.seats_taken >= event.capacity or Registration.objects.filter(event=event, business=business).exists():
        return 0
    Registration.objects.create(event=event, business=business, status=Registration.Status.CONFIRMED, attended=attended)
    Event.objects.filter(pk=event.pk).update(seats_taken=event.seats_taken + 1)
    return 1


def _seed_registrations(events, total, rng, now):
    open_events = [event for event in events if event.status != "draft"]
    if not open_events:
        return 0
    business_ids = np.array(Business.objects.values_list("id", flat=True))
    # Bigger events draw more people; some are oversubscribed (a waiting list).
    weights = np.array([event.capacity for event in open_events], dtype=float)
    event_pick = rng.choice(len(open_events), size=total, p=weights / weights.sum())
    business_pick = rng.choice(business_ids, size=total)
    frame = pd.DataFrame({"event": event_pick, "business_id": business_pick}).drop_duplicates()
    frame["order"] = frame.groupby("event").cumcount()
    capacity = np.array([event.capacity for event in open_events])
    confirmed = frame["order"].to_numpy() < capacity[frame["event"].to_numpy()]
    past = np.array([event.starts_at < now for event in open_events])[frame["event"].to_numpy()]
    out = pd.DataFrame({
        "event_id": [open_events[index].pk for index in frame["event"]],
        "business_id": frame["business_id"].to_numpy(),
        "status": np.where(confirmed, "confirmed", "waiting"),
        "waiting_number": pd.array(np.where(confirmed, 0, frame["order"].to_numpy() - capacity[frame["event"].to_numpy()] + 1), dtype="Int64"),
        "attended": pd.array(np.where(past & confirmed, rng.random(len(frame)) < 0.82, pd.NA), dtype="boolean"),
        "created_at": timezone.now().isoformat(),
    })
    out.loc[out["status"] == "confirmed", "waiting_number"] = pd.NA
    with connection.cursor() as cursor:
        copy_frame(cursor, "programs_registration", out)
    # Seats taken follow the confirmed registrations.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_event SET seats_taken = (SELECT count(*) FROM programs_registration r "
            "WHERE r.event_id = programs_event.id AND r.status = 'confirmed') WHERE id IN (%s)" % ", ".join(str(event.pk) for event in open_events)
        )
    return len(out)
