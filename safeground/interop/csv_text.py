"""Real national CSV files in any text encoding (detected when not given); decimal commas: `reader.decimal_commas`.

GDAL reads CSV as UTF-8. A file in another encoding (Latin-1 and Windows-1252 are common in
spreadsheets saved on Windows) is decoded here and handed to GDAL as a UTF-8 copy in the import's
work folder, so no accented name is mangled.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from django.utils.translation import gettext as _

from safeground.interop.reader import ImportError_

#: Tried, in order, when no encoding is given: UTF-8 (with or without a byte-order mark), then
#: Windows-1252, the Latin-1 superset spreadsheets write; Latin-1 last (it decodes any byte).
DETECTED = ("utf-8-sig", "cp1252", "latin-1")


def utf8_copy(path: Path, workdir: Path, encoding: str | None) -> tuple[Path, str | None]:
    """The CSV to give GDAL, and a note for the report (None when the file is already plain UTF-8)."""
    raw = path.read_bytes()
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ImportError_(_("unknown text encoding %(encoding)s") % {"encoding": encoding}) from exc
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportError_(
                _("%(name)s is not %(encoding)s text: byte %(byte)d cannot be read (%(reason)s)")
                % {"name": path.name, "encoding": encoding, "byte": exc.start + 1, "reason": exc.reason}
            ) from exc
        used = codecs.lookup(encoding).name
    else:
        for used in DETECTED:
            try:
                text = raw.decode(used)
                break
            except UnicodeDecodeError:
                continue
        if used == "utf-8-sig" and not raw.startswith(codecs.BOM_UTF8):
            return path, None  # plain UTF-8: GDAL reads the file itself
    copy = workdir / f"utf8-{path.name}"
    copy.write_text(text, encoding="utf-8")
    names = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252 (Latin-1)", "latin-1": "Latin-1"}
    return copy, _("read as %(encoding)s text") % {"encoding": names.get(used, used)}
