"""The buyer's shortlist on a phone: below the md breakpoint each business is a card with its
score and the nominate button (no table to scroll sideways); the table from md up."""
import re

import pytest

from programs.models import Sector
from tests.factories import BusinessFactory

from .buyer_helpers import make_buyer


@pytest.fixture
def shortlist(db, staff_user, jabar):
    wood = Sector.objects.get(slug="wood-furniture")
    businesses = [BusinessFactory(province=jabar, sector=wood, name=f"Mebel Jati {number}", scale="medium") for number in range(3)]
    return make_buyer(staff_user), businesses


def cards(body):
    block = body.split('id="shortlist-cards"', 1)[1].split('<div class="d-none d-md-block', 1)[0]
    return re.findall(r'<div class="list-group-item py-3">(.*?)</form>', block, re.S)


def test_each_card_has_the_score_and_the_nominate_button(shortlist, client, officer):
    buyer, businesses = shortlist
    client.force_login(officer)
    body = client.get(f"/marketplace/buyers/{buyer.pk}/shortlist/").content.decode()
    assert 'class="d-md-none list-group mb-3" id="shortlist-cards"' in body and 'class="d-none d-md-block table-responsive"' in body
    found = cards(body)
    assert len(found) == len(businesses)
    for card in found:
        assert re.search(r'<span class="badge text-bg-primary fs-6" title="Nilai">\d+</span>', card)
        assert "Usulkan" in card and re.search(r'name="business" value="\d+"', card)


def test_ministry_staff_see_scores_without_buttons(shortlist, client, staff_user):
    buyer, businesses = shortlist
    client.force_login(staff_user)
    body = client.get(f"/marketplace/buyers/{buyer.pk}/shortlist/").content.decode()
    block = body.split('id="shortlist-cards"', 1)[1].split('<div class="d-none d-md-block', 1)[0]
    assert block.count("text-bg-primary fs-6") == len(businesses) and "/nominate/" not in block
