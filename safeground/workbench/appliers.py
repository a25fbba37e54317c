"""How each kind of submission becomes a record: parse the payload, then call the domain services.

One function per kind and action. Each takes the stored payload (the API's JSON shape) and the
reviewing user, writes through the same services as the API (validation, history, ledger), and
returns what it wrote: an `Applied` (the record, and the parts it created in payload order, so that
the submission's photos of "devices[1]" reach exactly that device). A
ValidationFailed from here names the payload field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import Schema
from pydantic import ValidationError

from safeground.core.contracts import Choice, Name, PastDate, PlannedDate, Ref
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import input_geometry
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.hazards.schemas import HazardIn, HazardPatch
from safeground.landrelease import services as release_services
from safeground.landrelease.models import Product
from safeground.landrelease.schemas import ProductIn, ProductPatch
from safeground.operations import services as operation_services
from safeground.operations.models import Activity, ProgressReport
from safeground.operations.schemas import ProgressIn
from safeground.organisations.models import Organisation, Team
from safeground.workbench import kinds


class ActivityIn(Schema):
    activity_type: Choice
    methods: list[Choice]
    hazards: list[Ref]
    start_date: PlannedDate  # a planned activity may start up to a year ahead
    end_date: PlannedDate | None = None
    teams: list[Ref] = []
    organisation: Ref | None = None  # acronym; an operator's own organisation when omitted


class DeviceIn(Schema):
    point: dict[str, Any]  # GeoJSON Point, lon/lat
    category: Choice
    disposal: Choice
    model: Name | None = None  # ordnance model name, e.g. "PMN-2"
    condition: Choice = "unknown"
    depth_cm: int | None = None
    found_on: PastDate | None = None
    count: int = 1


class ProductWithDevicesIn(ProductIn):
    devices: list[DeviceIn] = []


class EvidenceIn(Schema):
    kind: Choice  # direct / indirect
    evidence_type: Choice  # device_seen, accident, mine_signs, local_informant...
    point: dict[str, Any] | None = None  # GeoJSON Point, lon/lat
    observed_on: PastDate | None = None
    description: str = ""


class HazardWithEvidenceIn(HazardIn):
    """A new hazard with the evidence that supports it (a non-technical survey)."""

    evidence: list[EvidenceIn] = []


class ProgressSubmissionIn(ProgressIn):
    activity: str


@dataclass
class Applied:
    """What an approval wrote: the main record and, by payload list name, the parts it created in order
    ("devices" → the product's devices, "evidence" → the hazard's evidence)."""

    code: str
    record: Any = None
    parts: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, record, **parts: list[Any]) -> Applied:
        return cls(record.code, record, parts)


def parse(kind: str, action: str, payload: dict) -> Schema:
    """The payload checked against its kind's schema; a ValidationFailed names the first bad field."""
    found = kinds.get(kind)
    schema = found.schemas.get(action) if found is not None else None
    if schema is None:
        raise ValidationFailed(f"cannot submit {action} of {kind}", field="kind", reason="choice")
    try:
        return schema(**payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidationFailed(f"{where}: {first['msg']}", field=where, reason=first["type"]) from exc


def _lookup(model, code: str, field: str):
    row = model.objects.filter(code=code).first()
    if row is None:
        raise ValidationFailed(
            _("no %(what)s %(code)s") % {"what": _(model._meta.verbose_name), "code": repr(code)},
            field=field,
            reason="unknown",
        )
    return row


def create_hazard(data: HazardWithEvidenceIn, user) -> Applied:
    """The hazard, then its evidence in the payload's order (so "evidence[i]" photos reach that item)."""
    hazard = hazard_services.create_hazard_from_input(HazardIn(**data.dict(exclude={"evidence"})), user=user)[0]
    items = []
    for i, item in enumerate(data.evidence):
        row = item.dict()
        if row["point"] is not None:
            row["point"] = input_geometry(row["point"], f"evidence[{i}].point")
        items.append(row)
    return Applied.of(hazard, evidence=hazard_services.add_evidence(hazard, items, user=user))


def update_hazard(data: HazardPatch, user, target: str, expected_version: int | None = None) -> Applied:
    hazard = _lookup(Hazard, target, "target_code")
    return Applied.of(
        hazard_services.update_hazard_from_input(
            hazard, data.dict(exclude_unset=True), user=user, expected_version=expected_version
        )
    )


def update_product(data: ProductPatch, user, target: str, expected_version: int | None = None) -> Applied:
    """A change to a product (its outcome, perimeter, date, depth, reported area), with the version check:
    `expected_version` is the product's version when the change was submitted (StaleVersion if it moved)."""
    product = _lookup(Product, target, "target_code")
    changes = data.dict(exclude_unset=True)
    if changes.get("geometry") is not None:
        changes["geometry"] = input_geometry(changes["geometry"], "geometry")
    return Applied.of(release_services.update_product(product, user=user, expected_version=expected_version, **changes))


def create_activity(data: ActivityIn, user) -> Applied:
    organisation = Organisation.objects.filter(acronym=data.organisation).first()
    if organisation is None:
        raise ValidationFailed(
            _("no organisation %(code)s") % {"code": repr(data.organisation)}, field="organisation", reason="unknown"
        )
    hazards = [_lookup(Hazard, code, f"hazards[{i}]") for i, code in enumerate(data.hazards)]
    teams = [_lookup(Team, code, f"teams[{i}]") for i, code in enumerate(data.teams)]
    activity = operation_services.create_activity(
        organisation=organisation,
        activity_type=data.activity_type,
        methods=data.methods,
        hazards=hazards,
        teams=teams,
        start_date=data.start_date,
        end_date=data.end_date,
        user=user,
    )
    return Applied.of(activity)


def create_product(data: ProductWithDevicesIn, user) -> Applied:
    fields = data.dict(exclude={"devices", "geometry"})
    product = release_services.create_product(geometry=input_geometry(data.geometry, "geometry"), user=user, **fields)
    devices = []
    for i, d in enumerate(data.devices):
        row = d.dict()
        row["point"] = input_geometry(row["point"], f"devices[{i}].point")
        devices.append(row)
    created = release_services.record_devices(product, devices, user=user)  # in the payload's order
    return Applied.of(product, devices=list(created))


def create_progress(data: ProgressSubmissionIn, user) -> Applied:
    activity = _lookup(Activity, data.activity, "activity")
    fields = data.dict(exclude={"activity"})
    team = _lookup(Team, fields.pop("team"), "team")
    hazard_code = fields.pop("hazard")
    if hazard_code:
        fields["hazard"] = activity.hazards.filter(code=hazard_code).first()
        if fields["hazard"] is None:
            raise ValidationFailed(
                _("%(activity)s does not work on %(hazard)s") % {"activity": activity.code, "hazard": hazard_code},
                field="hazard",
            )
    return Applied.of(operation_services.record_progress(activity, team, user=user, **fields))


def apply(
    kind: str, action: str, payload: dict, user, target: str = "", expected_version: int | None = None
) -> Applied:
    """Write the submission's record; returns what was written (the record and the parts it created).
    Call inside a transaction. A change applies to `expected_version`
    of its target when given (core.errors.StaleVersion otherwise)."""
    data = parse(kind, action, payload)
    registered = kinds.get(kind)
    if action == "update":
        changer = update_product if kind == "product" else update_hazard
        return changer(data, user, target, expected_version)
    assert registered is not None  # parse refused an unknown kind
    return registered.apply(data, user)


def _geometry(payload: dict) -> dict | None:
    return payload.get("geometry")


kinds.register(
    kinds.Kind(
        "hazard",
        N_("Hazard"),
        {"create": HazardWithEvidenceIn, "update": HazardPatch},
        create_hazard,
        "reporting_organisation",
        _geometry,
        Hazard,
    )
)
kinds.register(
    kinds.Kind("activity", N_("Activity"), {"create": ActivityIn}, create_activity, "organisation", model=Activity)
)
kinds.register(
    kinds.Kind(
        "product",
        N_("Land release product with its devices"),
        {"create": ProductWithDevicesIn, "update": ProductPatch},
        create_product,
        where=_geometry,
        model=Product,
    )
)
kinds.register(
    kinds.Kind(
        "progress", N_("Progress report"), {"create": ProgressSubmissionIn}, create_progress, model=ProgressReport
    )
)
