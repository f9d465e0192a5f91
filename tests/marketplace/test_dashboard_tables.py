"""The onboarding dashboard's tables are all downloads: the map's businesses per province id
come separately, not as a table the XLSX code has to skip."""
from django.urls import reverse

from marketplace.views_dashboard import tables
from programs.models import Province

from .conftest import raw


def test_tables_are_tables_and_the_map_comes_apart(staff_user, onboardings):
    data, pace, by_province_id = tables(staff_user, 2020)
    assert "province-ids" not in data
    assert all(set(table) >= {"title", "columns", "rows"} for table in data.values())
    firsts = raw().query("first")
    names = dict(Province.objects.values_list("pk", "name"))
    assert {names[key]: value for key, value in by_province_id.items()} == firsts.groupby("province__name").size().to_dict()


def test_every_table_downloads_and_no_other(client, staff_user, onboardings):
    client.force_login(staff_user)
    data, _pace, _map = tables(staff_user, 2020)
    for name in data:
        assert client.get(reverse("marketplace-dashboard"), {"year": 2020, "table": name, "format": "xlsx"}).status_code == 200, name
    assert client.get(reverse("marketplace-dashboard"), {"year": 2020, "table": "province-ids", "format": "xlsx"}).status_code == 404
