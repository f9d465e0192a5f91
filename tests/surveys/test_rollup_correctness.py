"""Every rollup figure equals the same figure computed independently with pandas from the raw
responses, and the API and the dashboard show those figures."""
import re

import pandas as pd
import pytest

from programs.models import Province
from surveys.models import ImpactRollup, SurveyResponse
from surveys.rollups import refresh
from tests.factories import make_businesses, make_responses, make_wave

PROBLEMS = ["demand", "raw-material", "workers-sent-home", "export-postponed", "cash-flow", "logistics", "psbb-closure"]
NEEDS = ["credit", "marketplace", "online-marketing", "raw-material", "ppe-orders", "export"]


@pytest.fixture
def wave(db):
    wave = make_wave("2020-04", status="published")
    provinces = list(Province.objects.filter(code__in=["32", "63", "51"]).order_by("code"))
    responses = make_responses(wave, make_businesses(240, provinces=provinces), seed=4)
    # Some answers carry a warning nobody confirmed (left out of the figures), some a confirmed one (counted).
    SurveyResponse.objects.filter(pk__in=[response.pk for response in responses[::7]]).update(warnings=["turnover-jump"])
    SurveyResponse.objects.filter(pk__in=[response.pk for response in responses[3::11]]).update(warnings=["workers-rise"], warnings_confirmed=True)
    refresh(wave=wave)
    return wave


def expected_figures(frame):
    """The figures of one slice, from raw responses, as the issue defines them."""
    baseline = frame[frame.turnover_before > 0]
    decline = 1 - baseline.turnover_after / baseline.turnover_before
    closed = frame.operating_status.isin(["temporarily-closed", "closed"])
    open_decline = (1 - frame.turnover_after / frame.turnover_before.where(frame.turnover_before > 0))[~closed]
    figures = {
        "responses": len(frame),
        "with_baseline": len(baseline),
        "falling": int((frame.turnover_after < frame.turnover_before).sum()),
        "turnover_before": int(frame.turnover_before.sum()),
        "turnover_after": int(frame.turnover_after.sum()),
        "decline": 1 - baseline.turnover_after.sum() / baseline.turnover_before.sum() if len(baseline) else None,
        "decline_p25": decline.quantile(0.25) if len(baseline) else None,
        "decline_median": decline.median() if len(baseline) else None,
        "decline_p75": decline.quantile(0.75) if len(baseline) else None,
        "band_grew": int((open_decline < 0).sum()),
        "band_0_25": int(((open_decline >= 0) & (open_decline < 0.25)).sum()),
        "band_25_50": int(((open_decline >= 0.25) & (open_decline < 0.5)).sum()),
        "band_50_70": int(((open_decline >= 0.5) & (open_decline < 0.7)).sum()),
        "band_70_plus": int((open_decline >= 0.7).sum()),
        "band_closed": int(closed.sum()),
        "workers_before": int(frame.workers_before.sum()),
        "workers_after": int(frame.workers_after.sum()),
        "workers_furloughed": int(frame.workers_furloughed.sum()),
        "workers_laid_off": int(frame.workers_laid_off.sum()),
        "problems": {code: int(frame.problems.map(lambda codes, c=code: c in codes).sum()) for code in PROBLEMS},
        "needs": {code: int(frame.needs.map(lambda codes, c=code: c in codes).sum()) for code in NEEDS},
        "diversified": int(frame.diversified.sum()),
        "export_postponed": int((frame.export_postponed_value.fillna(0) > 0).sum()),
        "export_postponed_value": int(frame.export_postponed_value.fillna(0).sum()),
    }
    return figures


def responses_frame(wave):
    fields = [
        "province_id", "regency_id", "sector_id", "scale", "turnover_before", "turnover_after", "workers_before", "workers_after",
        "workers_furloughed", "workers_laid_off", "operating_status", "problems", "needs", "diversified",
        "export_postponed_value", "status", "warnings", "warnings_confirmed", "id",
    ]
    frame = pd.DataFrame.from_records(list(SurveyResponse.objects.filter(wave=wave).values(*fields)), columns=fields)
    frame["unconfirmed"] = frame.warnings.map(bool) & ~frame.warnings_confirmed
    return frame


def assert_same(row, expected, label):
    for name, value in expected.items():
        actual = getattr(row, name)
        if isinstance(value, float) or isinstance(actual, float):
            assert actual == pytest.approx(value, rel=1e-9, abs=1e-12), f"{label}: {name}"
        else:
            assert actual == value, f"{label}: {name}"


