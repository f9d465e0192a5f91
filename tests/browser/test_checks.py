"""The checks every page goes through do fail: a server error (also behind htmx), a script
error, a page wider than the window, a message left untranslated."""
import pytest
from playwright.sync_api import expect

from .tab import PageProblem
from .untranslated import english_fragments, find_untranslated

pytestmark = pytest.mark.browser


def test_untranslated_fragments_are_long_messages_not_borrowed_words():
    fragments = set(english_fragments())
    assert {"Sign in", "Upload spreadsheet", "Waiting list"} <= fragments
    assert not {"Workshop", "Online", "Marketplace", "NIB", "Tokopedia"} & fragments
    indonesian = "Workshop Jualan di Marketplace bersama Tokopedia · Daring · Masuk · NIB 9120000000003"
    assert find_untranslated(indonesian) == []
    assert find_untranslated(f"{indonesian} Sign in") == ["Sign in"]
    assert find_untranslated("Signing into the portal") == []  # whole words only


@pytest.mark.parametrize("width", ["phone"])
def test_a_server_error_behind_htmx_fails_the_page(portal, impact_figures, monkeypatch):
    page = portal.page
    portal.open("/impact/", "impact page")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the dashboard tables")

    monkeypatch.setattr("surveys.dashboards.tables", broken)
    with page.expect_response(lambda response: response.status == 500):
        page.select_option("#id_scale", "micro")  # the filter asks for the body with htmx
    with pytest.raises(PageProblem, match=r"server error 500 on GET .*/impact/\?.*scale=micro"):
        portal.check("filter answered 500")
    portal.take_problems()


@pytest.mark.parametrize("width", ["desktop"])
def test_a_script_error_fails_the_page(portal, workshop):
    page = portal.page
    page.route("**/static/vendor/htmx/htmx.min.js", lambda route: route.fulfill(status=200, content_type="text/javascript", body="htmx(;"))
    page.goto(portal.url("/events/"))
    with pytest.raises(PageProblem, match="page error: SyntaxError: Unexpected token"):
        portal.check("broken script")
    page.evaluate("console.error('the filters could not be set up')")
    with pytest.raises(PageProblem, match="console error: the filters could not be set up"):
        portal.check("console error")


@pytest.mark.parametrize("width", ["phone"])
def test_a_page_wider_than_the_window_fails(portal, workshop):
    page = portal.page
    portal.open("/events/", "workshops")
    # Styled through the CSSOM: the portal's Content-Security-Policy refuses style attributes.
    page.evaluate("document.querySelector('#event-results').insertAdjacentHTML('beforeend', '<table id=\"wide\"><tr><td>a wide table</td></tr></table>'); document.querySelector('#wide td').style.minWidth = '600px'")
    with pytest.raises(PageProblem, match=r"page wider than the window: \d+ px in 390 px; sticking out: table#wide"):
        portal.check("too wide")


@pytest.mark.parametrize("width", ["desktop"])
def test_a_message_left_untranslated_fails_an_indonesian_page(portal, monkeypatch):
    from django.utils.translation import trans_real

    page = portal.page
    portal.open("/accounts/login/", "login")
    # As if "Sign in" had no Indonesian translation: the catalogue answers with the msgid.
    monkeypatch.setitem(trans_real.translation("id")._catalog, "Sign in", "Sign in")
    page.reload()
    expect(page.locator("h1")).to_have_text("Sign in")
    with pytest.raises(PageProblem, match=r"untranslated on an Indonesian page: \['Sign in'\]"):
        portal.check("untranslated")
