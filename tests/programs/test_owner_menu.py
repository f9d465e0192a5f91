"""An IKM owner's menu leads to their own businesses, never to staff lists or survey pages
they cannot use."""
import re

from tests.factories import make_wave


def test_the_owner_menu_has_no_staff_lists(client, owner, business_jabar):
    make_wave()
    client.force_login(owner)
    page = client.get("/").content.decode()
    menu = re.search(r"<nav.*?</nav>", page, re.S).group(0)
    assert 'href="/businesses/"' not in menu and 'href="/surveys/"' not in menu
    assert business_jabar.name in page  # their business, with its profile, on their home page
    for link in set(re.findall(r'href="(/[^"#?]*)"', menu)):
        assert client.get(link).status_code in (200, 302), link


def test_the_owner_cannot_open_the_survey_review(client, owner):
    wave = make_wave()
    client.force_login(owner)
    assert client.get(f"/surveys/{wave.code}/review/").status_code in (403, 404)


def test_no_link_on_the_survey_list_leads_an_owner_to_an_error(client, owner, business_jabar):
    make_wave()
    client.force_login(owner)
    page = client.get("/surveys/").content.decode()
    content = page[page.index('id="content"'):]
    for link in set(re.findall(r'href="(/surveys/[^"#?]*)"', content)):
        assert client.get(link).status_code == 200, link
