"""``register`` and ``cancel`` answer a body that is not ``{"business": <id>}`` with a field
error, never a 500 (a JSON list used to reach ``request.data.get``)."""
import pytest
from rest_framework.test import APIClient

from tests.factories import make_event


@pytest.mark.parametrize("action", ["register", "cancel"])
@pytest.mark.parametrize("body", [[1, 2], [None], "1", "x", 1, None, {"business": "²"}, {"business": [1]}, {"business": 10**30}, {}])
def test_a_body_that_names_no_business_is_a_400(officer, jabar, action, body):
    event = make_event(organiser_province=jabar)
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post(f"/api/v1/events/{event.pk}/{action}/", body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) <= {"business", "non_field_errors"}
