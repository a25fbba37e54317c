"""Read side of the workbench: who sees which submissions, and a submission against the current record."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext

from safeground.core import record_pages
from safeground.core.geojson import geometry_from_geojson
from safeground.core.geometry import area_m2
from safeground.hazards.models import Hazard
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.workbench.models import Submission

#: Payload fields never shown in the field-by-field comparison (drawn on the map instead).
GEOMETRY_FIELDS = ("geometry", "benchmark", "traverse", "devices")


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


def _current_values(submission: Submission) -> dict:
    if submission.action != "update":
        return {}
    hazard = Hazard.objects.filter(code=submission.target_code).select_related("reporting_organisation").first()
    if hazard is None:
        return {}
    values = {}
    for name in submission.payload:
        if name in GEOMETRY_FIELDS:
            continue
        value = getattr(hazard, name, None)
        values[name] = getattr(value, "acronym", value)
    return values


def _model(kind: str):
    from safeground.landrelease.models import Product
    from safeground.operations.models import Activity, ProgressReport

    return {"hazard": Hazard, "activity": Activity, "product": Product, "progress": ProgressReport}[kind]


def _label(kind: str, name: str) -> str:
    """The submit form's (translated) label for a payload field, else the model field's name."""
    from safeground.workbench.forms import FORMS

    field = FORMS[kind].base_fields.get(name)
    if field is not None and field.label:
        return str(field.label)
    try:
        return capfirst(gettext(_model(kind)._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def _shown(kind: str, name: str, value):
    """A choice's translated label instead of its key (hazard_class "CHA" → "Confirmed hazardous area")."""
    try:
        choices = dict(_model(kind)._meta.get_field(name).choices or [])
    except FieldDoesNotExist:
        choices = {}
    if isinstance(value, list):
        return ", ".join(str(_shown(kind, name, v)) for v in value)
    return gettext(choices[value]) if value in choices else value


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
    if submission.payload.get("geometry"):
        proposed_area = area_m2(geometry_from_geojson(submission.payload["geometry"], "geometry"))
        before = None
        if submission.action == "update":
            before = Hazard.objects.filter(code=submission.target_code).values_list("area_m2", flat=True).first()
        rows.append(
            {
                "field": "area_m2",
                "label": gettext("Area (m²)"),
                "current": round(before) if before is not None else None,
                "proposed": round(proposed_area),
                "changed": before is None or abs(before - proposed_area) >= 1,
            }
        )
    return rows


def map_features(submission: Submission) -> dict:
    """GeoJSON for the review map: the proposed polygon, the current one (updates), the devices."""
    payload = submission.payload
    features = []
    if payload.get("geometry"):
        features.append({"type": "Feature", "geometry": payload["geometry"], "properties": {"role": "proposed"}})
    if submission.action == "update":
        hazard = Hazard.objects.filter(code=submission.target_code).only("geom", "point").first()
        if hazard is not None:
            features.append(record_pages.feature(hazard.shape, role="current"))
    for device in payload.get("devices") or []:
        features.append({"type": "Feature", "geometry": device.get("point"), "properties": {"role": "device"}})
    return record_pages.collection(features)


def counts(user) -> dict[str, int]:
    """Submissions the user may see, by status."""
    return dict(visible(user).order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
