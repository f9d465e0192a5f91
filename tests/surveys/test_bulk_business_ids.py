"""A bulk item naming its business by something that is no whole number a bigint holds
(``1.5``, ``2.5e-42``, ``1e30``, ``true``, a list) answers that item's field error, not a 500
(the ids were cast to integers unchecked). Found by the API fuzzing."""
import pytest
from rest_framework.test import APIClient

from tests.factories import make_wave

ITEM = {"turnover_before": 10, "turnover_after": 5, "workers_before": 3, "workers_after": 3, "operating_status": "normal"}


@pytest.mark.parametrize("business", [1.5, 2.5890419884777833e-42, 1e30, 10**19, True, [1], {"id": 1}, "12a"])
def test_an_id_that_is_no_whole_number(officer, business):
    wave = make_wave()
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/v1/survey-responses/bulk/", {"wave": wave.code, "responses": [{**ITEM, "business": business}]}, format="json")
    assert answer.status_code == 400
    assert answer.json()["results"][0]["errors"]["business_id"] == ["Tulis nomor usaha di portal, mis. 1234."]
