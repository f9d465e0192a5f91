"""Find English messages left untranslated in the visible text of an Indonesian page.

The catalogue is ``locale/id/LC_MESSAGES/django.po``: every English msgid whose Indonesian
msgstr differs is a message that must not show on a page in Bahasa Indonesia. A msgid is
cut at its placeholders (``%(name)s``, ``{name}``, HTML tags) into literal fragments, and a
fragment is looked for only when it is long enough to be a message rather than a word that
Indonesian borrows: at least ``MIN_WORDS`` words and ``MIN_CHARS`` characters ("Sign in",
"Waiting list", "Upload spreadsheet" count; "Workshop", "Online", "Marketplace" and codes
such as "NIB" do not). A fragment that also occurs in some Indonesian msgstr (a proper noun,
a brand, a term kept as it is) is never reported. Matching is case-sensitive and on whole
words, over the text with its whitespace collapsed.
"""
import functools
import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"
MIN_WORDS = 2
MIN_CHARS = 7

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>|&\w+;|\n")
_EDGE = " \t.,:;!?·–—-()[]\"'“”‘’…*/"


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _fragments(text):
    for part in _PLACEHOLDER.split(text):
        part = " ".join(part.split()).strip(_EDGE)
        if len(part.split()) >= MIN_WORDS and len(part) >= MIN_CHARS:
            yield part


@functools.lru_cache(maxsize=None)
def english_fragments(catalogue=CATALOGUE):
    """The English fragments that must not appear on an Indonesian page, longest first."""
    with open(catalogue, "rb") as handle:
        messages = [message for message in read_po(handle) if message.id]
    indonesian = "\n".join(" ".join(s.split()) for message in messages for s in _as_tuple(message.string) if s)
    fragments = set()
    for message in messages:
        translations = {" ".join(s.split()) for s in _as_tuple(message.string) if s}
        for msgid in _as_tuple(message.id):
            if not msgid or msgid in translations:
                continue
            fragments.update(fragment for fragment in _fragments(msgid) if fragment not in indonesian)
    return tuple(sorted(fragments, key=lambda f: (-len(f), f)))


def find_untranslated(text, fragments=None):
    """English fragments (see the module docstring) found in ``text``, without those inside a longer find."""
    text = " ".join(text.split())
    found = []
    for fragment in fragments if fragments is not None else english_fragments():
        if fragment not in text:
            continue
        for match in re.finditer(r"(?<!\w)" + re.escape(fragment) + r"(?!\w)", text):
            if not any(fragment in longer for longer in found):
                found.append(fragment)
            break
    return found
