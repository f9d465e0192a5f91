"""Bahasa Indonesia by default (whatever the browser says), English when the user switches."""
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_indonesian_by_default_even_for_an_english_browser(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in page
    assert "Nama pengguna atau e-mail" in page


def test_english_on_request(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "User name or e-mail" in page
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Nama pengguna atau e-mail" in client.get("/accounts/login/").content.decode()


def test_every_message_has_an_indonesian_translation():
    with open(ROOT / "locale/id/LC_MESSAGES/django.po", "rb") as handle:
        catalog = read_po(handle)
    untranslated = [message.id for message in catalog if message.id and (not message.string or message.fuzzy or (isinstance(message.string, tuple) and not all(message.string)))]
    assert untranslated == []
