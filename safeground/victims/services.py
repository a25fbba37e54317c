"""Every write to accidents, victims and victim assistance, and every read of personal data.

Personal fields are encrypted here and nowhere else (safeground.core.crypto, bound to the row and
field); decrypting them goes through `reveal` and `export_personal`, which check the role and
write the access audit (safeground.victims.access). Writes check the configured key against the
stored data first, so a wrong key refuses the write instead of mixing keys.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

import shapely
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import crypto, versions
from safeground.core.codes import next_code
from safeground.core.contracts import check_choice as _choice
from safeground.core.contracts import check_code
from safeground.core.dates import PRECISION_CHOICES
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.geometry import GeometryError, project, to_utm, unproject, utm_epsg_for, validate_point
from safeground.core.history import record_author
from safeground.gazetteer.queries import (
    Location,
    code_stems,
    coordinate_hint,
    country_at,
    country_name,
    country_outline,
    country_prefix,
    locate,
)
from safeground.hazards.models import Evidence, Hazard
from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation
from safeground.victims import access
from safeground.victims.access import Actor
from safeground.victims.models import (
    ACTIVITY_CHOICES,
    CASUALTY_COUNTS,
    NEED_CHOICES,
    VICTIM_ENCRYPTED,
    AccessLog,
    Accident,
    Assessment,
    FollowUp,
    Referral,
    Victim,
)

CHILD_UNDER = 18
CONTAMINATION_OF = {
    "ap_mine": "ap_mines",
    "at_mine": "at_mines",
    "submunition": "cmr",
    "uxo": "uxo",
    "axo": "axo",
    "ied": "ied",
}
#: Models with encrypted columns: model → the fields whose ciphertexts live in `<field>_enc`.
ENCRYPTED = {Victim: VICTIM_ENCRYPTED, Assessment: ("notes",), Referral: ("notes",), FollowUp: ("notes",)}


# --- helpers -----------------------------------------------------------------------------------


def context(obj, field: str) -> str:
    """Associated data binding a ciphertext to its row and field."""
    return f"{obj._meta.label_lower}.{field}:{obj.pk}"


def _seal(obj, field: str, value: str | None, ring: crypto.Keyring) -> None:
    setattr(obj, f"{field}_enc", ring.encrypt(value or "", context(obj, field)))


def _open(obj, field: str, ring: crypto.Keyring) -> str:
    return ring.decrypt(getattr(obj, f"{field}_enc"), context(obj, field))


def check_key(ring: crypto.Keyring | None = None) -> crypto.Keyring:
    """The keyring, after proving it opens the most recently written ciphertext (if there is one)."""
    ring = ring or crypto.keyring()
    for model, fields in ENCRYPTED.items():
        for f in fields:
            row = model._default_manager.exclude(**{f"{f}_enc": ""}).order_by("-created_at").first()
            if row is not None:
                _open(row, f, ring)
                return ring
    return ring


def _choices(field: str, values, choices) -> list[str]:
    values = list(values or [])
    for v in values:
        _choice(field, v, choices)
    return sorted(set(values), key=values.index)


def _organisation(acronym: str | None, field: str = "organisation") -> Organisation | None:
    if not acronym:
        return None
    org = Organisation.objects.filter(acronym=acronym).first()
    if org is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": "organisation", "code": repr(acronym)}, field=field
        )
    return org


def check_point_in_country(point: shapely.Point, country: str | None, what: str) -> str:
    """Settle the country of a point: it must lie in it (or within the border tolerance)."""
    from django.conf import settings

    try:
        validate_point(point, what)
    except GeometryError as exc:
        raise ValidationFailed.from_geometry(exc, field="point") from exc
    found = country_at(point)
    if country and found and found != country:
        raise ValidationFailed(
            _("%(what)s lies in %(got)s, not in %(want)s")
            % {
                "what": what,
                "got": f"{country_name(found)} ({found})",
                "want": f"{country_name(country)} ({country})",
            },
            field="point",
            reason="wrong country",
            location=(point.x, point.y),
        )
    if found:
        return found
    found_hint = coordinate_hint(point, country or None)
    if country and country_outline(country) is not None:
        epsg = utm_epsg_for(point)
        outline = country_outline(country)
        near = shapely.clip_by_rect(outline, point.x - 0.05, point.y - 0.05, point.x + 0.05, point.y + 0.05)
        distance = to_utm(point, epsg).distance(to_utm(near, epsg)) if not near.is_empty else float("inf")
        if distance <= settings.SAFEGROUND_BORDER_TOLERANCE_M:
            return country
        raise ValidationFailed(
            (
                _("%(what)s lies outside %(country)s (%(hint)s)")
                if found_hint
                else _("%(what)s lies outside %(country)s")
            )
            % {"what": what, "country": f"{country_name(country)} ({country})", "hint": found_hint},
            field="point",
            reason="outside country",
            location=(point.x, point.y),
        )
    raise ValidationFailed(
        (
            _(
                "%(what)s lies outside every country in the gazetteer (%(hint)s); check the coordinates "
                "(longitude first, WGS 84 decimal degrees)"
            )
            if found_hint
            else _(
                "%(what)s lies outside every country in the gazetteer; check the coordinates "
                "(longitude first, WGS 84 decimal degrees)"
            )
        )
        % {"what": what, "hint": found_hint},
        field="point",
        reason="outside country",
        location=(point.x, point.y),
    )


# --- accidents ---------------------------------------------------------------------------------


def _released_product(point, occurred_on: dt.date) -> Product | None:
    """A product released before the accident whose land holds the point (residual contamination)."""
    return (
        Product.objects.filter(geom__intersects=to_geos(point), released_on__lte=occurred_on)
        .order_by("-released_on", "code")
        .first()
    )


@transaction.atomic
def create_accident(
    *,
    point: shapely.Point,
    occurred_on: dt.date,
    accident_type: str,
    device_category: str = "unknown",
    device_model: str | None = None,
    occurred_time: dt.time | None = None,
    hazard: str | None = None,
    organisation: str | None = None,
    activity: str | None = None,
    country: str | None = None,
    code: str | None = None,
    user=None,
    is_synthetic: bool = False,
    victim_activity: str = "unknown",
    reported_casualties: dict[str, int] | None = None,
    reason: str | None = None,
    occurred_on_precision: str = "day",
    source_id: str | None = None,
    source_attributes: dict | None = None,
) -> Accident:
    """Record an accident; without a hazard it becomes a proposal of new evidence for the registry.

    `occurred_on_precision` (day, month, year) says how much of `occurred_on` is known: a year-only
    date is the year's first day with precision "year", never an invented 1 January.
    `reported_casualties` are the counts a source gives (CASUALTY_COUNTS keys, e.g. killed_men) when
    its people are not registered one by one: no personal data. `reason` goes in the history (an import).

    A point inside an open or suspended hazard is linked to it; a point on land released before the
    accident names that product (residual contamination) and is always proposed, because released
    land is no longer in the registry's open hazards.
    """
    check_code(code)
    _choice("accident_type", accident_type, Accident.TYPE_CHOICES)
    _choice("device_category", device_category, Accident._meta.get_field("device_category").choices)
    _choice("victim_activity", victim_activity, ACTIVITY_CHOICES)
    _choice("occurred_on_precision", occurred_on_precision, PRECISION_CHOICES)
    occurred_on = _first_day(occurred_on, occurred_on_precision)
    casualties = _casualties(reported_casualties)
    if occurred_on > timezone.localdate():
        raise ValidationFailed(
            _("%(field)s %(date)s is in the future") % {"field": "occurred_on", "date": occurred_on},
            field="occurred_on",
        )
    if code and Accident.objects.filter(code=code).exists():
        raise ValidationFailed(_("an accident with code %(code)s already exists") % {"code": repr(code)}, field="code")
    country = check_point_in_country(point, country, "accident point")
    model = None
    if device_model:
        model = OrdnanceModel.objects.filter(name=device_model).first()
        if model is None:
            raise ValidationFailed(
                _("unknown ordnance model %(model)s") % {"model": repr(device_model)}, field="device_model"
            )
        if device_category == "unknown":
            device_category = model.category
    linked = None
    if hazard:
        linked = Hazard.objects.filter(code=hazard).first()
        if linked is None:
            raise ValidationFailed(
                _("unknown %(field)s %(code)s") % {"field": "hazard", "code": repr(hazard)}, field="hazard"
            )
    act = None
    if activity:
        act = Activity.objects.filter(code=activity).first()
        if act is None:
            raise ValidationFailed(
                _("unknown %(field)s %(code)s") % {"field": "activity", "code": repr(activity)}, field="activity"
            )
    product = _released_product(point, occurred_on)
    if linked is None and product is None:
        linked = (
            Hazard.objects.filter(geom__intersects=to_geos(point), status__in=["open", "suspended"])
            .order_by("code")
            .first()
        )
    where = locate([point], country)[0]
    accident = Accident(
        occurred_on=occurred_on,
        occurred_on_precision=occurred_on_precision,
        occurred_time=occurred_time,
        point=to_geos(point, Point),
        country=country,
        province_id=where.province_id,
        district_id=where.district_id,
        commune_id=where.commune_id,
        accident_type=accident_type,
        device_category=device_category,
        device_model=model,
        hazard=linked,
        evidence_status="linked" if linked is not None and (hazard or product is None) else "proposed",
        product=product,
        activity=act,
        organisation=_organisation(organisation),
        is_synthetic=is_synthetic,
        victim_activity=victim_activity,
        reported_casualties=casualties,
        source_id=source_id or None,
        source_attributes=source_attributes or None,
    )
    accident.code = code or accident_code(accident)
    record_author(accident, user, reason)
    accident.save()
    return accident


#: What `update_accident` may change.
ACCIDENT_UPDATABLE = ("occurred_on", "accident_type", "device_category", "device_model", "hazard", "victim_activity")


@transaction.atomic
def update_accident(
    accident: Accident,
    *,
    user=None,
    reason: str | None = None,
    expected_version: int | None = None,
    source_attributes: dict | None = None,
    **changes,
) -> Accident:
    """Correct an accident's date, type, device or hazard (a re-import or a migration's re-run): one
    history row. The point, and with it the place and the evidence decision, stays as recorded."""
    unknown = sorted(set(changes) - set(ACCIDENT_UPDATABLE))
    if unknown:
        raise ValidationFailed(_("%(field)s cannot be changed") % {"field": unknown[0]}, field=unknown[0])
    versions.lock(accident, expected_version, f"accident {accident.code}")
    if "occurred_on" in changes:
        on = _first_day(changes["occurred_on"], accident.occurred_on_precision)
        if on > timezone.localdate():
            raise ValidationFailed(
                _("%(field)s %(date)s is in the future") % {"field": "occurred_on", "date": on}, field="occurred_on"
            )
        accident.occurred_on = on
    if "accident_type" in changes:
        accident.accident_type = _choice("accident_type", changes["accident_type"], Accident.TYPE_CHOICES)
    if "victim_activity" in changes:
        accident.victim_activity = _choice("victim_activity", changes["victim_activity"], ACTIVITY_CHOICES)
    if "device_category" in changes:
        choices = Accident._meta.get_field("device_category").choices
        accident.device_category = _choice("device_category", changes["device_category"], choices)
    if "device_model" in changes:
        name = changes["device_model"]
        model = OrdnanceModel.objects.filter(name=name).first() if name else None
        if name and model is None:
            raise ValidationFailed(_("unknown ordnance model %(model)s") % {"model": repr(name)}, field="device_model")
        accident.device_model = model
    if "hazard" in changes:
        code = changes["hazard"]
        linked = Hazard.objects.filter(code=code).first() if code else None
        if code and linked is None:
            raise ValidationFailed(
                _("unknown %(field)s %(code)s") % {"field": "hazard", "code": repr(code)}, field="hazard"
            )
        accident.hazard = linked
        if linked is not None:
            accident.evidence_status = "linked"
        elif accident.evidence_status == "linked":
            accident.evidence_status = "proposed"
    if source_attributes is not None:
        accident.source_attributes = source_attributes or None
    record_author(accident, user, reason[:100] if reason else None)
    accident.save()
    return accident


def _first_day(on: dt.date, precision: str) -> dt.date:
    """The period's first day, so that a month or year stored once reads the same everywhere."""
    return on.replace(day=1) if precision == "month" else on.replace(month=1, day=1) if precision == "year" else on


