"""Browser tests: Playwright driving Debian's Chromium against the live server.

One Chromium for all browser tests, one fresh context (cookies, window size) per test; each
test runs at desktop width (1280 px) and at phone width (390 px). Every page goes through
``PortalTab.check`` (see ``tab.py``). The live server and the Celery worker are other
database connections than the test's, so these tests use the transactional database with a
serialized rollback (the reference data loaded by migrations survives the flush).

Environment: ``CHROMIUM_PATH`` (default ``/usr/bin/chromium``; ``scripts/test.sh`` installs
Debian's package when it is missing), ``BROWSER_SCREENSHOTS`` (folder for the screenshots of
every step, default ``tests/browser/screenshots/``, git-ignored; ``off`` for none).
"""
import os
from pathlib import Path

import pytest

from .tab import PortalTab

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root in a container without a network: no sandbox, no GPU, no calls home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
_screenshots = os.environ.get("BROWSER_SCREENSHOTS", str(Path(__file__).resolve().parent / "screenshots"))
SCREENSHOTS = None if _screenshots.lower() in ("", "0", "off", "no") else Path(_screenshots)
_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="package")
def chromium(django_db_setup):
    """Debian's Chromium, started once for the browser tests (Playwright's own browsers are
    not used).

    Playwright's sync API marks its event loop as running in the test thread between calls.
    Django then takes the thread for async code: its check refuses every query (setting up
    data, the database flush), and ``connections`` hands out other connection objects, kept
    per context, which lack the serialized reference data the flush restores. Neither is
    true async use, so while Playwright runs the check is off and the new connection objects
    get the serialized data too. The package scope ends Playwright, and so both, after the
    last browser test.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run the tests with `make test` (installs Debian's chromium) or set CHROMIUM_PATH", pytrace=False)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {c.alias: c._test_serialized_contents for c in connections.all() if hasattr(c, "_test_serialized_contents")}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
                connections.close_all()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(params=list(WIDTHS))
def width(request):
    """``desktop`` (1280 px) or ``phone`` (390 px): every browser test runs at both."""
    return request.param


@pytest.fixture
def portal(request, celery_worker_process, chromium, live_server, django_db_serialized_rollback, width):
    """A fresh browser context at ``width`` on the live server, as a ``PortalTab``. Whatever
    goes wrong after the test's last check (a late server or console error) fails it too.

    A real Celery worker serves the live server as it would in production (uploads, e-mails,
    rollup refreshes); it is started before Playwright so it inherits no exemption from it."""
    # Reduced motion: charts are drawn at once, so screenshots show them whole without waiting.
    context = chromium.new_context(
        viewport=WIDTHS[width], accept_downloads=True, locale="id-ID", timezone_id="Asia/Jakarta", reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    tab = PortalTab(context.new_page(), base_url=live_server.url, screenshots=SCREENSHOTS, name=f"{request.node.originalname.removeprefix('test_')}-{width}")
    try:
        yield tab
        leftover = tab.take_problems()
        if leftover and not request.node.stash.get(_CALL_FAILED, False):
            pytest.fail("after the last check:\n  " + "\n  ".join(leftover), pytrace=False)
    finally:
        context.close()


@pytest.fixture
def impact_figures(transactional_db):
    """A published national wave (2020-04) with responses in Jawa Barat, Kalimantan Selatan and
    Bali, and its impact figures computed."""
    from tests.surveys.test_impact_pages import seed

    return seed(["32", "63", "51"], 45)


@pytest.fixture
def workshop(transactional_db):
    """A published national online workshop in ten days, registration open, 20 seats, with a
    meeting link as long as real ones are."""
    from tests.factories import make_event

    return make_event(
        title="Workshop Jualan di Marketplace bersama Tokopedia",
        meeting_link="https://us02web.zoom.us/j/81234567890?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ012345.1",
    )


def xlsx_rows(download):
    """The rows (tuples of values) of the first sheet of a Playwright download, which must be
    a valid XLSX file."""
    import io

    import openpyxl

    # From bytes: openpyxl judges a path by its extension, and a download's has none.
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    return [row for row in workbook.worksheets[0].iter_rows(values_only=True) if any(cell is not None for cell in row)]
