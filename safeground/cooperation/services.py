"""Every write of the cooperation register. API, pages, CLI and demo call these; each refusal names the
field and writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from safeground.cooperation.models import (
    ACTION_STATUS_CHOICES,
    AGREEMENT_KIND_CHOICES,
    AGREEMENT_STATUS_CHOICES,
    DIRECTION_CHOICES,
    LESSON_SOURCE_CHOICES,
    LESSON_TAGS,
    LOAN_KIND_CHOICES,
    LOAN_STATUS_CHOICES,
    PARTNER_KIND_CHOICES,
    SITE_KIND_CHOICES,
    TOPIC_CHOICES,
    Action,
    Agreement,
    AgreementDocument,
    JointTraining,
    Lesson,
    LessonEvidence,
    LessonTag,
    LessonTitle,
    Loan,
    Participant,
    Partner,
    Site,
    Visit,
)
from safeground.core import versions
from safeground.core.codes import next_code
from safeground.core.contracts import FIRST_DATE, LAST_DATE, check_choice, check_date, check_text
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.gazetteer.models import Place, Programme
from safeground.hazards.models import Hazard
from safeground.operations.models import Activity
from safeground.organisations.models import Accreditation, AnimalAccreditation, Asset, Organisation, Personnel
from safeground.training.models import CourseSession, TrainingCentre

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


def create_partner(*, code: str, user=None, is_synthetic: bool = False, **fields) -> Partner:
    """A new partner; `code` is its short name in capitals (e.g. GICHD, ARMAC)."""
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
        partner = Partner(code=code, is_synthetic=is_synthetic, **values)
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


# ------------------------------------------------------------------------------------------------
# Shared checks
# ------------------------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
#: What a lesson's evidence may point at: kind → (model, code field); the record must exist.
#: The same kinds as models.EVIDENCE_KIND_CHOICES (their labels).
EVIDENCE_KINDS: dict[str, tuple[str, str]] = {
    "hazard": ("hazards.Hazard", "code"),
    "activity": ("operations.Activity", "code"),
    "product": ("landrelease.Product", "code"),
    "qa_visit": ("qm.Visit", "code"),
    "non_conformity": ("qm.NonConformity", "code"),
    "accident": ("victims.Accident", "code"),
    "training_session": ("training.CourseSession", "code"),
    "accreditation": ("organisations.Accreditation", "code"),
    "visit": ("cooperation.Visit", "code"),
}


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _lookup(model, value, field: str, key: str = "code", required: bool = False):
    """The row of `model` whose `key` is `value` (an instance passes through); refused naming `field`."""
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
        return None
    if isinstance(value, model):
        return value
    row = model.objects.filter(**{key: str(value).strip()}).first()
    if row is None:
        raise ValidationFailed(
            _("%(field)s: no record %(code)s") % {"field": field, "code": repr(str(value)[:60])},
            field=field,
            reason="unknown",
        )
    return row


def _partner(value, field: str, required: bool = False) -> Partner | None:
    if isinstance(value, str):
        value = value.strip().upper()
    return _lookup(Partner, value, field, required=required)


def _date(value, field: str, required: bool = False, horizon: str = "any") -> dt.date | None:
    """A date from a date or an ISO string; `horizon`: "past" (happened), "planned" (a year ahead), "any"."""
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
        return None
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValidationFailed(
                _("%(field)s must be a date YYYY-MM-DD; got %(value)s") % {"field": field, "value": repr(value)},
                field=field,
                reason="format",
            ) from exc
    if horizon == "any":
        if not FIRST_DATE <= value <= LAST_DATE:
            raise ValidationFailed(
                _("%(field)s is out of range") % {"field": field}, field=field, reason="date out of range"
            )
        return value
    return check_date(value, field, planned=horizon == "planned")


def _country(value) -> str:
    iso3 = str(value or "").strip().upper()
    if not Programme.objects.filter(iso3=iso3).exists():
        raise ValidationFailed(
            _("country: no programme %(code)s") % {"code": repr(iso3)}, field="country", reason="unknown"
        )
    return iso3


def _period(start, end, start_field: str, end_field: str) -> None:
    if start and end and end < start:
        raise ValidationFailed(
            _("%(end)s lies before %(start)s") % {"end": end_field, "start": start_field},
            field=end_field,
            reason="order",
        )


def _unknown(changes: dict, allowed) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationFailed(_("unknown field %(field)s") % {"field": unknown[0]}, field=unknown[0], reason="unknown")


def _code(model, stem: str, kind: str) -> str:
    return next_code(model, stem, kind)


# ------------------------------------------------------------------------------------------------
# Agreements and their documents
# ------------------------------------------------------------------------------------------------

_AGREEMENT_FIELDS = (
    "title",
    "kind",
    "own_authority_party",
    "parties",
    "signed_on",
    "valid_from",
    "valid_until",
    "scope",
    "status",
)


def _agreement_values(changes: dict, current: Agreement | None = None) -> dict:
    _unknown(changes, _AGREEMENT_FIELDS)
    out = dict(changes)
    if "title" in out:
        out["title"] = check_text("title", out["title"], 200, required=True)
    if "kind" in out:
        check_choice("kind", out["kind"], AGREEMENT_KIND_CHOICES)
    if "status" in out:
        check_choice("status", out["status"], AGREEMENT_STATUS_CHOICES)
    if "own_authority_party" in out:
        out["own_authority_party"] = bool(out["own_authority_party"])
    if "scope" in out:
        out["scope"] = check_text("scope", out["scope"])
    if "signed_on" in out:
        out["signed_on"] = _date(out["signed_on"], "signed_on", horizon="past")
    for field in ("valid_from", "valid_until"):
        if field in out:
            out[field] = _date(out[field], field)
    start = out.get("valid_from", getattr(current, "valid_from", None))
    end = out.get("valid_until", getattr(current, "valid_until", None))
    _period(start, end, "valid_from", "valid_until")
    if "parties" in out:
        parties = [_partner(p, "parties", required=True) for p in out["parties"] or []]
        own = out.get("own_authority_party", getattr(current, "own_authority_party", True))
        if len(parties) + (1 if own else 0) < 2:
            raise ValidationFailed(
                _("parties: an agreement needs at least two parties"), field="parties", reason="too few"
            )
        out["parties"] = list(dict.fromkeys(parties))
    status = out.get("status", getattr(current, "status", "draft"))
    if status == "in_force" and not out.get("signed_on", getattr(current, "signed_on", None)):
        raise ValidationFailed(
            _("signed_on: an agreement in force has been signed"), field="signed_on", reason="required"
        )
    return out


def create_agreement(
    *, country: str, title: str, parties: list, user=None, is_synthetic: bool = False, **fields
) -> Agreement:
    """A new agreement or MoU of programme `country` with `parties` (partners' codes)."""
    country = _country(country)
    values = _agreement_values({"title": title, "parties": parties, **fields})
    parties = values.pop("parties")
    with transaction.atomic():
        agreement = Agreement(
            code=_code(Agreement, country, "AGR"), country=country, is_synthetic=is_synthetic, **values
        )
        record_author(agreement, user)
        agreement.save()
        agreement.parties.set(parties)
    return agreement


def edit_agreement(agreement: Agreement, *, user=None, expected_version: int | None = None, **changes) -> Agreement:
    """Change an agreement (its status when it ends or expires); 412 on a stale `expected_version`."""
    with transaction.atomic():
        versions.lock(agreement, expected_version, f"agreement {agreement.code}")
        values = _agreement_values(changes, agreement)
        parties = values.pop("parties", None)
        for field, value in values.items():
            setattr(agreement, field, value)
        record_author(agreement, user)
        agreement.save()
        if parties is not None:
            agreement.parties.set(parties)
    return agreement


def attach_document(agreement: Agreement, *, name: str, content: bytes, user=None) -> AgreementDocument:
    """Attach a file (PDF, text, office document, picture; at most 10 MiB) to an agreement."""
    name = safe_name(name or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in DOCUMENT_TYPES:
        raise ValidationFailed(
            _("file: only %(kinds)s files are kept; got %(name)s") % {"kinds": ", ".join(DOCUMENT_TYPES), "name": name},
            field="file",
            reason="type",
        )
    if not content:
        raise ValidationFailed(_("file: the file is empty"), field="file", reason="empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(_("file: larger than 10 MiB"), field="file", reason="too_large")
    with transaction.atomic():
        versions.lock(agreement, None, f"agreement {agreement.code}")
        record_author(agreement, user, reason=f"document {name}")
        agreement.save()
        return AgreementDocument.objects.create(
            agreement=agreement,
            name=name,
            media_type=DOCUMENT_TYPES[ext],
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=getattr(user, "username", "") or "",
        )


def safe_name(name: str) -> str:
    """The file's base name reduced to harmless characters (the extension kept)."""
    base = os.path.basename(name.replace("\\", "/"))
    stem, dot, ext = base.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem if dot else base)[:80].strip("._") or "document"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:10] if dot else ""
    return f"{stem}.{ext.lower()}" if ext else stem


# ------------------------------------------------------------------------------------------------
# Visits: participants and sites
# ------------------------------------------------------------------------------------------------

_VISIT_FIELDS = ("title", "direction", "host", "visitor", "agreement", "start_on", "end_on", "topics", "summary")


def _visit_values(changes: dict, current: Visit | None = None) -> dict:
    _unknown(changes, _VISIT_FIELDS)
    out = dict(changes)
    if "title" in out:
        out["title"] = check_text("title", out["title"], 200, required=True)
    if "direction" in out:
        check_choice("direction", out["direction"], DIRECTION_CHOICES)
    for field in ("host", "visitor"):
        if field in out:
            out[field] = _partner(out[field], field, required=True)
    host = out.get("host", getattr(current, "host", None))
    visitor = out.get("visitor", getattr(current, "visitor", None))
    if host is not None and host == visitor:
        raise ValidationFailed(_("visitor: the visitor is the host"), field="visitor", reason="same")
    if "agreement" in out:
        out["agreement"] = _lookup(Agreement, out["agreement"], "agreement")
    for field in ("start_on", "end_on"):
        if field in out:
            out[field] = _date(out[field], field, required=True, horizon="planned")
    _period(
        out.get("start_on", getattr(current, "start_on", None)),
        out.get("end_on", getattr(current, "end_on", None)),
        "start_on",
        "end_on",
    )
    if "topics" in out:
        topics = list(dict.fromkeys(out["topics"] or []))
        for topic in topics:
            check_choice("topics", topic, TOPIC_CHOICES)
        out["topics"] = topics
    if "summary" in out:
        out["summary"] = check_text("summary", out["summary"])
    return out


def _participant(visit: Visit, row: dict, index: int | None = None) -> Participant:
    field = "participants" if index is None else f"participants[{index}]"
    _unknown(row, ("name", "role", "partner", "person"))
    person = _lookup(Personnel, row.get("person"), f"{field}.person")
    name = check_text(f"{field}.name", row.get("name") or (person.full_name if person else ""), 150, required=True)
    return Participant(
        visit=visit,
        person=person,
        name=name,
        role=check_text(f"{field}.role", row.get("role"), 150),
        partner=_partner(row.get("partner"), f"{field}.partner"),
    )


def _site(visit: Visit, row: dict, index: int | None = None, order: int = 0) -> Site:
    field = "sites" if index is None else f"sites[{index}]"
    _unknown(row, ("kind", "name", "organisation", "training_centre", "hazard", "activity", "place", "lon", "lat"))
    check_choice(f"{field}.kind", row.get("kind"), SITE_KIND_CHOICES)
    links = {
        "organisation": _lookup(Organisation, row.get("organisation"), f"{field}.organisation", key="acronym"),
        "training_centre": _lookup(TrainingCentre, row.get("training_centre"), f"{field}.training_centre"),
        "hazard": _lookup(Hazard, row.get("hazard"), f"{field}.hazard"),
        "activity": _lookup(Activity, row.get("activity"), f"{field}.activity"),
        "place": _lookup(Place, row.get("place"), f"{field}.place"),
    }
    point = None
    lon, lat = row.get("lon"), row.get("lat")
    if lon is not None or lat is not None:
        try:
            lon_f, lat_f = float(lon), float(lat)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(
                _("%(field)s: lon and lat go together") % {"field": field}, field=f"{field}.lon"
            ) from exc
        if not (math.isfinite(lon_f) and math.isfinite(lat_f) and -180 <= lon_f <= 180 and -90 <= lat_f <= 90):
            raise ValidationFailed(_("%(field)s: lon/lat out of range") % {"field": field}, field=f"{field}.lon")
        point = Point(lon_f, lat_f, srid=4326)
    fallback = next((str(v) for v in links.values() if v is not None), "")
    if isinstance(links["organisation"], Organisation):
        fallback = links["organisation"].name
    if links["training_centre"] is not None:
        fallback = links["training_centre"].name
    name = check_text(f"{field}.name", row.get("name") or fallback, 200, required=True)
    return Site(visit=visit, kind=row["kind"], name=name, order=order, point=point, **links)


def create_visit(
    *,
    country: str,
    title: str,
    direction: str,
    host,
    visitor,
    start_on,
    end_on,
    participants: list[dict] | None = None,
    sites: list[dict] | None = None,
    user=None,
    is_synthetic: bool = False,
    **fields,
) -> Visit:
    """An exchange visit or delegation with its participants and the sites it went to."""
    country = _country(country)
    values = _visit_values(
        {
            "title": title,
            "direction": direction,
            "host": host,
            "visitor": visitor,
            "start_on": start_on,
            "end_on": end_on,
            **fields,
        }
    )
    with transaction.atomic():
        visit = Visit(code=_code(Visit, country, "CVIS"), country=country, is_synthetic=is_synthetic, **values)
        people = [_participant(visit, dict(p), i) for i, p in enumerate(participants or [])]
        places = [_site(visit, dict(s), i, order=i) for i, s in enumerate(sites or [])]
        record_author(visit, user)
        visit.save()
        Participant.objects.bulk_create(people)
        Site.objects.bulk_create(places)
    return visit


def edit_visit(visit: Visit, *, user=None, expected_version: int | None = None, **changes) -> Visit:
    with transaction.atomic():
        versions.lock(visit, expected_version, f"visit {visit.code}")
        for field, value in _visit_values(changes, visit).items():
            setattr(visit, field, value)
        record_author(visit, user)
        visit.save()
    return visit


def add_participant(visit: Visit, *, user=None, expected_version: int | None = None, **row) -> Participant:
    with transaction.atomic():
        versions.lock(visit, expected_version, f"visit {visit.code}")
        participant = _participant(visit, row)
        record_author(visit, user, reason=f"participant {participant.name}")
        visit.save()
        participant.save()
    return participant


def add_site(visit: Visit, *, user=None, expected_version: int | None = None, **row) -> Site:
    with transaction.atomic():
        versions.lock(visit, expected_version, f"visit {visit.code}")
        site = _site(visit, row, order=visit.sites.count())
        record_author(visit, user, reason=f"site {site.name}")
        visit.save()
        site.save()
    return site


# ------------------------------------------------------------------------------------------------
# Follow-up actions
# ------------------------------------------------------------------------------------------------

_ACTION_FIELDS = ("description", "owner_person", "owner_partner", "owner_text", "due_on", "status", "closed_on", "note")


def _action_values(changes: dict, current: Action | None = None) -> dict:
    _unknown(changes, _ACTION_FIELDS)
    out = dict(changes)
    if "description" in out:
        out["description"] = check_text("description", out["description"], 500, required=True)
    if "owner_person" in out:
        out["owner_person"] = _lookup(Personnel, out["owner_person"], "owner_person")
    if "owner_partner" in out:
        out["owner_partner"] = _partner(out["owner_partner"], "owner_partner")
    if "owner_text" in out:
        out["owner_text"] = check_text("owner_text", out["owner_text"], 150)
    if "due_on" in out:
        out["due_on"] = _date(out["due_on"], "due_on", required=True)
    if "note" in out:
        out["note"] = check_text("note", out["note"])
    if "status" in out:
        check_choice("status", out["status"], ACTION_STATUS_CHOICES)
        if out["status"] == "open":
            out["closed_on"] = None
        elif not out.get("closed_on") and not getattr(current, "closed_on", None):
            out["closed_on"] = dt.date.today()
    if out.get("closed_on"):
        out["closed_on"] = _date(out["closed_on"], "closed_on", horizon="past")
    owner = [out.get(f, getattr(current, f, None)) for f in ("owner_person", "owner_partner", "owner_text")]
    if not any(owner):
        raise ValidationFailed(_("owner: give a person, a partner or a name"), field="owner_text", reason="required")
    return out


def create_action(
    *, description: str, due_on, visit=None, agreement=None, user=None, is_synthetic: bool = False, **fields
) -> Action:
    """A follow-up action on a visit or an agreement; its owner is a person, a partner or a name."""
    visit = _lookup(Visit, visit, "visit")
    agreement = _lookup(Agreement, agreement, "agreement")
    if visit is None and agreement is None:
        raise ValidationFailed(_("visit: an action follows a visit or an agreement"), field="visit", reason="required")
    if "status" in fields and fields["status"] != "open" and not fields.get("closed_on"):
        fields["closed_on"] = None
    values = _action_values({"description": description, "due_on": due_on, **fields})
    parent = visit or agreement
    with transaction.atomic():
        action = Action(
            code=_code(Action, parent.country, "CACT"),
            visit=visit,
            agreement=agreement,
            is_synthetic=is_synthetic,
            **values,
        )
        record_author(action, user)
        action.save()
    return action


def edit_action(action: Action, *, user=None, expected_version: int | None = None, **changes) -> Action:
    """Change an action; `status="done"` closes it (today unless `closed_on` says when)."""
    with transaction.atomic():
        versions.lock(action, expected_version, f"action {action.code}")
        for field, value in _action_values(changes, action).items():
            setattr(action, field, value)
        record_author(action, user)
        action.save()
    return action


# ------------------------------------------------------------------------------------------------
# Joint training and loans
# ------------------------------------------------------------------------------------------------

_TRAINING_FIELDS = ("session", "partners", "visit", "agreement", "note")


def _training_values(changes: dict) -> dict:
    _unknown(changes, _TRAINING_FIELDS)
    out = dict(changes)
    if "session" in out:
        out["session"] = _lookup(CourseSession, out["session"], "session", required=True)
    if "partners" in out:
        out["partners"] = list(dict.fromkeys(_partner(p, "partners", required=True) for p in out["partners"] or []))
        if not out["partners"]:
            raise ValidationFailed(_("partners: name at least one partner"), field="partners", reason="required")
    if "visit" in out:
        out["visit"] = _lookup(Visit, out["visit"], "visit")
    if "agreement" in out:
        out["agreement"] = _lookup(Agreement, out["agreement"], "agreement")
    if "note" in out:
        out["note"] = check_text("note", out["note"])
    return out


def create_joint_training(
    *, country: str, session, partners: list, user=None, is_synthetic: bool = False, **fields
) -> JointTraining:
    """A training session (training app) run with or for partners."""
    country = _country(country)
    values = _training_values({"session": session, "partners": partners, **fields})
    partners = values.pop("partners")
    with transaction.atomic():
        row = JointTraining(
            code=_code(JointTraining, country, "CJT"), country=country, is_synthetic=is_synthetic, **values
        )
        record_author(row, user)
        row.save()
        row.partners.set(partners)
    return row


def edit_joint_training(
    row: JointTraining, *, user=None, expected_version: int | None = None, **changes
) -> JointTraining:
    with transaction.atomic():
        versions.lock(row, expected_version, f"joint training {row.code}")
        values = _training_values(changes)
        partners = values.pop("partners", None)
        for field, value in values.items():
            setattr(row, field, value)
        record_author(row, user)
        row.save()
        if partners is not None:
            row.partners.set(partners)
    return row


_LOAN_FIELDS = (
    "kind",
    "lender",
    "borrower",
    "person",
    "asset",
    "animal_accreditation",
    "accreditation",
    "visit",
    "agreement",
    "start_on",
    "end_on",
    "status",
    "note",
)


def _loan_values(changes: dict, current: Loan | None = None) -> dict:
    _unknown(changes, _LOAN_FIELDS)
    out = dict(changes)
    if "kind" in out:
        check_choice("kind", out["kind"], LOAN_KIND_CHOICES)
    if "status" in out:
        check_choice("status", out["status"], LOAN_STATUS_CHOICES)
    for field in ("lender", "borrower"):
        if field in out:
            out[field] = _partner(out[field], field, required=True)
    if "person" in out:
        out["person"] = _lookup(Personnel, out["person"], "person")
    if "asset" in out:
        out["asset"] = _lookup(Asset, out["asset"], "asset", key="identifier")
    if "animal_accreditation" in out:
        out["animal_accreditation"] = _lookup(AnimalAccreditation, out["animal_accreditation"], "animal_accreditation")
    if "accreditation" in out:
        out["accreditation"] = _lookup(Accreditation, out["accreditation"], "accreditation")
    if "visit" in out:
        out["visit"] = _lookup(Visit, out["visit"], "visit")
    if "agreement" in out:
        out["agreement"] = _lookup(Agreement, out["agreement"], "agreement")
    if "start_on" in out:
        out["start_on"] = _date(out["start_on"], "start_on", required=True, horizon="planned")
    if "end_on" in out:
        out["end_on"] = _date(out["end_on"], "end_on")
    if "note" in out:
        out["note"] = check_text("note", out["note"])

    def now(field):
        return out.get(field, getattr(current, field, None))

    _period(now("start_on"), now("end_on"), "start_on", "end_on")
    if now("lender") is not None and now("lender") == now("borrower"):
        raise ValidationFailed(_("borrower: the borrower is the lender"), field="borrower", reason="same")
    kind, asset, person = now("kind"), now("asset"), now("person")
    if kind in ("dog", "rat"):
        if asset is None:
            raise ValidationFailed(_("asset: a loan of an animal names the animal"), field="asset", reason="required")
        if asset.kind != kind:
            raise ValidationFailed(
                _("asset: %(asset)s is not a %(kind)s") % {"asset": asset.identifier, "kind": kind},
                field="asset",
                reason="kind",
            )
        animal = now("animal_accreditation")
        if animal is not None and animal.asset_id != asset.pk:
            raise ValidationFailed(
                _("animal_accreditation: %(code)s accredits another animal") % {"code": animal.code},
                field="animal_accreditation",
                reason="mismatch",
            )
    elif kind == "expert":
        if person is None:
            raise ValidationFailed(_("person: a loan of an expert names the person"), field="person", reason="required")
        if asset is not None:
            raise ValidationFailed(_("asset: an expert's loan names no animal"), field="asset", reason="kind")
    return out


def create_loan(
    *, country: str, kind: str, lender, borrower, start_on, user=None, is_synthetic: bool = False, **fields
) -> Loan:
    """A loan of an expert (a person), a dog or a rat (an asset) with the accreditation it works under."""
    country = _country(country)
    values = _loan_values({"kind": kind, "lender": lender, "borrower": borrower, "start_on": start_on, **fields})
    with transaction.atomic():
        loan = Loan(code=_code(Loan, country, "CLN"), country=country, is_synthetic=is_synthetic, **values)
        record_author(loan, user)
        loan.save()
    return loan


def edit_loan(loan: Loan, *, user=None, expected_version: int | None = None, **changes) -> Loan:
    with transaction.atomic():
        versions.lock(loan, expected_version, f"loan {loan.code}")
        for field, value in _loan_values(changes, loan).items():
            setattr(loan, field, value)
        record_author(loan, user)
        loan.save()
    return loan


# ------------------------------------------------------------------------------------------------
# Lessons learned
# ------------------------------------------------------------------------------------------------

_LESSON_FIELDS = (
    "title",
    "text",
    "language",
    "source_kind",
    "source_visit",
    "source_ref",
    "source_note",
    "recorded_on",
    "tags",
    "titles",
    "evidence",
)
_SOURCE_RECORDS = {"qa_finding": "non_conformity", "accident": "accident"}


def _language(value, field: str) -> str:
    code = str(value or "").strip()
    check_choice(field, code, [c for c, _name in settings.LANGUAGES])
    return code


def _lesson_values(changes: dict, current: Lesson | None = None) -> dict:
    _unknown(changes, _LESSON_FIELDS)
    out = dict(changes)
    if "title" in out:
        out["title"] = check_text("title", out["title"], 200, required=True)
    if "text" in out:
        out["text"] = check_text("text", out["text"], required=True)
    if "language" in out:
        out["language"] = _language(out["language"], "language")
    if "recorded_on" in out:
        out["recorded_on"] = _date(out["recorded_on"], "recorded_on", required=True, horizon="past")
    if "source_kind" in out:
        check_choice("source_kind", out["source_kind"], LESSON_SOURCE_CHOICES)
    if "source_visit" in out:
        out["source_visit"] = _lookup(Visit, out["source_visit"], "source_visit")
    if "source_ref" in out:
        out["source_ref"] = check_text("source_ref", out["source_ref"], 40)
    if "source_note" in out:
        out["source_note"] = check_text("source_note", out["source_note"], 300)
    kind = out.get("source_kind", getattr(current, "source_kind", None))
    if kind == "visit" and out.get("source_visit", getattr(current, "source_visit", None)) is None:
        raise ValidationFailed(
            _("source_visit: a lesson from a visit names the visit"), field="source_visit", reason="required"
        )
    if kind in _SOURCE_RECORDS:
        ref = out.get("source_ref", getattr(current, "source_ref", ""))
        label, key = EVIDENCE_KINDS[_SOURCE_RECORDS[kind]]
        _lookup(_model(label), ref, "source_ref", key=key, required=True)
    if kind != "visit" and "source_kind" in out:
        out.setdefault("source_visit", None)
    if "tags" in out:
        tags = list(dict.fromkeys(str(t).strip() for t in out["tags"] or []))
        for tag in tags:
            check_choice("tags", tag, LESSON_TAGS)
        out["tags"] = tags
    if "titles" in out:
        titles = {}
        for lang, title in (out["titles"] or {}).items():
            lang = _language(lang, "titles")
            titles[lang] = check_text(f"titles.{lang}", title, 200, required=True)
        out["titles"] = titles
    if "evidence" in out:
        links = []
        for i, link in enumerate(out["evidence"] or []):
            kind_e = str((link or {}).get("kind", "")).strip()
            code = str((link or {}).get("code", "")).strip()
            check_choice(f"evidence[{i}].kind", kind_e, list(EVIDENCE_KINDS))
            label, key = EVIDENCE_KINDS[kind_e]
            _lookup(_model(label), code, f"evidence[{i}].code", key=key, required=True)
            links.append((kind_e, code))
        out["evidence"] = list(dict.fromkeys(links))
    return out


def _lesson_parts(lesson: Lesson, tags, titles, evidence) -> None:
    if tags is not None:
        lesson.tags.all().delete()
        LessonTag.objects.bulk_create([LessonTag(lesson=lesson, tag=t) for t in tags])
    if titles is not None:
        lesson.titles.all().delete()
        LessonTitle.objects.bulk_create(
            [LessonTitle(lesson=lesson, language=k, title=v) for k, v in titles.items() if k != lesson.language]
        )
    if evidence is not None:
        lesson.evidence.all().delete()
        LessonEvidence.objects.bulk_create([LessonEvidence(lesson=lesson, kind=k, code=c) for k, c in evidence])


def create_lesson(
    *,
    country: str,
    title: str,
    text: str,
    language: str,
    source_kind: str,
    user=None,
    is_synthetic: bool = False,
    **fields,
) -> Lesson:
    """A lesson learned with its tags, title translations (`titles`: {language: title}) and evidence
    links (`evidence`: [{kind, code}], each record checked to exist)."""
    country = _country(country)
    fields.setdefault("recorded_on", dt.date.today())
    values = _lesson_values({"title": title, "text": text, "language": language, "source_kind": source_kind, **fields})
    tags, titles, evidence = values.pop("tags", []), values.pop("titles", {}), values.pop("evidence", [])
    with transaction.atomic():
        lesson = Lesson(code=_code(Lesson, country, "LES"), country=country, is_synthetic=is_synthetic, **values)
        record_author(lesson, user)
        lesson.save()
        _lesson_parts(lesson, tags, titles, evidence)
    return lesson


def edit_lesson(lesson: Lesson, *, user=None, expected_version: int | None = None, **changes) -> Lesson:
    """Change a lesson; `tags`, `titles` and `evidence`, when given, replace the lesson's own."""
    with transaction.atomic():
        versions.lock(lesson, expected_version, f"lesson {lesson.code}")
        values = _lesson_values(changes, lesson)
        parts = [values.pop(k, None) for k in ("tags", "titles", "evidence")]
        for field, value in values.items():
            setattr(lesson, field, value)
        record_author(lesson, user)
        lesson.save()
        _lesson_parts(lesson, *parts)
    return lesson


# ------------------------------------------------------------------------------------------------
# The demo's rebuild
# ------------------------------------------------------------------------------------------------


def delete_synthetic() -> dict[str, int]:
    """Remove the synthetic cooperation records and their history (the demo's rebuild)."""
    counts: dict[str, int] = {}
    AgreementDocument.objects.filter(agreement__is_synthetic=True).delete()
    for model in (Lesson, Loan, JointTraining, Action, Visit, Agreement):
        counts[str(model._meta.model_name)] = model.objects.filter(is_synthetic=True).delete()[0]
        h = model.history.filter(is_synthetic=True)
        h._raw_delete(h.db)
    # A partner that other records still name (an exchange key, an imported package) stays: the demo
    # build finds it and uses it again.
    counts["partner"] = 0
    for partner in Partner.objects.filter(is_synthetic=True):
        try:
            with transaction.atomic():
                partner.delete()
            Partner.history.filter(id=partner.pk)._raw_delete(Partner.history.db)
            counts["partner"] += 1
        except ProtectedError:
            continue
    return counts
