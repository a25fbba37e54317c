"""Every write of field forms: `build()` regenerates all forms from the model and keeps a new version
only of those whose content changed (decision 0038)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from pyxform.errors import PyXFormError

from safeground.core.errors import ValidationFailed
from safeground.fieldforms import definitions, media, xlsform
from safeground.fieldforms.models import FormMedia, FormVersion


@dataclass(frozen=True)
class Built:
    form_id: str
    version: str
    title: str
    new: bool


def next_version(previous: str | None, today: dt.date | None = None) -> str:
    """YYYYMMDDNN: today's first number, or one more than the previous version if that is not lower
    (a second version the same day; a clock set back), so versions only ever increase."""
    first = int(f"{(today or timezone.now().date()):%Y%m%d}01")
    return str(max(first, int(previous) + 1) if previous and previous.isdigit() else first)


def build() -> list[Built]:
    """Regenerate every form: an unchanged form keeps its version, a changed one gets a new version and
    its previous one is retired. All or nothing (one transaction): a form pyxform refuses raises
    ValidationFailed naming it, and no form is changed."""
    files = media.gazetteer_files()
    out = []
    with transaction.atomic():
        for module in definitions.available():
            out.append(_build_one(definitions.sheets(module, files)))
    return out


def _build_one(sheets: xlsform.Sheets) -> Built:
    fingerprint = sheets.fingerprint()
    current = FormVersion.objects.select_for_update().filter(form_id=sheets.form_id, state="current").first()
    if current is not None and current.content_hash == fingerprint:
        return Built(sheets.form_id, current.version, current.title, new=False)
    last = FormVersion.objects.filter(form_id=sheets.form_id).order_by("-version").values_list("version", flat=True)
    version = next_version(last.first())
    tables = sheets.tables(version)
    xlsx = xlsform.to_xlsx(tables)
    try:
        xform = xlsform.to_xform(xlsx)
    except PyXFormError as exc:
        raise ValidationFailed(
            f"form {sheets.form_id}: pyxform refused its XLSForm: {exc}", field=sheets.form_id, reason="xlsform"
        ) from exc
    if current is not None:
        current.state, current.retired_at = "retired", timezone.now()
        current.save(update_fields=["state", "retired_at"])
    title = tables["settings"][1][1]
    row = FormVersion.objects.create(
        form_id=sheets.form_id, version=version, title=title, content_hash=fingerprint, xlsform=xlsx, xform=xform
    )
    FormMedia.objects.bulk_create(
        FormMedia(form_version=row, filename=name, content=data, sha256=hashlib.sha256(data).hexdigest())
        for name, data in sorted(sheets.media.items())
    )
    return Built(sheets.form_id, version, title, new=True)
