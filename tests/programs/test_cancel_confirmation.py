"""Cancelling a registration asks first (one tap on a phone must not give a seat away)."""
from programs import events
from tests.factories import make_event


def test_cancel_buttons_ask_for_confirmation(client, owner, business_jabar, jabar):
    event = make_event(organiser_province=jabar)
    events.register(user=owner, event_id=event.pk, business=business_jabar)
    client.force_login(owner)
    for page in (f"/events/{event.pk}/", "/events/mine/"):
        html = client.get(page).content.decode()
        form = html[html.index("/cancel/") - 200: html.index("/cancel/") + 300]
        assert f"data-confirm=\"Batalkan pendaftaran {business_jabar.name}?" in form, (page, form)
