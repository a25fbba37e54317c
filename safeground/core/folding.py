"""Search that ignores accents and case, the same on both databases ("samana" finds "SAMANÁ").

`field__folded_contains=term` compares folded text: Latin letters lose their accents (á → a, ñ → n,
ç → c; ə, ı and other letters without a decomposition stay), and everything is lower-cased. Other
scripts (Khmer, Cyrillic) keep their marks: only the combining diacritics U+0300–U+036F are dropped.

The same table folds on both sides: PostgreSQL runs `translate(lower(col), FROM, TO)` built from it
(no extension needed, so the result does not depend on the server's `unaccent` rules), SQLite a
Python function registered on each connection (`core.dbbackends.spatialite`). The term is folded in
Python.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Lookup, TextField

#: Code points with an accented Latin letter and their plain lower-case letter(s): Latin-1
#: Supplement, Latin Extended-A and B, Latin Extended Additional (Vietnamese).
_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not 0x0300 <= ord(c) <= 0x036F)
    return base.lower()


def _table() -> tuple[str, str]:
    src, dst = [], []
    for start, end in _RANGES:
        for code in range(start, end + 1):
            ch = chr(code)
            folded = _fold_char(ch)
            if len(folded) == 1 and folded != ch and folded.isascii():
                src.append(ch)
                dst.append(folded)
    return "".join(src), "".join(dst)


FROM, TO = _table()
_MAP = str.maketrans(FROM, TO)


def fold(text: str | None) -> str | None:
    """Lower-case, accents off Latin letters (as the databases fold the column)."""
    return None if text is None else text.lower().translate(_MAP)


class FoldedContains(Lookup):
    lookup_name = "folded_contains"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _rhs, rhs_params = self.process_rhs(compiler, connection)
        pattern = [f"%{connection.ops.prep_for_like_query(fold(str(p)))}%" for p in rhs_params]
        if connection.vendor == "postgresql":
            return f"translate(lower({lhs}), %s, %s) LIKE %s", [*lhs_params, FROM, TO, *pattern]
        return f"sg_fold({lhs}) LIKE %s ESCAPE '\\'", [*lhs_params, *pattern]


CharField.register_lookup(FoldedContains)
TextField.register_lookup(FoldedContains)