def _casualties(counts: dict | None) -> dict[str, int]:
    """Reported casualty counts: known keys, whole numbers from 0 to 10,000; zeros left out."""
    counts = counts or {}
    unknown = sorted(set(counts) - set(CASUALTY_COUNTS))
    if unknown:
        raise ValidationFailed(
            _("unknown casualty count(s) %(counts)s; use %(choices)s")
            % {"counts": ", ".join(unknown), "choices": ", ".join(CASUALTY_COUNTS)},
            field="reported_casualties",
            reason="unknown",
        )
    for key, n in counts.items():
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 10_000:
            raise ValidationFailed(
                _("%(field)s must be a whole number from 0 to %(most)s; got %(value)s")
                % {"field": key, "most": 10000, "value": repr(n)},
                field=key,
                reason="out of range",
            )
    return {key: n for key, n in counts.items() if n}


def accident_code(accident: Accident) -> str:
    where = Location(accident.country, accident.province_id, accident.district_id, accident.commune_id)
    return next_code(Accident, code_stems([where], [accident.country])[0], "ACC")


@transaction.atomic
def settle_evidence(
    accident: Accident, *, action: str, hazard: str | None = None, radius_m: float = 50.0, user=None
) -> Accident:
    """Decide a proposal: add the accident as direct evidence to a hazard (existing or a new CHA
    around the point), or dismiss it. Hazards change only through the hazard services."""
    from safeground.hazards import services as hazard_services

    _choice("action", action, [("link", ""), ("new_hazard", ""), ("dismiss", "")])
    versions.lock(accident, None, f"accident {accident.code}")
    if accident.evidence_status not in ("proposed", "dismissed") and action != "link":
        raise ValidationFailed(
            _("%(code)s is %(status)s; nothing to decide")
            % {"code": accident.code, "status": accident.get_evidence_status_display().lower()},
            field="action",
        )
    if action == "dismiss":
        accident.evidence_status = "dismissed"
    else:
        if action == "link":
            target = Hazard.objects.filter(code=hazard or "").first()
            if target is None:
                raise ValidationFailed(
                    _("unknown %(field)s %(code)s") % {"field": "hazard", "code": repr(hazard)}, field="hazard"
                )
        else:
            if not 5 <= radius_m <= 5000:
                raise ValidationFailed(
                    _("%(field)s must be %(low)s to %(high)s m; got %(value)s")
                    % {"field": "radius_m", "low": 5, "high": 5000, "value": radius_m},
                    field="radius_m",
                )
            point = shapely.from_wkb(bytes(accident.point.wkb))
            epsg = utm_epsg_for(point)
            circle = unproject(project(point, epsg).buffer(radius_m, quad_segs=8), epsg)
            target = hazard_services.create_hazard(
                geometry=circle,
                hazard_class="CHA",
                contamination_type=CONTAMINATION_OF.get(accident.device_category, "mixed"),
                recorded_on=timezone.localdate(),
                country=accident.country,
                name=f"Accident {accident.code}",
                reporting_organisation=accident.organisation.acronym if accident.organisation else None,
                user=user,
            )
        evidence = Evidence(
            hazard=target,
            kind="direct",
            evidence_type="accident",
            point=accident.point,
            observed_on=accident.occurred_on,
            description=f"Accident {accident.code}",
        )
        record_author(evidence, user)
        evidence.save()
        accident.hazard = target
        accident.evidence_status = "accepted"
    record_author(accident, user)
    accident.save()
    return accident


