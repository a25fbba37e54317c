"""Accidents, victims and victim assistance API (/api/v1/victims).

Statistics are public and suppressed (counts under 5 shown as "<5"). Everything else needs a token
or a session: accidents for every role, pseudonymised victims for `victims.view_victim`, personal
data for the victim assistance role only, with a stated purpose, audited.
"""

from __future__ import annotations

import csv
import io
import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core import crypto, versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Note, Offset, Ref, Year
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, detail, feature, input_geometry, page
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.organisations.models import Organisation
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.victims import access, disclosure, queries, services
from safeground.victims.access import Actor
from safeground.victims.models import AccessLog, Accident, Referral, Victim
from safeground.victims.schemas import (
    AccessLogOut,
    AccidentIn,
    AssessmentIn,
    EvidenceDecisionIn,
    ExportIn,
    FollowUpIn,
    PersonalDataOut,
    ProposalOut,
    PurposeIn,
    RecordedOut,
    ReferralIn,
    ReferralPatch,
    StatisticsOut,
    VictimIn,
    VictimOut,
    VictimPage,
    VictimPatch,
)

router = Router(tags=["accidents, victims and assistance"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut}
VERSIONED = {412: ErrorOut, 428: ErrorOut}  # If-Match stale or missing (core/versions.py)
NOTE = (
    'Counts from 1 to 4 are shown as "<5"; "x" is a count withheld so that a small one cannot be worked '
    "out from a total."
)


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise HttpError(403, f"{request.user.get_username()} may not do this ({perm} is not in their role)")


def _audit_refusal(request, user) -> None:
    """A refused attempt on personal data is logged like a view: who, when, which record."""
    code = (getattr(request, "resolver_match", None) and request.resolver_match.kwargs.get("code")) or None
    victims = list(Victim.objects.filter(code=code)) if code else []
    access.log(Actor(user=user, channel="api"), "denied", victims or [None], fields=[request.method.lower()])


def personal(perm: str) -> list:
    """Auth for an operation on victims' personal data: the role must hold `perm`; refusals are audited."""
    return needs(perm, by_role=True, on_refusal=_audit_refusal)


def _actor(request, purpose: str = "") -> Actor:
    return Actor(user=request.user, channel="api", purpose=purpose)


def _guarded(call):
    """Run a personal-data service: refusals become 403, key problems 503 (nothing was written)."""
    try:
        return call()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except crypto.FieldKeyError as exc:
        raise HttpError(503, f"personal data unavailable: {exc}") from exc


# --- statistics (public, suppressed) ------------------------------------------------------------


class StatisticsFilters(Schema):
    by: Choice = "year"
    country: Country | None = None
    year: Year | None = None
    admin_area: Ref | None = None
    format: Choice = "json"


def statistics_body(table: disclosure.Table) -> dict:
    return {
        "dimensions": table.dims,
        "threshold": disclosure.THRESHOLD,
        "rows": table.rows(),
        "margins": {table.dims[axis]: table.margin_rows(axis) for axis in table.margins_shown},
        "total": table.total_shown,
        "note": NOTE,
    }


def table_csv(table: disclosure.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*table.dims, "casualties"])
    for row in table.rows():
        writer.writerow([row[d] for d in table.dims] + [row["count"]])
    writer.writerow(["Total"] + [""] * (len(table.dims) - 1) + [table.total_shown])
    return out.getvalue()


@router.get("/statistics", response={200: StatisticsOut, 422: ErrorOut}, summary="Casualty statistics (suppressed)")
def statistics(request, filters: Query[StatisticsFilters]):
    """Casualties counted by one or two of: year, country, province, sex, age_group, victim_type,
    outcome, device_category, accident_type, amputation (`by=year,outcome`). `format=csv` for a file."""
    if filters.format not in ("json", "csv"):
        raise ValidationFailed(f"format must be json or csv; got {filters.format!r}", field="format")
    dims = queries.parse_dimensions(filters.by)
    table = queries.casualty_table(dims, country=filters.country, year=filters.year, admin_area=filters.admin_area)
    if filters.format == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="casualties-by-{"-".join(dims)}.csv"'
        return response
    return statistics_body(table)


