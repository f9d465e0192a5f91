"""Headers that limit what an injected script or frame could do: a Content-Security-Policy
that the vendored scripts and htmx live with (no inline script anywhere), and a
Permissions-Policy."""
import re
from pathlib import Path

from tests.conftest import ROOT


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_pages_carry_a_permissions_policy(client, db):
    policy = client.get("/").headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_api_documentation_keeps_scripts_to_files(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page.content)  # its set-up script is a file too
    assert client.get("/api/docs/?script=").status_code == 200


INLINE = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>|\son[a-z]+=\"|\sstyle=\"", re.IGNORECASE)


def test_no_template_has_inline_script_handlers_or_style_attributes():
    offenders = []
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        if ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == []
