"""How a model's name becomes its URL slug and its matching key (one rule for the services, the data
migration, the library merge and the IMSMA NG migration)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

from safeground.core.folding import fold

#: Letters folded further for matching only: a dotless ı (Azerbaijani, Turkish) is typed as i without its keyboard.
_MATCH = str.maketrans({"ı": "i"})


def key(name: str | None) -> str:
    """Lower case, accents, spaces and punctuation dropped: 'PMN-2' == 'pmn 2' == 'PMN2'. Letters of other
    scripts (Khmer, Cyrillic) are kept with their vowel signs and other marks (Khmer vowels are combining marks:
    dropping them would make different words one key), so a local name matches itself; 'minası' == 'minasi'."""
    text = unicodedata.normalize("NFC", fold(name or "") or "").translate(_MATCH)
    return "".join(
        ch
        for ch in text
        if ch.isalnum() or (unicodedata.category(ch) in ("Mn", "Mc") and not 0x0300 <= ord(ch) <= 0x036F)
    )


def slug(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A URL-safe slug of `name` not in `taken`: 'POMZ-2 / POMZ-2M' → 'pomz-2-pomz-2m', then '-2', '-3'..."""
    base = slugify(name)[:80] or re.sub(r"\W+", "-", key(name))[:80].strip("-") or "model"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