# --- victims -----------------------------------------------------------------------------------


def _age(age_years: int | None, date_of_birth: dt.date | None, on: dt.date) -> int | None:
    if date_of_birth is not None:
        if date_of_birth > on:
            raise ValidationFailed(
                _("%(field)s %(date)s is after the accident (%(on)s)")
                % {"field": "date_of_birth", "date": date_of_birth, "on": on},
                field="date_of_birth",
            )
        years = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
        if age_years is not None and abs(age_years - years) > 1:
            raise ValidationFailed(
                _("%(field)s %(age)s does not match %(dob_field)s %(dob)s (%(years)s at the accident)")
                % {
                    "field": "age_years",
                    "age": age_years,
                    "dob_field": "date_of_birth",
                    "dob": date_of_birth,
                    "years": years,
                },
                field="age_years",
            )
        age_years = years
    if age_years is not None and not 0 <= age_years <= 120:
        raise ValidationFailed(
            _("%(field)s must be %(low)s to %(high)s; got %(value)s")
            % {"field": "age_years", "low": 0, "high": 120, "value": age_years},
            field="age_years",
        )
    return age_years


def _age_group(age_years: int | None) -> str:
    if age_years is None:
        return "unknown"
    return "child" if age_years < CHILD_UNDER else "adult"


