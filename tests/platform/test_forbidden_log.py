"""A 403 is logged in one line (who asked for what), not as a traceback."""
import logging

from tests.factories import make_wave


def test_a_refused_request_is_one_log_line(client, staff_user, caplog):
    wave = make_wave()
    client.force_login(staff_user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = client.get(f"/surveys/{wave.code}/upload/")
    assert answer.status_code == 403  # staff read the wave; uploading is for officers and admins
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1
    line = records[0].getMessage()
    assert line == f"Forbidden: GET /surveys/{wave.code}/upload/ (user {staff_user.pk})"
    assert records[0].exc_info is None and "Traceback" not in caplog.text