@router.get("/statistics/assistance", response={200: dict[str, StatisticsOut]}, summary="Assistance statistics")
def assistance_statistics(request, country: str | None = None):
    """Survivors by need assessed, and referrals by need and status; counts under 5 suppressed."""
    return {name: statistics_body(table) for name, table in queries.assistance_table(country=country).items()}


# --- accidents ----------------------------------------------------------------------------------


class AccidentFilters(Schema):
    bbox: Note | None = None
    country: Country | None = None
    year: Year | None = None
    admin_area: Ref | None = None
    accident_type: Note | None = None
    device_category: Note | None = None
    hazard: Ref | None = None
    evidence_status: Note | None = None
    organisation: Ref | None = None
    limit: Limit = 1000
    offset: Offset = 0


@router.get(
    "/accidents",
    response={200: FeatureCollectionOut, **ERRORS},
    auth=needs("victims.view_accident"),
    summary="List accidents",
)
def list_accidents(request, filters: Query[AccidentFilters]):
    """GeoJSON of accidents with their casualty count, never who they were."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.accidents(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="point",
        properties=queries.accident_properties,
    )


@router.get("/accidents/proposals", response={200: list[ProposalOut], **ERRORS}, auth=needs("victims.view_accident"))
def evidence_proposals(request, country: str | None = None):
    """Accidents with no hazard (or on released land): proposed to the hazard registry as new evidence."""
    out = []
    for a in queries.accidents(country=country, evidence_status="proposed"):
        out.append(
            {
                "code": a.code,
                "occurred_on": a.occurred_on,
                "country": a.country,
                "province_code": a.province.code if a.province else None,
                "device_category": a.device_category,
                "residual_contamination": a.product_id is not None,
                "product": a.product.code if a.product else None,
                "point": [a.point.x, a.point.y],
                "nearest_hazards": queries.nearest_hazards(a),
            }
        )
    return out


def _accident(code: str) -> Accident:
    return get_object_or_404(queries.accidents(), code=code)


@router.post(
    "/accidents", response={201: FeatureOut, **ERRORS}, auth=needs("victims.add_accident"), summary="Record an accident"
)
def create_accident(request, payload: AccidentIn):
    data = payload.dict()
    if is_scoped(request.user):
        mine = organisation_ids(request.user)
        org = data.get("organisation")
        if not org or not Organisation.objects.filter(acronym=org, pk__in=mine).exists():
            raise HttpError(403, "an operator records accidents for its own organisation: give its acronym")
    data["point"] = input_geometry(data["point"], "point")
    accident = services.create_accident(user=request.user, **data)
    return Status(
        201, feature(queries.accidents(), accident.code, geom_field="point", properties=queries.accident_properties)
    )


@router.get(
    "/accidents/{code}",
    response={200: FeatureOut, **ERRORS},
    auth=needs("victims.view_accident"),
    summary="One accident",
)
def get_accident(request, code: str):
    return detail(request, queries.accidents(), code, geom_field="point", properties=queries.accident_properties)


@router.get(
    "/accidents/{code}/history", response={200: list[HistoryEntry], **ERRORS}, auth=needs("victims.view_accident")
)
def accident_history(request, code: str):
    return history_entries(_accident(code))


@router.post("/accidents/{code}/evidence", response={200: FeatureOut, **ERRORS}, auth=needs("victims.change_accident"))
def decide_evidence(request, code: str, payload: EvidenceDecisionIn):
    """Decide a proposal: `link` to an existing hazard, `new_hazard` (a CHA of `radius_m` around the
    point), or `dismiss`. Linking adds the accident as direct evidence to the hazard."""
    if payload.action == "new_hazard":
        _need(request, "hazards.add_hazard")
    if payload.action in ("link", "new_hazard"):
        _need(request, "hazards.add_evidence")
    services.settle_evidence(_accident(code), user=request.user, **payload.dict())
    return feature(queries.accidents(), code, geom_field="point", properties=queries.accident_properties)


# --- access audit -------------------------------------------------------------------------------


@router.get(
    "/access-log",
    response={200: list[AccessLogOut], **ERRORS},
    auth=needs("victims.view_accesslog"),
    summary="Access audit",
)
def access_log(request, victim: str | None = None, user: str | None = None, limit: Limit = 200):
    """Who viewed, exported or changed personal data, when, which record and why (newest first)."""
    qs = AccessLog.objects.all()
    if victim:
        qs = qs.filter(victim_code=victim)
    if user:
        qs = qs.filter(username=user)
    return [
        {
            "at": e.at,
            "username": e.username,
            "action": e.action,
            "victim": e.victim_code,
            "purpose": e.purpose,
            "fields": e.fields,
            "channel": e.channel,
        }
        for e in qs[: max(1, min(limit, 5000))]
    ]


# --- exports of personal data -------------------------------------------------------------------


@router.post(
    "/export",
    response={200: list[dict], **ERRORS},
    auth=personal(access.EXPORT_PERSONAL),
    summary="Export personal data",
)
def export(request, payload: ExportIn):
    """Personal data of the selected victims, for the victim assistance role only; one audit entry
    per person exported, with the stated purpose."""
    if payload.format not in ("json", "csv"):
        raise ValidationFailed(f"format must be json or csv; got {payload.format!r}", field="format")
    selection = queries.victims(country=payload.country, year=payload.year, admin_area=payload.admin_area)
    rows = _guarded(lambda: services.export_personal(selection, _actor(request, payload.purpose)))
    if payload.format == "csv":
        out = io.StringIO()
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="victims-personal-data.csv"'
        response["Cache-Control"] = "no-store"
        return response
    return json.loads(json.dumps(rows, default=str))


# --- victims ------------------------------------------------------------------------------------


class VictimFilters(Schema):
    country: Country | None = None
    year: Year | None = None
    admin_area: Ref | None = None
    outcome: Choice | None = None
    victim_type: Note | None = None
    accident: Ref | None = None
    limit: Limit = 500
    offset: Offset = 0


@router.get(
    "", response={200: VictimPage, **ERRORS}, auth=needs("victims.view_victim"), summary="Victims (pseudonymised)"
)
def list_victims(request, filters: Query[VictimFilters]):
    """Pseudonymised victim records (code, sex, age group, outcome…; no name or address)."""
    f = filters.dict()
    limit, offset = max(1, min(f.pop("limit"), 5000)), max(0, f.pop("offset"))
    qs = queries.victims(**f)
    rows = [queries.victim_properties(v) for v in qs[offset : offset + limit]]
    return {"numberMatched": qs.count(), "numberReturned": len(rows), "items": rows}


@router.post("", response={201: VictimOut, **ERRORS}, auth=personal(access.CHANGE_PERSONAL), summary="Record a victim")
def record_victim(request, payload: VictimIn):
    data = payload.dict()
    purpose = data.pop("purpose")
    victim = _guarded(lambda: services.record_victim(actor=_actor(request, purpose), **data))
    return Status(201, queries.victim_properties(victim))


def _victim(code: str) -> Victim:
    return get_object_or_404(queries.victims(), code=code)


@router.get(
    "/{code}",
    response={200: VictimOut, **ERRORS},
    auth=needs("victims.view_victim"),
    summary="One victim (pseudonymised)",
)
def get_victim(request, response: HttpResponse, code: str):
    """The `ETag` header (and `version`) is the version to send back as `If-Match` with a rectification."""
    victim = _victim(code)
    response["ETag"] = versions.etag(victim)
    return queries.victim_properties(victim)


@router.post("/{code}/personal-data", response={200: PersonalDataOut, **ERRORS}, auth=personal(access.VIEW_PERSONAL))
def personal_data(request, code: str, payload: PurposeIn):
    """Name, date of birth, address, medical and assistance notes: victim assistance role only; the
    view is recorded in the access audit with the purpose given."""
    victim = _victim(code)
    data = _guarded(lambda: services.reveal(victim, _actor(request, payload.purpose)))
    entry = AccessLog.objects.filter(victim=victim, action="view", user=request.user).latest("at", "id")
    response = {"code": victim.code, **data, "audit": f"{entry.at.isoformat()} {entry.username} view"}
    return response


@router.patch(
    "/{code}",
    response={200: VictimOut, **ERRORS, **VERSIONED},
    auth=personal(access.CHANGE_PERSONAL),
    summary="Rectify a victim record",
)
def rectify(request, response: HttpResponse, code: str, payload: VictimPatch):
    """Correct a record on request (any field, personal ones included); audited with the purpose.
    Needs `If-Match: "<version>"` (428 without it, 412 when the record changed since)."""
    changes = payload.dict(exclude_unset=True)
    purpose = changes.pop("purpose")
    victim = _victim(code)
    expected = versions.required(request, victim, f"victim {victim.code}")
    victim = _guarded(lambda: services.rectify(victim, _actor(request, purpose), expected_version=expected, **changes))
    response["ETag"] = versions.etag(victim)
    return queries.victim_properties(Victim.objects.select_related("accident", "accident__province").get(pk=victim.pk))


@router.post(
    "/{code}/erase",
    response={200: VictimOut, **ERRORS},
    auth=personal(access.CHANGE_PERSONAL),
    summary="Erase personal data",
)
def erase(request, code: str, payload: PurposeIn):
    """Erase the person's name, date of birth, address and notes on request; the anonymous casualty
    record stays in the statistics. Audited with the purpose (whose request, reference)."""
    victim = _guarded(lambda: services.erase(_victim(code), _actor(request, payload.purpose)))
    return queries.victim_properties(Victim.objects.select_related("accident", "accident__province").get(pk=victim.pk))


@router.post("/{code}/assessments", response={201: RecordedOut, **ERRORS}, auth=personal("victims.add_assessment"))
def add_assessment(request, code: str, payload: AssessmentIn):
    """Needs assessed: medical, rehabilitation, psychosocial, education, economic (notes encrypted)."""
    victim = _victim(code)
    a = _guarded(lambda: services.add_assessment(victim, _actor(request), **payload.dict()))
    return Status(201, {"id": str(a.id), "victim": victim.code})


@router.post("/{code}/referrals", response={201: RecordedOut, **ERRORS}, auth=personal("victims.add_referral"))
def add_referral(request, code: str, payload: ReferralIn):
    victim = _victim(code)
    r = _guarded(lambda: services.add_referral(victim, _actor(request), **payload.dict()))
    return Status(201, {"id": str(r.id), "victim": victim.code})


@router.patch(
    "/referrals/{referral_id}",
    response={200: RecordedOut, **ERRORS, **VERSIONED},
    auth=personal("victims.change_referral"),
)
def update_referral(request, response: HttpResponse, referral_id: str, payload: ReferralPatch):
    """The outcome of a referral (status, date, notes). Needs `If-Match: "<version>"` (the `version`
    the referral was read with: 428 without it, 412 when it changed since)."""
    referral = get_object_or_404(Referral.objects.select_related("victim", "victim__accident"), pk=referral_id)
    expected = versions.required(request, referral, f"referral {referral.pk}")
    r = _guarded(
        lambda: services.update_referral(
            referral, _actor(request), expected_version=expected, **payload.dict(exclude_unset=True)
        )
    )
    response["ETag"] = versions.etag(r)
    return {"id": str(r.id), "victim": referral.victim.code, "version": r.version}


@router.post("/{code}/follow-ups", response={201: RecordedOut, **ERRORS}, auth=personal("victims.add_followup"))
def add_follow_up(request, code: str, payload: FollowUpIn):
    victim = _victim(code)
    f = _guarded(lambda: services.add_follow_up(victim, _actor(request), **payload.dict()))
    return Status(201, {"id": str(f.id), "victim": victim.code})