def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(
            _("%(field)s must be a date (YYYY-MM-DD); got %(value)s") % {"field": field, "value": repr(value)},
            field=field,
        ) from exc


PLAIN_FIELDS = ("sex", "age_years", "outcome", "injuries", "victim_type", "activity", "device_tampered", "needs")


def _apply_plain(victim: Victim, data: dict) -> None:
    if "sex" in data:
        _choice("sex", data["sex"], Victim.SEX_CHOICES)
    if "outcome" in data:
        _choice("outcome", data["outcome"], Victim.OUTCOME_CHOICES)
    if "victim_type" in data:
        _choice("victim_type", data["victim_type"], Victim.TYPE_CHOICES)
    if "activity" in data:
        _choice("activity", data["activity"], Victim.ACTIVITY_CHOICES)
    if "device_tampered" in data:
        _choice("device_tampered", data["device_tampered"], Victim._meta.get_field("device_tampered").choices)
    if "injuries" in data:
        data["injuries"] = _choices("injuries", data["injuries"], Victim.INJURY_CHOICES)
    if "needs" in data:
        data["needs"] = _choices("needs", data["needs"], NEED_CHOICES)
    for f in PLAIN_FIELDS:
        if f in data:
            setattr(victim, f, data[f])
    victim.amputation = any(i.endswith("_amputation") for i in victim.injuries or [])
    if victim.outcome == "killed" and victim.needs:
        raise ValidationFailed(_("a person killed has no assistance needs recorded on them"), field="needs")


