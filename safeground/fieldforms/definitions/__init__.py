"""One module per field workflow. Each gives FORM_ID, TITLE (a msgid), MEDIA (the gazetteer files it
reads), `survey()` (its questions) and `choice_lists()`; `available()` when it depends on an optional
app. Question names are stable: they are the payload fields the OpenRosa mapping reads (each
module's docstring and each question's `payload` say which).
"""

from __future__ import annotations

from types import ModuleType

from safeground.fieldforms.definitions import accident, completion, eod, eore, nts, progress, qa_visit, ts
from safeground.fieldforms.xlsform import Sheets

MODULES: tuple[ModuleType, ...] = (nts, ts, completion, eod, eore, accident, progress, qa_visit)


def available() -> list[ModuleType]:
    """The definitions this installation builds (the QA visit only where qm is installed)."""
    return [m for m in MODULES if getattr(m, "available", lambda: True)()]


def by_id(form_id: str) -> ModuleType | None:
    return next((m for m in available() if m.FORM_ID == form_id), None)


def sheets(module: ModuleType, media: dict[str, bytes]) -> Sheets:
    """A definition's XLSForm, with the media files it names taken from `media`."""
    return Sheets(
        form_id=module.FORM_ID,
        title=module.TITLE,
        survey=module.survey(),
        choices=module.choice_lists(),
        media={name: media[name] for name in module.MEDIA},
    )


def payload_map(module: ModuleType) -> dict[str, str]:
    """{question name: payload field} of a definition (repeats' fields as `devices[].point`)."""
    return {q.name: q.payload for q in module.survey() if q.name and q.payload}
