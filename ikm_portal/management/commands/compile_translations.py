"""Compile locale/*/LC_MESSAGES/*.po to .mo with Babel (no GNU gettext needed on the machine)."""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the portal's translations (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    with open(po_path, "rb") as po_file:
                        catalog = read_po(po_file)
                except Exception as exc:
                    raise CommandError(f"{po_path}: {exc}") from None
                with open(po_path.with_suffix(".mo"), "wb") as mo_file:
                    write_mo(mo_file, catalog)
                compiled += 1
        self.stdout.write(f"Compiled {compiled} translation catalogue(s).")
