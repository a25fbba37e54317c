"""An XLSForm held as rows of Python data, written in every language of the site, and converted by pyxform.

A definition gives its questions as `Q` rows and its choice lists as `Choice` rows. Labels, hints and
constraint messages are gettext msgids (marked with gettext_noop, so `make messages` collects them);
`render` turns each into one column per language (`label::English (en)`, `label::Khmer (km)`, …) by
looking the msgid up in that language's catalogue. Names of people, teams, places and ordnance models
are data, not words: such a choice is marked `translate=False` and keeps its text in every language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation
from django.utils.translation import gettext

#: Columns whose value is a msgid, one column per language in the sheet.
TRANSLATED = ("label", "hint", "constraint_message")
#: Plain survey columns, in the order the sheet shows them.
PLAIN = (
    "required",
    "relevant",
    "constraint",
    "choice_filter",
    "appearance",
    "parameters",
    "default",
    "calculation",
    "read_only",
)


@dataclass
class Q:
    """One survey row. `payload` names the workbench/API payload field it fills (documentation for the
    OpenRosa mapping; not written to the sheet)."""

    type: str
    name: str = ""
    label: str = ""
    hint: str = ""
    payload: str = ""
    required: bool | str = False  # or an XPath expression
    relevant: str = ""
    constraint: str = ""
    constraint_message: str = ""
    choice_filter: str = ""
    appearance: str = ""
    parameters: str = ""
    default: str = ""
    calculation: str = ""
    read_only: bool = False

    def plain(self, column: str) -> str:
        value = getattr(self, column)
        if isinstance(value, bool):
            return "yes" if value else ""
        return value


@dataclass
class Choice:
    """One choice of a list. `extra` holds filter columns (e.g. {"organisation": "TDO"})."""

    list_name: str
    name: str
    label: str
    translate: bool = True
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Sheets:
    """A whole XLSForm before it is written: survey, choices, settings and its media files."""

    form_id: str
    title: str
    survey: list[Q]
    choices: list[Choice]
    media: dict[str, bytes] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """SHA-256 over what the form says in every language and its media, not over the .xlsx bytes
        (whose zip and timestamps vary) nor the version (which this hash decides)."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self.tables(version=""), ensure_ascii=False, sort_keys=True).encode())
        for name in sorted(self.media):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.media[name]).digest())
        return digest.hexdigest()

    def tables(self, version: str) -> dict[str, list[list[str]]]:
        """The three sheets as rows of text, header first."""
        langs = languages()
        survey_head = ["type", "name"] + [f"{c}::{n}" for c in TRANSLATED for _code, n in langs] + list(PLAIN)
        survey = [survey_head]
        for q in self.survey:
            texts = [localise(getattr(q, c, ""), code) for c in TRANSLATED for code, _n in langs]
            survey.append([q.type, q.name, *texts, *(q.plain(c) for c in PLAIN)])
        extras = sorted({k for c in self.choices for k in c.extra})
        choices = [["list_name", "name", *(f"label::{n}" for _c, n in langs), *extras]]
        for c in self.choices:
            labels = [localise(c.label, code) if c.translate else c.label for code, _n in langs]
            choices.append([c.list_name, c.name, *labels, *(c.extra.get(k, "") for k in extras)])
        default = dict(langs)[settings.LANGUAGE_CODE]
        settings_rows = [
            ["form_id", "form_title", "version", "default_language", "instance_name"],
            [self.form_id, localise(self.title, settings.LANGUAGE_CODE), version, default, ""],
        ]
        return {"survey": survey, "choices": choices, "settings": settings_rows}


def languages() -> list[tuple[str, str]]:
    """(code, XLSForm language name) for every language the site serves: "English (en)", "Khmer (km)"."""
    return [(code, f"{LANG_INFO.get(code, {}).get('name', code)} ({code})") for code, _local in settings.LANGUAGES]


def localise(msgid: str, language: str) -> str:
    """The msgid in `language` (the msgid itself when the catalogue has no translation)."""
    if not msgid:
        return ""
    with translation.override(language):
        return gettext(msgid)


def to_xlsx(tables: dict[str, list[list[str]]]) -> bytes:
    """The sheets as .xlsx bytes, with fixed document dates so the same form gives the same bytes."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in tables.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    stamp = dt.datetime(2000, 1, 1)
    book.properties.created = book.properties.modified = stamp
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_xform(xlsx: bytes) -> str:
    """The XForm XML of an XLSForm (pyxform, no Java validation). The instance root is `data`."""
    from pyxform.xls2xform import convert

    return convert(xlsx, warnings=[], form_name="data", file_type=".xlsx").xform
