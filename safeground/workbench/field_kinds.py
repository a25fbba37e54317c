"""The kinds field forms submit (ODK Collect): an EOD spot task, a risk education session, an accident.

Each waits in the workbench like any submission (decision 0013) and is applied on approval through
its owning app's services, in the approval's one transaction (decision 0039). Payloads are flat and
name their fields as the OpenRosa mapper fills them (docs/workbench.md lists them).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import Schema
from pydantic import ConfigDict, Field

from safeground.core.contracts import Choice, Finite, Name, PastDate, Ref
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import input_geometry
from safeground.eore import services as eore_services
from safeground.eore.models import Session
from safeground.eore.schemas import SessionIn
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.landrelease import services as release_services
from safeground.operations import services as operation_services
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation, Team
from safeground.victims import services as victim_services
from safeground.victims.models import Accident
from safeground.victims.schemas import AccidentIn
from safeground.workbench import kinds
from safeground.workbench.appliers import Applied

#: Disposals after which the spot holds nothing more: its point hazard is recorded closed.
DEALT_WITH = {"destroyed_in_situ", "removed_destroyed", "removed_stored", "rendered_safe"}


class SpotDeviceIn(Schema):
    category: Choice
    disposal: Choice
    point: dict[str, Any] | None = None  # GeoJSON Point; default: the spot task's point
    model: Name | None = None  # ordnance model name, e.g. "PMN-2"
    condition: Choice = "unknown"
    depth_cm: int | None = Field(None, ge=0, le=10_000)
    count: int = Field(1, ge=1, le=100_000)


class EodIn(Schema):
    """An EOD spot task: where it was, when, who did it, and every device found and disposed of."""

    model_config = ConfigDict(extra="forbid")

    point: dict[str, Any]  # GeoJSON Point, lon/lat
    found_on: PastDate  # the day of the task (start and end of the activity, the devices' date)
    devices: list[SpotDeviceIn] = Field(min_length=1)
    organisation: Ref | None = None  # acronym; an operator's own organisation when omitted
    teams: list[Ref] = []
    hazard: Ref | None = None  # a recorded hazard the spot lies in; else a point hazard is recorded
    contamination_type: Choice = "uxo"  # of the new point hazard
    radius_m: Finite | None = None  # of the new point hazard, declared
    name: Name = ""


def _organisation(acronym: str | None, field: str = "organisation") -> Organisation:
    row = Organisation.objects.filter(acronym=acronym).first() if acronym else None
    if row is None:
        raise ValidationFailed(_("no organisation %(code)s") % {"code": repr(acronym)}, field=field, reason="unknown")
    return row


def _known(model, code: str, field: str):
    row = model.objects.filter(code=code).first()
    if row is None:
        raise ValidationFailed(_("unknown %(field)s %(code)s") % {"field": field, "code": repr(code)}, field=field)
    return row


def create_eod(data: EodIn, user) -> Applied:
    """The spot's hazard (the one named, else a new CHA point, closed when every device was dealt with),
    a completed EOD activity on it (accreditation gate on the day), and its devices; returns the activity's
    code, with the hazard (where the task's photos go) and the devices in payload order."""
    point = input_geometry(data.point, "point")
    if point.geom_type != "Point":
        raise ValidationFailed(
            _("%(field)s must be one of %(choices)s; got %(value)s")
            % {"field": "point", "choices": "Point", "value": point.geom_type},
            field="point",
            reason="type",
        )
    organisation = _organisation(data.organisation)
    teams = [_known(Team, code, f"teams[{i}]") for i, code in enumerate(data.teams)]
    if data.hazard:
        hazard = _known(Hazard, data.hazard, "hazard")
    else:
        open_left = any(d.disposal not in DEALT_WITH for d in data.devices)
        try:
            hazard = hazard_services.create_hazard(
                geometry=point,
                hazard_class="CHA",
                contamination_type=data.contamination_type,
                recorded_on=data.found_on,
                status="open" if open_left else "closed",
                radius_m=data.radius_m,
                name=data.name or _("EOD spot task"),
                reporting_organisation=organisation.acronym,
                user=user,
            )
        except ValidationFailed as exc:  # the hazard's geometry is this payload's point
            if exc.field != "geometry":
                raise
            raise ValidationFailed(f"point: {exc}", field="point", reason=exc.reason, location=exc.location) from exc
    activity = operation_services.create_activity(
        organisation=organisation,
        activity_type="eod",
        methods=["eod"],
        hazards=[hazard],
        teams=teams,
        reference_point=point,
        start_date=data.found_on,
        end_date=data.found_on,
        status="completed",
        user=user,
    )
    devices = []
    for i, device in enumerate(data.devices):
        row = device.dict()
        where = row["point"] if row["point"] is not None else data.point
        row["point"] = input_geometry(where, f"devices[{i}].point")
        devices.append(row)
    created = release_services.record_spot_devices(activity, devices, found_on=data.found_on, user=user)
    return Applied(activity.code, hazard, {"devices": list(created)})


class EoreIn(SessionIn):
    """A session as the EORE API takes it, without `code` (the workbench's approval numbers it)."""

    model_config = ConfigDict(extra="forbid")
    code: None = None


def create_eore(data: EoreIn, user) -> Applied:
    fields = data.dict(exclude={"code"})
    if fields.get("point") is not None:
        fields["point"] = input_geometry(fields["point"], "point")
    try:
        return Applied.of(eore_services.create_session(user=user, **fields))
    except PermissionDenied as exc:  # another organisation's session: the submission's scope says the same
        raise ValidationFailed(str(exc), field="organisation", reason="other_organisation") from exc


class AccidentReportIn(AccidentIn):
    """An accident as the victims API takes it, casualty counts only: any other field (a name, an age, a
    phone number) is refused, so no personal data waits unencrypted in a submission's payload."""

    model_config = ConfigDict(extra="forbid")
    code: None = None


def create_accident(data: AccidentReportIn, user) -> Applied:
    fields = data.dict(exclude={"code"})
    fields["point"] = input_geometry(fields["point"], "point")
    return Applied.of(victim_services.create_accident(user=user, **fields))


def _point(payload: dict) -> dict | None:
    return payload.get("point") if isinstance(payload.get("point"), dict) else None


kinds.register(kinds.Kind("eod", N_("EOD spot task"), {"create": EodIn}, create_eod, "organisation", _point, Activity))
kinds.register(
    kinds.Kind("eore", N_("Risk education (EORE)"), {"create": EoreIn}, create_eore, "organisation", _point, Session)
)
kinds.register(
    kinds.Kind(
        "accident",
        N_("Accident"),
        {"create": AccidentReportIn},
        create_accident,
        "organisation",
        _point,
        Accident,
        abbreviation="ACC",
    )
)
