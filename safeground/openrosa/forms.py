"""The forms ODK Collect may download, as the OpenRosa views need them: id, title, version, XForm,
media files. A thin adapter over the fieldforms app (generated XLSForms and their versions), so the
protocol code does not depend on how versions are stored."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from safeground.fieldforms import queries
from safeground.fieldforms.models import FormVersion


def md5(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


@dataclass
class OdkForm:
    form_id: str
    name: str
    version: str
    xml: bytes
    current: bool = True
    media_names: list[str] = field(default_factory=list)
    load_media: Callable[[str], bytes | None] = lambda name: None

    @property
    def hash(self) -> str:
        return md5(self.xml)

    def media(self, filename: str) -> bytes | None:
        return self.load_media(filename) if filename in self.media_names else None


def published() -> list[OdkForm]:
    """The current version of every field form, in the order the forms are listed."""
    rows = queries.current_forms()
    names = queries.media_by_version([r.id for r in rows])
    return [_wrap(r, [n for n, _size in names.get(r.id, [])]) for r in rows]


def find(form_id: str, version: str) -> tuple[OdkForm | None, OdkForm | None]:
    """(the version asked for, the form's current version); None where there is none."""
    asked, current = queries.version(form_id, version), queries.current(form_id)
    return (_wrap(asked) if asked else None), (_wrap(current) if current else None)


def _wrap(row: FormVersion, media_names: list[str] | None = None) -> OdkForm:
    def load(filename: str) -> bytes | None:
        media = queries.media_file(row, filename)
        return bytes(media.content) if media is not None else None

    return OdkForm(
        form_id=row.form_id,
        name=row.title,
        version=row.version,
        xml=row.xform.encode("utf-8"),
        current=row.state == "current",
        media_names=queries.media_names(row) if media_names is None else media_names,
        load_media=load,
    )