def test_every_slice_matches_pandas(wave):
    frame = responses_frame(wave)
    groupings = [
        ["province_id", "sector_id", "scale"], ["province_id", "sector_id"], ["province_id", "scale"], ["province_id"],
        ["province_id", "regency_id"], ["sector_id", "scale"], ["sector_id"], ["scale"], [],
    ]
    checked = 0
    for verified_only in (False, True):
        subset = frame[frame.status == "verified"] if verified_only else frame
        for keys in groupings:
            groups = subset.groupby(keys) if keys else [((), subset)]
            for key, group in groups:
                key = key if isinstance(key, tuple) else (key,)
                where = dict(zip(keys, key))
                rows = ImpactRollup.objects.filter(
                    wave=wave, verified_only=verified_only, province_id=where.get("province_id"),
                    regency_id=where.get("regency_id"), sector_id=where.get("sector_id"), scale=where.get("scale", ""),
                )
                counted = group[~group.unconfirmed]
                if counted.empty:  # every answer of the slice waits for confirmation: no figures
                    assert not rows.exists(), f"{verified_only} {where}"
                    continue
                expected = {**expected_figures(counted), "left_out": int(group.unconfirmed.sum())}
                assert_same(rows.get(), expected, f"{verified_only} {where}")
                checked += 1
    # Every stored slice was one of those checked: none extra, none missing.
    assert ImpactRollup.objects.filter(wave=wave).count() == checked
    assert checked > 100


def counted_frame(wave):
    """The responses the figures count: none with a warning nobody confirmed."""
    frame = responses_frame(wave)
    return frame[~frame.unconfirmed]


def test_the_api_and_the_page_show_the_rollup(client, staff_user, wave):
    frame = counted_frame(wave)
    west_java = Province.objects.get(code="32")
    expected = expected_figures(frame[frame.province_id == west_java.pk])
    client.force_login(staff_user)

    answer = client.get("/api/v1/impact/summary/", {"wave": "2020-04", "province": "32"}).json()
    for name in ("responses", "turnover_before", "turnover_after", "workers_furloughed", "workers_laid_off"):
        assert answer[name] == expected[name], name
    assert answer["decline"] == pytest.approx(expected["decline"])
    assert answer["median_decline"] == pytest.approx(expected["decline_median"])
    assert answer["as_of"] is not None

    by_province = client.get("/api/v1/impact/by-province/", {"wave": "2020-04"}).json()
    assert [item["province"] for item in by_province["results"]] == ["32", "51", "63"]
    assert sum(item["responses"] for item in by_province["results"]) == len(frame)

    page = client.get("/impact/provinces/32/", {"wave": "2020-04"}).content.decode()
    headline = re.search(r'data-figure="decline">([^<]+)<', page).group(1)
    assert headline == f"{expected['decline'] * 100:.1f}".replace(".", ",") + " %"
    responses = re.search(r'data-figure="responses">([^<]+)<', page).group(1)
    assert responses == f"{expected['responses']:,}".replace(",", ".")


def test_table_download_matches_the_rollup(client, staff_user, wave):
    frame = counted_frame(wave)
    client.force_login(staff_user)
    response = client.get("/impact/tables/provinces.xlsx", {"wave": "2020-04"})
    assert response.status_code == 200
    import io

    table = pd.read_excel(io.BytesIO(response.content), header=3, engine="calamine")
    by_province = frame.groupby("province_id").size()
    names = dict(Province.objects.filter(pk__in=by_province.index).values_list("name", "pk"))
    assert dict(zip(table["Provinsi"], table["Jawaban"])) == {name: by_province[pk] for name, pk in names.items()}
    csv_text = client.get("/impact/tables/bands.csv", {"wave": "2020-04"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Kelompok;")  # as Excel in Indonesian reads it
    closed = frame.operating_status.isin(["temporarily-closed", "closed"])
    banded = int(((frame.turnover_before > 0) | closed).sum())  # closed, or with a baseline to band
    assert sum(int(line.split(";")[1]) for line in csv_text.splitlines()[1:]) == banded


def test_steepest_declines_match_pandas(wave):
    """Per province, the responses asking for help with the steepest decline, as pandas ranks them."""
    from surveys.rollups import STEEPEST_COUNT

    frame = responses_frame(wave)
    checked = 0
    for verified_only in (False, True):
        subset = frame[frame.status == "verified"] if verified_only else frame
        asking = subset[(subset.turnover_before > 0) & subset.needs.map(bool) & ~subset.unconfirmed].copy()
        asking["ratio"] = asking.turnover_after / asking.turnover_before
        ranked = asking.sort_values(["ratio", "id"])
        for province_id, group in subset.groupby("province_id"):
            row = ImpactRollup.objects.get(
                wave=wave, verified_only=verified_only, province_id=province_id, regency_id=None, sector_id=None, scale="",
            )
            expected = ranked[ranked.province_id == province_id].id.head(STEEPEST_COUNT).tolist()
            assert row.steepest == expected, (verified_only, province_id)
            checked += bool(expected)
    assert checked >= 3
