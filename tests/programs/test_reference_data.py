"""Reference data loaded by migration: provinces with their 2020 parents, regencies, sectors, KBLI, partners."""
from programs.models import KbliDivision, Organisation, Province, Regency, Sector
from programs.scale import classify_scale


def test_provinces_and_their_2020_parents(db):
    assert Province.objects.count() == 38
    assert Province.objects.filter(parent_2020__isnull=True).count() == 34
    assert set(Province.objects.get(code="91").split_into.values_list("code", flat=True)) == {"93", "94", "95"}
    assert Province.objects.get(code="96").parent_2020.code == "92"
    assert Province.objects.get(code="63").timezone == "Asia/Makassar"
    assert Province.objects.get(code="94").timezone == "Asia/Jayapura"


def test_regencies(db):
    assert Regency.objects.count() == 514
    assert Regency.objects.filter(kind="kabupaten").count() == 416
    assert Regency.objects.filter(kind="kota").count() == 98
    # Regencies moved to the provinces created in 2022 keep their old codes for 2020 data.
    merauke = Regency.objects.get(name="Kabupaten Merauke")
    assert merauke.province.code == "93" and merauke.code_2021.startswith("91.")


def test_sectors_cover_the_24_manufacturing_divisions(db):
    assert Sector.objects.count() == 6
    assert sorted(KbliDivision.objects.values_list("code", flat=True)) == [str(code) for code in range(10, 34)]
    assert KbliDivision.objects.get(code="14").sector.slug == "textiles-clothing-leather"


def test_marketplace_partners(db):
    assert set(Organisation.objects.filter(kind="marketplace").values_list("name", flat=True)) == {"Tokopedia", "Shopee", "Blibli", "Bukalapak"}


def test_scale_by_workforce_and_investment():
    assert classify_scale(3, 50_000_000) == "micro"
    assert classify_scale(19, 999_999_999) == "small"
    assert classify_scale(19, 1_000_000_000) == "medium"
    assert classify_scale(100, 15_000_000_000) == "medium"
    assert classify_scale(20, 15_000_000_001) is None
