"""Read side of the workbench: who sees which submissions, and a submission against the current record."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext

from safeground.core import record_pages
from safeground.core.geojson import geometry_from_geojson
from safeground.core.geometry import area_m2
from safeground.hazards.models import Hazard
from safeground.landrelease.rules import format_area
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.workbench import kinds
from safeground.workbench.models import Submission

#: Payload fields never shown in the field-by-field comparison (drawn on the map instead).
GEOMETRY_FIELDS = ("geometry", "benchmark", "traverse", "devices", "point", "evidence")  # shown on their own


def visible(user) -> QuerySet[Submission]:
    """National roles see every submission; an operator only their organisations' ones."""
    rows = Submission.objects.select_related("organisation", "submitted_by", "reviewed_by")
    if is_scoped(user):
        return rows.filter(organisation_id__in=organisation_ids(user))
    return rows


def can_review(user, submission: Submission) -> bool:
    return (
        user.has_perm("workbench.review_submission")
        and submission.status == "pending"
        and submission.submitted_by_id != user.pk
    )


def _target(submission: Submission):
    """The record a change targets (a hazard or a product), as it is now; None for a new record."""
    if submission.action != "update":
        return None
    if submission.kind == "product":
        from safeground.landrelease.models import Product

        return Product.objects.filter(code=submission.target_code).first()
    return Hazard.objects.filter(code=submission.target_code).select_related("reporting_organisation").first()


def _current_values(submission: Submission) -> dict:
    record = _target(submission)
    if record is None:
        return {}
    values = {}
    for name in submission.payload:
        if name in GEOMETRY_FIELDS:
            continue
        value = getattr(record, name, None)
        if isinstance(value, dt.date):
            value = value.isoformat()  # as the payload writes it (and pages write dates)
        values[name] = getattr(value, "acronym", value)
    return values


def origin(submission: Submission) -> dict | None:
    """Where a submission made elsewhere came from (a field office's package), and for a change whether
    the record moved on the server since the version the office started from (a conflict to look at)."""
    found = submission.origin or {}
    if not found:
        return None
    out = {**found, "current_version": None, "conflict": False}
    base = found.get("base_version")
    if submission.action == "update" and base is not None:
        record = _target(submission)
        out["current_version"] = record.version if record is not None else None
        out["conflict"] = record is None or record.version != base
    return out


def _model(kind: str):
    """The record's model of a registered kind (field and choice labels); a bare Model for one without."""
    from django.db.models import Model

    found = kinds.get(kind)
    return found.model if found is not None and found.model is not None else Model


def _label(kind: str, name: str) -> str:
    """The submit form's (translated) label for a payload field, else the model field's name."""
    from safeground.workbench.forms import FORMS

    form = FORMS.get(kind)
    field = form.base_fields.get(name) if form is not None else None
    if field is not None and field.label:
        return str(field.label)
    try:
        # An auto-named field ("reporting organisation") is in the catalogue with its capital ("Reporting …").
        verbose = str(_model(kind)._meta.get_field(name).verbose_name)
        return capfirst(gettext(verbose)) if gettext(verbose) != verbose else gettext(capfirst(verbose))
    except (FieldDoesNotExist, AttributeError):
        return capfirst(name.replace("_", " "))


def _shown(kind: str, name: str, value):
    """A choice's translated label instead of its key (hazard_class "CHA" → "Confirmed hazardous area");
    a nested object (casualty counts, a checklist answer) as "key: value" pairs, a list of them by "; "."""
    if isinstance(value, dict):
        return ", ".join(
            f"{k.replace('_', ' ')}: {_shown(kind, k, v)}" for k, v in value.items() if v not in (None, "")
        )
    if isinstance(value, list):
        joiner = "; " if any(isinstance(v, dict) for v in value) else ", "
        return joiner.join(str(_shown(kind, name, v)) for v in value)
    try:
        choices = dict(_model(kind)._meta.get_field(name).choices or [])
    except (FieldDoesNotExist, AttributeError):
        choices = {}
    return gettext(choices[value]) if isinstance(value, str) and value in choices else value


def comparison(submission: Submission) -> list[dict]:
    """Field by field: the current value (updates), the proposed one, and whether it changes."""
    current = _current_values(submission)
    rows = []
    for name, proposed in submission.payload.items():
        if name in GEOMETRY_FIELDS or proposed in (None, "", []):
            continue
        before = current.get(name) if submission.action == "update" else None
        rows.append(
            {
                "field": name,
                "label": _label(submission.kind, name),
                "current": _shown(submission.kind, name, before),
                "proposed": _shown(submission.kind, name, proposed),
                "changed": submission.action == "create" or str(before) != str(proposed),
            }
        )
    point = submission.payload.get("point")
    if isinstance(point, dict) and point.get("type") == "Point" and len(point.get("coordinates") or []) >= 2:
        lon, lat = point["coordinates"][:2]
        rows.append(
            {"field": "point", "label": gettext("Point"), "current": None, "proposed": f"{lat}, {lon}", "changed": True}
        )
    if submission.payload.get("geometry"):
        proposed_area = area_m2(geometry_from_geojson(submission.payload["geometry"], "geometry"))
        before = None
        if submission.action == "update":
            before = getattr(_target(submission), "area_m2", None)
        rows.append(
            {
                "field": "area_m2",
                "label": gettext("Area"),
                "current": format_area(before) if before is not None else None,
                "proposed": format_area(proposed_area),
                "changed": before is None or abs(before - proposed_area) >= 1,
            }
        )
    return rows


def _where(submission: Submission) -> dict | None:
    """Where the proposed record lies (GeoJSON), as its kind says: a polygon, a point, a visited product."""
    found = kinds.get(submission.kind)
    return found.where(submission.payload) if found is not None else submission.payload.get("geometry")


