"""Every write of the cooperation register. API, pages, CLI and demo call these; each refusal names the
field and writes nothing."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from safeground.cooperation.models import PARTNER_KIND_CHOICES, Partner
from safeground.core import versions
from safeground.core.contracts import check_choice, check_text
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.organisations.models import Organisation

PARTNER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,29}$")
COUNTRY = re.compile(r"^[A-Z]{3}$")
_PARTNER_FIELDS = ("name", "kind", "country", "organisation", "website", "notes")


def _partner_fields(changes: dict) -> dict:
    unknown = sorted(set(changes) - set(_PARTNER_FIELDS))
    if unknown:
        raise ValidationFailed(_("unknown field %(field)s") % {"field": unknown[0]}, field=unknown[0], reason="unknown")
    out = dict(changes)
    if "name" in out:
        out["name"] = check_text("name", out["name"], 200, required=True)
    if "kind" in out:
        check_choice("kind", out["kind"], PARTNER_KIND_CHOICES)
    if "country" in out:
        out["country"] = (out["country"] or "").strip().upper()
        if out["country"] and not COUNTRY.match(out["country"]):
            raise ValidationFailed(
                _("country must be an ISO 3166 alpha-3 code; got %(value)s") % {"value": repr(out["country"])},
                field="country",
            )
    if "organisation" in out and not isinstance(out["organisation"], Organisation | None):
        acronym = str(out["organisation"] or "").strip()
        found = Organisation.objects.filter(acronym=acronym).first() if acronym else None
        if acronym and found is None:
            raise ValidationFailed(
                _("no organisation %(code)s") % {"code": repr(acronym)}, field="organisation", reason="unknown"
            )
        out["organisation"] = found
    for field in ("website", "notes"):
        if field in out:
            out[field] = check_text(field, out[field] or "", 2000 if field == "notes" else 200)
    return out


def create_partner(*, code: str, user=None, **fields) -> Partner:
    """A new partner; `code` is its short name in capitals (ANAMA, GICHD, ARMAC)."""
    code = (code or "").strip().upper()
    if not PARTNER_CODE.match(code):
        raise ValidationFailed(
            _("code must be 2 to 30 capital letters, digits or hyphens; got %(value)s") % {"value": repr(code)},
            field="code",
        )
    for required in ("name", "kind"):
        if not fields.get(required):
            raise ValidationFailed(_("%(field)s is required") % {"field": required}, field=required, reason="missing")
    values = _partner_fields(fields)
    with transaction.atomic():
        if Partner.objects.filter(code=code).exists():
            raise ValidationFailed(_("partner %(code)s exists") % {"code": code}, field="code", reason="duplicate")
        partner = Partner(code=code, **values)
        record_author(partner, user)
        partner.save()
    return partner


def edit_partner(partner: Partner, *, user=None, expected_version: int | None = None, **changes) -> Partner:
    """Change a partner's fields; refused when `expected_version` is not the stored one (412)."""
    values = _partner_fields(changes)
    with transaction.atomic():
        row = Partner.objects.select_for_update().get(pk=partner.pk)
        versions.advance(row, expected_version, row.code)
        for field, value in values.items():
            setattr(row, field, value)
        record_author(row, user)
        row.save()
    return row