def record_victim(
    *,
    accident: str,
    outcome: str,
    actor: Actor,
    name: str = "",
    date_of_birth: dt.date | str | None = None,
    address: str = "",
    medical_notes: str = "",
    code: str | None = None,
    is_synthetic: bool = False,
    ring: crypto.Keyring | None = None,
    source_id: str | None = None,
    source_attributes: dict | None = None,
    reason: str | None = None,
    **plain,
) -> Victim:
    """Register a casualty of an accident; names and other personal data are encrypted on the way in.
    `source_id`, `source_attributes` (never personal data) and the history `reason`: a migration's."""
    check_code(code)
    access.require(actor, access.CHANGE_PERSONAL, action="record")
    unknown = set(plain) - set(PLAIN_FIELDS) - {"age_years"}
    if unknown:
        raise ValidationFailed(
            _("unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    return _record_victim(
        accident=accident,
        outcome=outcome,
        actor=actor,
        personal={"name": name, "date_of_birth": date_of_birth, "address": address, "medical_notes": medical_notes},
        code=code,
        is_synthetic=is_synthetic,
        ring=ring,
        plain=plain,
        provenance={"source_id": source_id or None, "source_attributes": source_attributes or None},
        reason=reason,
    )


@transaction.atomic
def _record_victim(
    *, accident, outcome, actor, personal, code, is_synthetic, ring, plain, provenance=None, reason=None
) -> Victim:
    ring = ring or check_key()
    acc = Accident.objects.filter(code=accident).first()
    if acc is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": "accident", "code": repr(accident)}, field="accident"
        )
    if code and Victim.objects.filter(code=code).exists():
        raise ValidationFailed(_("a victim with code %(code)s already exists") % {"code": repr(code)}, field="code")
    dob = _date(personal["date_of_birth"], "date_of_birth")
    victim = Victim(accident=acc, outcome=outcome, is_synthetic=is_synthetic, **(provenance or {}))
    plain = dict(plain)
    plain["outcome"] = outcome
    plain["age_years"] = _age(plain.get("age_years"), dob, acc.occurred_on)
    _apply_plain(victim, plain)
    victim.age_group = _age_group(victim.age_years)
    victim.code = code or next_code(Victim, country_prefix(acc.country), "VIC")
    personal = {**personal, "date_of_birth": dob.isoformat() if dob else ""}
    for f in VICTIM_ENCRYPTED:
        _seal(victim, f, personal[f], ring)
    record_author(victim, actor.user, reason[:100] if reason else None)
    victim.save()
    access.log(actor, "record", [victim], fields=[f for f in VICTIM_ENCRYPTED if personal[f]])
    return victim


def reveal(victim: Victim, actor: Actor) -> dict:
    """The victim's personal data and assistance notes, decrypted; audited with the stated purpose."""
    access.require(actor, access.VIEW_PERSONAL, [victim], action="view")
    access.require_purpose(actor.purpose)
    ring = crypto.keyring()
    data = _personal(Victim.objects.get(pk=victim.pk), ring)  # as stored now, not as this instance was read
    access.log(actor, "view", [victim], fields=[*VICTIM_ENCRYPTED, "assistance notes"])
    return data


def _personal(victim: Victim, ring: crypto.Keyring) -> dict:
    data: dict[str, Any] = {f: _open(victim, f, ring) for f in VICTIM_ENCRYPTED}
    data["assessments"] = [
        {
            "id": str(a.id),
            "assessed_on": a.assessed_on,
            "needs": a.needs,
            "notes": _open(a, "notes", ring),
        }
        for a in victim.assessments.all()
    ]
    data["referrals"] = [
        {
            "id": str(r.id),
            "need": r.need,
            "provider": r.provider,
            "referred_on": r.referred_on,
            "status": r.status,
            "outcome_on": r.outcome_on,
            "notes": _open(r, "notes", ring),
        }
        for r in victim.referrals.all()
    ]
    data["follow_ups"] = [
        {
            "id": str(f.id),
            "referral": str(f.referral_id) if f.referral_id else None,
            "followed_up_on": f.followed_up_on,
            "notes": _open(f, "notes", ring),
        }
        for f in victim.follow_ups.all()
    ]
    return data


def export_personal(victims: Iterable[Victim], actor: Actor) -> list[dict]:
    """Personal data of many victims (one audit entry each, with the purpose); all or nothing."""
    victims = list(victims)
    access.require(actor, access.EXPORT_PERSONAL, action="export")
    access.require_purpose(actor.purpose)
    ring = crypto.keyring()
    rows = []
    for v in victims:
        rows.append(
            {
                "code": v.code,
                "accident": v.accident.code,
                "occurred_on": v.accident.occurred_on,
                "country": v.accident.country,
                "sex": v.sex,
                "age_years": v.age_years,
                "outcome": v.outcome,
                "victim_type": v.victim_type,
                **{f: _open(v, f, ring) for f in VICTIM_ENCRYPTED},
            }
        )
    access.log(actor, "export", victims, fields=list(VICTIM_ENCRYPTED))
    return rows


