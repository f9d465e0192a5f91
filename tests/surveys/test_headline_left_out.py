"""Headline figures robust to what is not yet clean (issue 12, point 2): a response with an
unconfirmed warning is left out of the figures, the page says how many and links to them,
and once confirmed it counts."""
import pandas as pd
import pytest
from django.urls import reverse

from surveys.models import ImpactRollup, SurveyResponse
from surveys.rollups import refresh
from tests.factories import make_businesses, make_responses, make_wave, province


@pytest.fixture
def wave(db):
    wave = make_wave("2020-04", status="published")
    responses = make_responses(wave, make_businesses(60, provinces=[province("32"), province("63")]), seed=9, turnover_before=20_000_000, turnover_after=10_000_000)
    # The typo: turnover 1.000 → 900.000.000, saved with its warning unconfirmed.
    typo = responses[0]
    SurveyResponse.objects.filter(pk=typo.pk).update(turnover_before=1_000, turnover_after=900_000_000, warnings=["turnover-jump"])
    refresh(wave=wave)
    wave.typo = typo
    return wave


def national(wave):
    return ImpactRollup.objects.get(wave=wave, verified_only=False, province=None, regency=None, sector=None, scale="")


def test_the_typo_does_not_move_the_headline(wave):
    frame = pd.DataFrame.from_records(SurveyResponse.objects.filter(wave=wave).values("turnover_before", "turnover_after", "warnings", "warnings_confirmed"))
    clean = frame[~(frame.warnings.map(bool) & ~frame.warnings_confirmed)]
    row = national(wave)
    assert row.decline == pytest.approx(1 - clean.turnover_after.sum() / clean.turnover_before.sum())
    assert row.decline == pytest.approx(0.5)  # every other answer halved; with the typo it reads −26 %
    assert row.responses == 59 and row.left_out == 1


def test_the_page_says_how_many_are_left_out_and_links_staff_to_them(client, staff_user, wave):
    client.force_login(staff_user)
    page = client.get(reverse("impact-national"), {"wave": wave.code})
    text = page.content.decode()
    assert "1 jawaban tidak dihitung dalam angka ini karena peringatannya belum dikonfirmasi." in text
    assert reverse("survey-follow-up", args=[wave.code]) in text


def test_the_api_says_how_many_are_left_out(client, wave):
    answer = client.get("/api/v1/impact/summary/", {"wave": wave.code}).json()
    assert (answer["responses"], answer["left_out"]) == (59, 1)


def test_the_public_reads_the_count_without_a_link(client, wave):
    text = client.get(reverse("impact-national"), {"wave": wave.code}).content.decode()
    assert "1 jawaban tidak dihitung" in text
    assert reverse("survey-follow-up", args=[wave.code]) not in text


def test_once_confirmed_the_answer_counts(wave):
    SurveyResponse.objects.filter(pk=wave.typo.pk).update(warnings_confirmed=True)
    refresh(wave=wave)
    frame = pd.DataFrame.from_records(SurveyResponse.objects.filter(wave=wave).values("turnover_before", "turnover_after"))
    row = national(wave)
    assert row.responses == 60 and row.left_out == 0
    # An odd figure (turnover up 26 %), but one someone stood behind.
    assert row.decline == pytest.approx(1 - frame.turnover_after.sum() / frame.turnover_before.sum())