def map_features(submission: Submission) -> dict:
    """GeoJSON for the review map: the proposed polygon or point, the current one (updates), the devices."""
    payload = submission.payload
    features = []
    proposed = _where(submission)
    if proposed:
        features.append({"type": "Feature", "geometry": proposed, "properties": {"role": "proposed"}})
    record = _target(submission)
    if record is not None:
        shape = record.shape if isinstance(record, Hazard) else record.geom
        features.append(record_pages.feature(shape, role="current"))
    for device in payload.get("devices") or []:
        if isinstance(device, dict) and device.get("point"):  # an EOD device without one lies at the task's point
            features.append({"type": "Feature", "geometry": device["point"], "properties": {"role": "device"}})
    for item in payload.get("evidence") or []:
        if isinstance(item, dict) and isinstance(item.get("point"), dict):
            features.append({"type": "Feature", "geometry": item["point"], "properties": {"role": "evidence"}})
    return record_pages.collection(features)


def devices(submission: Submission) -> list[dict]:
    """The payload's devices as a reviewer reads them: category and disposal by their labels, the point
    (lat, lon; an EOD spot task's device without one lies at the task's point)."""
    from safeground.landrelease.models import Device
    from safeground.ordnance.models import CATEGORY_CHOICES

    categories, disposals = dict(CATEGORY_CHOICES), dict(Device.DISPOSAL_CHOICES)
    rows = []
    for d in submission.payload.get("devices") or []:
        if not isinstance(d, dict):
            continue
        coords = (d.get("point") or {}).get("coordinates") if isinstance(d.get("point"), dict) else None
        rows.append(
            {
                "category": gettext(categories[d["category"]])
                if d.get("category") in categories
                else d.get("category"),
                "disposal": gettext(disposals[d["disposal"]]) if d.get("disposal") in disposals else d.get("disposal"),
                "model": d.get("model"),
                "count": d.get("count") or 1,
                "where": f"{coords[1]:.6f}, {coords[0]:.6f}" if coords and len(coords) >= 2 else "",
            }
        )
    return rows


def evidence(submission: Submission) -> list[dict]:
    """A proposed hazard's evidence as a reviewer reads it: kind and type by their labels, date, the
    point (lat, lon), the description."""
    from safeground.hazards.models import Evidence

    kinds_, types = dict(Evidence.KIND_CHOICES), dict(Evidence.TYPE_CHOICES)
    rows = []
    for item in submission.payload.get("evidence") or []:
        if not isinstance(item, dict):
            continue
        point = item.get("point")
        coords = point.get("coordinates") if isinstance(point, dict) else None
        rows.append(
            {
                "kind": gettext(kinds_[item["kind"]]) if item.get("kind") in kinds_ else item.get("kind"),
                "type": gettext(types[item["evidence_type"]])
                if item.get("evidence_type") in types
                else item.get("evidence_type"),
                "observed_on": item.get("observed_on") or "",
                "description": item.get("description") or "",
                "where": f"{coords[1]:.6f}, {coords[0]:.6f}" if coords and len(coords) >= 2 else "",
            }
        )
    return rows


def findings_now(submission: Submission) -> list[dict]:
    """A pending submission's findings as the checks answer today (what approval will face); the
    findings recorded at the decision for one already decided."""
    from safeground.workbench import checks

    if submission.status != "pending":
        return submission.findings
    return checks.findings(submission.kind, submission.payload, submission.target_code)


def location(submission: Submission) -> list[tuple[str, str]]:
    """Where the proposed geometry lies, as a reviewer reads it: country, province, district (with the
    programme's own names for the levels), and its area in m², ha or km²."""
    from safeground.gazetteer.models import AdminArea
    from safeground.gazetteer.queries import admin_level_labels, country_at, country_name, locate

    value = _where(submission)
    if not value and submission.action == "update":
        record = _target(submission)
        shape = (record.shape if isinstance(record, Hazard) else record.geom) if record is not None else None
        value = None if shape is None else json.loads(shape.geojson)
    if not value:
        return []
    geom = geometry_from_geojson(value, "geometry")
    country = country_at(geom)
    rows = [
        (gettext("Country"), f"{country_name(country)} ({country})" if country else gettext("outside every country"))
    ]
    if country:
        where = locate([geom], country)[0]
        names = dict(AdminArea.objects.filter(pk__in=[where.province_id, where.district_id]).values_list("pk", "name"))
        levels = admin_level_labels(country)
        for level, pk in ((1, where.province_id), (2, where.district_id)):
            if level in levels:  # only the levels the programme names (some have one level only)
                rows.append((str(levels[level]), names.get(pk, "—") if pk is not None else "—"))
    if geom.geom_type != "Point":
        rows.append((gettext("Area"), format_area(area_m2(geom))))
    return rows


def counts(user) -> dict[str, int]:
    """Submissions the user may see, by status."""
    return dict(visible(user).order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def proposed_geometry(submission: Submission):
    """The geometry the submission proposes (GEOS, EPSG:4326), else its target's current one, else None:
    what its photos' EXIF positions are measured against (attachments registry)."""
    from safeground.core.errors import ValidationFailed
    from safeground.core.geojson import to_geos
    from safeground.core.geometry import GeometryError
    from safeground.workbench import kinds

    payload = submission.payload if isinstance(submission.payload, dict) else {}
    found = kinds.get(submission.kind)
    value = (found.where(payload) if found is not None else None) or payload.get("geometry")
    if value:
        try:
            return to_geos(geometry_from_geojson(value, "geometry"))
        except (GeometryError, ValidationFailed, ValueError, TypeError):
            return None
    record = _target(submission)
    if record is None:
        return None
    return record.shape if isinstance(record, Hazard) else record.geom