def rectify(
    victim: Victim,
    actor: Actor,
    expected_version: int | None = None,
    *,
    reason: str | None = None,
    source_attributes: dict | None = None,
    **changes,
) -> Victim:
    """Correct a victim's record on request; the purpose says whose request and why (audited).
    `expected_version`: the version the correction was made to (StaleVersion when older). A migration
    gives the history `reason` and the record's new `source_attributes` (never personal data)."""
    access.require(actor, access.CHANGE_PERSONAL, [victim], action="rectify")
    access.require_purpose(actor.purpose)
    if victim.erased_at is not None and any(f in changes for f in VICTIM_ENCRYPTED):
        raise ValidationFailed(
            _("%(code)s: personal data was erased on request; it is not recorded again") % {"code": victim.code},
            field="name",
        )
    unknown = set(changes) - set(PLAIN_FIELDS) - set(VICTIM_ENCRYPTED)
    if unknown:
        raise ValidationFailed(
            _("cannot rectify field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    if not changes and source_attributes is None:
        raise ValidationFailed(_("nothing to rectify: give at least one field"), field=None)
    return _rectify(victim, actor, changes, expected_version, reason=reason, source_attributes=source_attributes)


@transaction.atomic
def _rectify(
    victim: Victim,
    actor: Actor,
    changes: dict,
    expected_version: int | None = None,
    *,
    reason: str | None = None,
    source_attributes: dict | None = None,
) -> Victim:
    ring = check_key()
    victim = Victim.objects.select_for_update().get(pk=victim.pk)
    versions.advance(victim, expected_version, f"victim {victim.code}")
    changes = dict(changes)
    plain = {k: v for k, v in changes.items() if k in PLAIN_FIELDS}
    if "date_of_birth" in changes or "age_years" in plain:
        if "date_of_birth" in changes:
            dob = _date(changes["date_of_birth"], "date_of_birth")
            changes["date_of_birth"] = dob.isoformat() if dob else ""
        else:
            dob = _date(_open(victim, "date_of_birth", ring), "date_of_birth") if victim.date_of_birth_enc else None
        stated = plain.get("age_years", None if dob else victim.age_years)
        plain["age_years"] = _age(stated, dob, victim.accident.occurred_on)
    _apply_plain(victim, plain)
    victim.age_group = _age_group(victim.age_years)
    for f in VICTIM_ENCRYPTED:
        if f in changes:
            _seal(victim, f, changes[f], ring)
    if source_attributes is not None:
        victim.source_attributes = source_attributes or None
    record_author(victim, actor.user, reason=(reason or "rectification on request")[:100])
    victim.save()
    access.log(actor, "rectify", [victim], fields=sorted(changes))
    return victim


def erase(victim: Victim, actor: Actor) -> Victim:
    """Erase a victim's personal data on request; the pseudonymous statistical record stays
    (sex, age group, outcome, accident) so national casualty counts do not change."""
    access.require(actor, access.CHANGE_PERSONAL, [victim], action="erase")
    access.require_purpose(actor.purpose)
    return _erase(victim, actor)


@transaction.atomic
def _erase(victim: Victim, actor: Actor) -> Victim:
    victim = Victim.objects.select_for_update().get(pk=victim.pk)
    versions.advance(victim, None, f"victim {victim.code}")
    for f in VICTIM_ENCRYPTED:
        setattr(victim, f"{f}_enc", "")
    victim.age_years = None  # with sex and the accident's place, an exact age narrows who it was
    victim.erased_at = timezone.now()
    record_author(victim, actor.user, reason="personal data erased on request")
    victim.save()
    for model in (Assessment, Referral, FollowUp):
        model._default_manager.filter(victim=victim).update(notes_enc="")
    access.log(actor, "erase", [victim], fields=[*VICTIM_ENCRYPTED, "assistance notes"])
    return victim


# --- victim assistance -------------------------------------------------------------------------


def _va(actor: Actor, victim: Victim, perm: str) -> None:
    access.require(actor, perm, [victim], action="record assistance for")
    if victim.outcome == "killed":
        raise ValidationFailed(
            _("%(code)s was killed; assistance is recorded for survivors") % {"code": victim.code}, field="victim"
        )


def add_assessment(
    victim: Victim,
    actor: Actor,
    *,
    assessed_on,
    needs,
    notes: str = "",
    is_synthetic=False,
    reason: str | None = None,
) -> Assessment:
    """Needs assessed on a day; `reason`: the history's (a migration names its source)."""
    _va(actor, victim, "victims.add_assessment")
    return _add_assessment(victim, actor, _date(assessed_on, "assessed_on"), needs, notes, is_synthetic, reason)


@transaction.atomic
def _add_assessment(victim, actor, assessed_on, needs, notes, is_synthetic, reason=None) -> Assessment:
    ring = check_key()
    if assessed_on < victim.accident.occurred_on:
        raise ValidationFailed(
            _("%(field)s %(date)s is before the accident") % {"field": "assessed_on", "date": assessed_on},
            field="assessed_on",
        )
    a = Assessment(
        victim=victim,
        assessed_on=assessed_on,
        needs=_choices("needs", needs, NEED_CHOICES),
        created_by=actor.user,
        is_synthetic=is_synthetic,
    )
    _seal(a, "notes", notes, ring)
    record_author(a, actor.user, reason[:100] if reason else None)
    a.save()
    # The victim's current needs are those of the latest assessment.
    latest = victim.assessments.order_by("-assessed_on", "-created_at").first()
    if latest is not None and latest.pk == a.pk and victim.needs != a.needs:
        victim.needs = a.needs
        record_author(victim, actor.user)
        victim.save(update_fields=["needs", "updated_at"])
    access.log(actor, "record", [victim], fields=["assessment"] + (["assessment.notes"] if notes else []))
    return a


def add_referral(
    victim: Victim,
    actor: Actor,
    *,
    need,
    provider,
    referred_on,
    notes: str = "",
    status="referred",
    is_synthetic=False,
    reason: str | None = None,
) -> Referral:
    """Refer a survivor to a service provider; `reason`: the history's (a migration names its source)."""
    _va(actor, victim, "victims.add_referral")
    return _add_referral(
        victim, actor, need, provider, _date(referred_on, "referred_on"), notes, status, is_synthetic, reason
    )


@transaction.atomic
def _add_referral(victim, actor, need, provider, referred_on, notes, status, is_synthetic, reason=None) -> Referral:
    ring = check_key()
    _choice("need", need, NEED_CHOICES)
    _choice("status", status, Referral.STATUS_CHOICES)
    if not (provider or "").strip():
        raise ValidationFailed(_("%(field)s: name the service provider") % {"field": "provider"}, field="provider")
    if referred_on < victim.accident.occurred_on:
        raise ValidationFailed(
            _("%(field)s %(date)s is before the accident") % {"field": "referred_on", "date": referred_on},
            field="referred_on",
        )
    r = Referral(
        victim=victim,
        need=need,
        provider=provider.strip(),
        referred_on=referred_on,
        status=status,
        created_by=actor.user,
        is_synthetic=is_synthetic,
    )
    _seal(r, "notes", notes, ring)
    record_author(r, actor.user, reason[:100] if reason else None)
    r.save()
    access.log(actor, "record", [victim], fields=["referral"] + (["referral.notes"] if notes else []))
    return r


def update_referral(
    referral: Referral,
    actor: Actor,
    *,
    status=None,
    outcome_on=None,
    notes=None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Referral:
    """The outcome of a referral; `expected_version`: the version the change was made to (StaleVersion when older);
    `reason`: the history's."""
    _va(actor, referral.victim, "victims.change_referral")
    return _update_referral(referral, actor, status, _date(outcome_on, "outcome_on"), notes, expected_version, reason)


@transaction.atomic
def _update_referral(referral, actor, status, outcome_on, notes, expected_version=None, reason=None) -> Referral:
    ring = check_key()
    versions.lock(referral, expected_version, f"referral {referral.pk}")
    if status is not None:
        _choice("status", status, Referral.STATUS_CHOICES)
        referral.status = status
    if outcome_on is not None:
        if outcome_on < referral.referred_on:
            raise ValidationFailed(
                _("%(field)s %(date)s is before the referral (%(referred_on)s)")
                % {"field": "outcome_on", "date": outcome_on, "referred_on": referral.referred_on},
                field="outcome_on",
            )
        referral.outcome_on = outcome_on
    if notes is not None:
        _seal(referral, "notes", notes, ring)
    record_author(referral, actor.user, reason[:100] if reason else None)
    referral.save()
    access.log(actor, "record", [referral.victim], fields=["referral"] + (["referral.notes"] if notes else []))
    return referral


def add_follow_up(
    victim: Victim, actor: Actor, *, followed_up_on, notes: str = "", referral: str | None = None, is_synthetic=False
) -> FollowUp:
    _va(actor, victim, "victims.add_followup")
    return _add_follow_up(victim, actor, _date(followed_up_on, "followed_up_on"), notes, referral, is_synthetic)


@transaction.atomic
def _add_follow_up(victim, actor, followed_up_on, notes, referral, is_synthetic) -> FollowUp:
    ring = check_key()
    ref = None
    if referral:
        ref = victim.referrals.filter(pk=referral).first()
        if ref is None:
            raise ValidationFailed(
                _("%(code)s has no referral %(referral)s") % {"code": victim.code, "referral": repr(referral)},
                field="referral",
            )
    f = FollowUp(
        victim=victim, referral=ref, followed_up_on=followed_up_on, created_by=actor.user, is_synthetic=is_synthetic
    )
    _seal(f, "notes", notes, ring)
    record_author(f, actor.user)
    f.save()
    access.log(actor, "record", [victim], fields=["follow-up"] + (["follow-up.notes"] if notes else []))
    return f


# --- keys --------------------------------------------------------------------------------------


def key_status() -> dict[str, int]:
    """How many stored ciphertexts each key id encrypted (every encrypted column of every row)."""
    counts: Counter = Counter()
    for model, fields in ENCRYPTED.items():
        columns = [f"{f}_enc" for f in fields]
        for values in model._default_manager.values_list(*columns).iterator(chunk_size=2000):
            for token in values:
                if token:
                    counts[crypto.token_key_id(token)] += 1
    return dict(counts)


@transaction.atomic
def reencrypt_all(ring: crypto.Keyring | None = None, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every ciphertext not under the current key, in one transaction (all or nothing).

    Every token is opened first with the keyring (current and previous keys): a token no configured
    key opens stops the whole rotation with FieldKeyError before anything is written.
    """
    ring = ring or crypto.keyring()
    changed: Counter = Counter()
    for model, fields in ENCRYPTED.items():
        columns = [f"{f}_enc" for f in fields]
        pending = []
        for row in model._default_manager.only("pk", *columns).iterator(chunk_size=2000):
            dirty = False
            for f in fields:
                token = getattr(row, f"{f}_enc")
                new = ring.reencrypt(token, context(row, f))
                if new != token:
                    setattr(row, f"{f}_enc", new)
                    dirty = True
                    changed[model._meta.label] += 1
            if dirty:
                pending.append(row)
            if len(pending) >= batch:
                model._default_manager.bulk_update(pending, columns)
                pending = []
        if pending:
            model._default_manager.bulk_update(pending, columns)
    return dict(changed)


@transaction.atomic
def bulk_create_sealed(
    model, objs: list, personal: list[dict[str, str]], *, ring: crypto.Keyring | None = None, reason: str = ""
) -> int:
    """Write many accidents, victims or assistance records at once, their personal fields sealed here.

    `personal[i]` holds objs[i]'s personal fields in clear (a victim's `VICTIM_ENCRYPTED`, the `notes` of
    an assessment, referral or follow-up); each is encrypted with the key ring, bound to its row and
    field, and never stored in clear. The rows and their "created" history rows go in bulk (these
    tables carry no batch). For synthetic and migrated records: single writes go through `record_victim`
    and the assistance functions, which check the caller's role.
    """
    sealed = ENCRYPTED.get(model, ())
    ring = check_key(ring)
    for obj, fields in zip(objs, personal, strict=True):
        unknown = set(fields) - set(sealed)
        if unknown:
            raise ValidationFailed(
                _("%(model)s has no personal field(s) %(fields)s")
                % {"model": model.__name__, "fields": ", ".join(sorted(unknown))}
            )
        for f in sealed:
            _seal(obj, f, fields.get(f), ring)
    model._default_manager.bulk_create(objs, batch_size=1000)
    model.history.bulk_history_create(
        objs, batch_size=1000, default_change_reason=reason[:100] or None, default_date=timezone.now()
    )
    return len(objs)


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic accident, victim and assistance record, with their history (the demo's rebuild).

    The only hard delete of these tables, limited to `is_synthetic` rows: they never described anyone
    real, so set-based DELETEs, children first, with no per-row signals and no "deleted" history rows.
    Run it before the synthetic hazards, products and organisations they point at are deleted. Access
    audit entries are kept; their link to a removed synthetic victim is cleared, the victim code stays.
    """
    counts: dict[str, int] = {}
    AccessLog.objects.filter(victim__is_synthetic=True).update(victim=None)
    for model in (FollowUp, Referral, Assessment, Victim, Accident):
        for name, qs in (
            (str(model._meta.verbose_name_plural), model.objects.filter(is_synthetic=True)),
            (f"{model._meta.model_name} history", model.history.filter(is_synthetic=True)),
        ):
            counts[name] = qs._raw_delete(qs.db)
    return counts
