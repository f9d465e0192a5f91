"""One browser tab on the live server, and the checks every page it shows must pass."""
import re
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.factories import PASSWORD

from .untranslated import find_untranslated

# Elements sticking out past the right edge of the window, to say *what* makes a page too wide.
_OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const result = {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits: []};
  if (result.scrollWidth <= width) return result;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const parentBox = element.parentElement.getBoundingClientRect();
      if (parentBox.right <= width + 1 || element.parentElement === document.body) {
        const id = element.id ? '#' + element.id : '';
        const classes = element.classList.length ? '.' + [...element.classList].join('.') : '';
        result.culprits.push(`${element.tagName.toLowerCase()}${id}${classes} (right edge ${Math.round(box.right)} px)`);
      }
    }
    if (result.culprits.length >= 5) break;
  }
  return result;
}"""

_CHARTS_DRAWN_JS = "() => [...document.querySelectorAll('[data-chart]')].every(e => e.querySelector('svg path'))"

_VISIBLE_TEXT_JS = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll('input[placeholder]:not([type=hidden]), textarea[placeholder]')]
      .filter(e => e.offsetParent !== null).map(e => e.placeholder)].join('\\n')"""


class PageProblem(AssertionError):
    """A page broke one of the rules every page must keep."""


class PortalTab:
    """A Playwright page on the live server that records server errors (any response >= 500,
    htmx and fetch requests included), console errors and uncaught page errors as they
    happen, and checks each page it is asked to: nothing recorded so far, its charts drawn,
    no horizontal overflow, and on an Indonesian page no English message left untranslated.
    Every check saves a full-page screenshot first (``screenshots`` folder, ``name``
    prefix), so a failing page can be looked at. A page visited on purpose for an error
    status (a 404) logs a console error in Chromium too: take it with ``take_problems``."""

    def __init__(self, page, *, base_url, screenshots, name):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.screenshots = Path(screenshots) if screenshots else None
        self.name = name
        self.problems = []
        self.steps = 0
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        if self.screenshots:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            for old in self.screenshots.glob(f"{name}-[0-9][0-9]-*.png"):
                old.unlink()

    def _on_response(self, response):
        if response.status >= 500:
            self.problems.append(f"server error {response.status} on {response.request.method} {response.url}")

    def _on_console(self, message):
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.problems.append(f"console error: {message.text}" + (f" ({where})" if where else ""))

    def _on_page_error(self, error):
        self.problems.append(f"page error: {error.name}: {error.message}")

    def url(self, path):
        return self.base_url + path

    def open(self, path, step):
        """Go to ``path`` and check the page it shows."""
        response = self.page.goto(self.url(path))
        self.check(step)
        return response

    def sign_in(self, user, step="signed-in"):
        """Sign in through the login form (the factories' password) and check the landing page."""
        self.page.goto(self.url("/accounts/login/"))
        self.check("login")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        self.check(step)

    def open_menu(self):
        """On a narrow window the navigation sits behind the toggler: open it (a no-op on desktop)."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            self.page.locator("#main-nav.show").wait_for()

    def check(self, step):
        """Screenshot the page as it is now, then fail on anything recorded or found wrong."""
        self.page.wait_for_load_state("load")
        try:  # charts draw after the page loads (the map after its shapes are fetched)
            self.page.wait_for_function(_CHARTS_DRAWN_JS, timeout=10_000)
        except PlaywrightTimeoutError:
            self.problems.append("charts not drawn within 10 s")
        self.steps += 1
        if self.screenshots:
            slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
            self.page.screenshot(path=str(self.screenshots / f"{self.name}-{self.steps:02d}-{slug}.png"), full_page=True)
        problems = self.take_problems()
        overflow = self.page.evaluate(_OVERFLOW_JS)
        if overflow["scrollWidth"] > overflow["innerWidth"]:
            problems.append(
                f"page wider than the window: {overflow['scrollWidth']} px in {overflow['innerWidth']} px; "
                f"sticking out: {', '.join(overflow['culprits']) or 'unknown'}"
            )
        if self.page.evaluate("document.documentElement.lang") == "id":
            untranslated = find_untranslated(self.page.evaluate(_VISIBLE_TEXT_JS))
            if untranslated:
                problems.append(f"untranslated on an Indonesian page: {untranslated}")
        if problems:
            raise PageProblem(f"step {step!r} at {self.page.url}:\n  " + "\n  ".join(problems))

    def take_problems(self):
        """What was recorded since the last call (and forget it)."""
        problems, self.problems = self.problems, []
        return problems
