"""Screenshots of portal pages as each role, at desktop and phone width (a developer's check).

Usage: python scripts/screenshots.py BASE_URL OUT_DIR USER:PASSWORD:PATH[,PATH...] ...
       (USER "-" for the public). Needs the playwright package and Debian's chromium.
"""
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(base_url, out_dir, specs):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for spec in specs:
            user, password, paths = spec.split(":", 2)
            for size_name, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
                page = context.new_page()
                if user != "-":
                    page.goto(f"{base_url}/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", password)
                    page.click("button[type=submit].btn-primary")
                if os.environ.get("PORTAL_LANGUAGE") == "en":  # the portal ignores the browser's language
                    page.goto(base_url + "/")
                    with page.expect_navigation():  # the button may sit in the collapsed phone menu
                        page.evaluate("document.querySelector('#language-switch button[value=en]').click()")
                for path in paths.split(","):
                    page.goto(base_url + path)
                    page.wait_for_timeout(800)  # charts draw after the page has loaded
                    suffix = "-en" if os.environ.get("PORTAL_LANGUAGE") == "en" else ""
                    name = f"{user.split('@')[0] if user != '-' else 'public'}{path.replace('/', '_').replace('?', '_')}-{size_name}{suffix}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    print(out / name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
