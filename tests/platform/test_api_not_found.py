"""A path under ``/api/`` that no route matches answers the API's JSON 404, like a record out
of scope, not the HTML page (``/api/v1/businesses/1.5/`` is no business id)."""
import pytest


@pytest.mark.parametrize("path", ["/api/v1/businesses/1.5/", "/api/v1/regencies/31/", "/api/v1/nothing/"])
def test_unknown_api_paths_answer_json(client, db, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    # The same words as a province code that does not exist.
    assert answer.json() == client.get("/api/v1/provinces/99/").json() == {"detail": "Data tidak ditemukan."}


def test_pages_keep_their_html_404(client, db):
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")
