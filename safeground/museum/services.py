"""Every write to the museum collection: museums, exhibits (with provenance copied from the device record),
movements, loans and visits; a guided EORE visit is also an EORE session (written through eore.services, so
that the risk education figures count it once and the same way)."""

from __future__ import annotations

import datetime as dt

import shapely
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.codes import next_code
from safeground.core.contracts import check_choice, check_date, check_text
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_geos, to_shapely
from safeground.core.history import record_author
from safeground.eore import services as eore_services
from safeground.eore.models import Session
from safeground.gazetteer.queries import country_at, country_prefix, locate
from safeground.landrelease.models import Device
from safeground.museum.models import Exhibit, Loan, Movement, Museum, Visit
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation

COUNTS = ("girls", "boys", "women", "men")
#: Statuses an exhibit may be given directly; "loan" only comes with a loan (`lend`).
SETTABLE_STATUS = ("display", "store", "deaccessioned")


# --- lookups ----------------------------------------------------------------------------------------------


def _organisation(value, field: str, required: bool = True) -> Organisation | None:
    if isinstance(value, Organisation):
        return value
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
        return None
    org = Organisation.objects.filter(acronym=value).first()
    if org is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": field, "code": repr(value)}, field=field, reason="unknown"
        )
    return org


def _model(value) -> OrdnanceModel:
    if isinstance(value, OrdnanceModel):
        return value
    found = OrdnanceModel.objects.filter(slug=value).first() if value else None
    if found is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": "model", "code": repr(value)}, field="model", reason="unknown"
        )
    return found


def _device(value) -> Device | None:
    if value in (None, "") or isinstance(value, Device):
        return value or None
    found = Device.objects.select_related("activity", "product__activity").filter(code=value).first()
    if found is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": "device", "code": repr(value)}, field="device", reason="unknown"
        )
    return found


def _point(value, field: str) -> Point | None:
    """A point given as GEOS, Shapely or (lon, lat)."""
    if value is None:
        return None
    if isinstance(value, GEOSGeometry):
        geom = value
    elif isinstance(value, shapely.Geometry):
        geom = to_geos(value)
    elif isinstance(value, list | tuple) and len(value) == 2:
        geom = Point(float(value[0]), float(value[1]), srid=4326)
    else:
        raise ValidationFailed(_("%(field)s must be a point") % {"field": field}, field=field, reason="format")
    if not isinstance(geom, Point) or not (-180 <= geom.x <= 180 and -90 <= geom.y <= 90):
        raise ValidationFailed(
            _("%(field)s must be a point in longitude and latitude") % {"field": field}, field=field, reason="format"
        )
    return geom


def _province_of(point: Point | None):
    """The level-1 admin area holding the point (None outside every province)."""
    if point is None:
        return None
    geom = to_shapely(point)
    country = country_at(geom)
    if not country:
        return None
    where = locate([geom], country)[0]
    if where.province_id is None:
        return None
    from safeground.gazetteer.models import AdminArea

    return AdminArea.objects.only("id", "code", "name", "level").get(pk=where.province_id)


def _day(value, field: str) -> dt.date:
    """A required past date."""
    day = _past(value, field, required=True)
    assert day is not None  # required: _past refused None
    return day


def _past(value, field: str, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
        return None
    if not isinstance(value, dt.date):
        raise ValidationFailed(
            _("%(field)s must be a date; got %(value)s") % {"field": field, "value": repr(value)}, field=field
        )
    if value > timezone.localdate():
        raise ValidationFailed(
            _("%(field)s %(date)s is in the future") % {"field": field, "date": value}, field=field, reason="future"
        )
    return check_date(value, field)


# --- museums ----------------------------------------------------------------------------------------------


@transaction.atomic
def create_museum(
    *,
    name: str,
    organisation,
    country: str | None = None,
    point=None,
    address: str = "",
    user=None,
    is_synthetic: bool = False,
) -> Museum:
    """A museum (or a training centre's collection) run by `organisation` (acronym or instance); its country is
    the point's (else the organisation's)."""
    org = _organisation(organisation, "organisation")
    geom = _point(point, "point")
    found = country_at(to_shapely(geom)) if geom is not None else None
    country = country or found or (org.country if org is not None else "")
    if geom is not None and found and found != country:
        raise ValidationFailed(
            _("the museum's point lies in %(got)s, not in %(want)s") % {"got": found, "want": country}, field="point"
        )
    museum = Museum(
        name=check_text("name", name, 200, required=True),
        organisation=org,
        country=country,
        point=geom,
        address=check_text("address", address, 300),
        is_synthetic=is_synthetic,
    )
    museum.code = next_code(Museum, country_prefix(country), "MUS", width=3)
    record_author(museum, user)
    museum.save()
    return museum


# --- exhibits ---------------------------------------------------------------------------------------------


def _inventory(museum: Museum, value, exclude=None) -> str:
    number = check_text("inventory_number", value, 40, required=True)
    clash = Exhibit.objects.filter(museum=museum, inventory_number=number)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationFailed(
            _("%(museum)s already has an exhibit with inventory number %(number)s")
            % {"museum": museum.name, "number": repr(number)},
            field="inventory_number",
            reason="unique",
        )
    return number


def _certificate(values: dict) -> None:
    """No exhibit without its demilitarisation certificate: number, date and who certified it."""
    for field, limit in (("demil_certificate", 60), ("demil_certified_by", 200)):
        if not str(values.get(field) or "").strip():
            raise ValidationFailed(
                _("%(field)s is required: a museum takes no exhibit that was not certified free from explosive")
                % {"field": field},
                field=field,
                reason="required",
            )
        values[field] = check_text(field, values[field], limit)
    if values.get("demil_certified_on") is None:
        raise ValidationFailed(
            _("%(field)s is required: a museum takes no exhibit that was not certified free from explosive")
            % {"field": "demil_certified_on"},
            field="demil_certified_on",
            reason="required",
        )
    values["demil_certified_on"] = _past(values["demil_certified_on"], "demil_certified_on")


def _provenance_of(device: Device) -> dict:
    activity = device.activity or (device.product.activity if device.product is not None else None)
    return {
        "found_on": device.found_on,
        "found_point": device.point,
        "found_province": _province_of(device.point),
        "operator": activity.organisation if activity is not None else None,
    }


@transaction.atomic
def add_exhibit(
    *,
    museum: Museum,
    inventory_number: str,
    model,
    demil_certificate: str,
    demil_certified_on: dt.date | None,
    demil_certified_by: str,
    device=None,
    found_on: dt.date | None = None,
    found_point=None,
    found_place: str = "",
    operator=None,
    title: str = "",
    description: str = "",
    acquired_on: dt.date | None = None,
    condition: str = "good",
    status: str = "store",
    location: str = "",
    public: bool = False,
    safety_message: str = "",
    user=None,
    is_synthetic: bool = False,
) -> Exhibit:
    """Take an object into the collection. With `device` (code or instance) the find's date, point, province
    and operator are copied from the device record; without one they are given here. Refused without the
    demilitarisation certificate."""
    cert = {
        "demil_certificate": demil_certificate,
        "demil_certified_on": demil_certified_on,
        "demil_certified_by": demil_certified_by,
    }
    _certificate(cert)
    number = _inventory(museum, inventory_number)
    ordnance = _model(model)
    found = _device(device)
    if found is not None:
        provenance = _provenance_of(found)
    else:
        point = _point(found_point, "found_point")
        provenance = {
            "found_on": _past(found_on, "found_on"),
            "found_point": point,
            "found_province": _province_of(point),
            "operator": _organisation(operator, "operator", required=False),
        }
    exhibit = Exhibit(
        museum=museum,
        inventory_number=number,
        model=ordnance,
        device=found,
        title=check_text("title", title, 200),
        description=check_text("description", description, 5000),
        found_place=check_text("found_place", found_place, 200),
        acquired_on=_past(acquired_on, "acquired_on"),
        condition=check_choice("condition", condition, Exhibit.CONDITION_CHOICES),
        status=check_choice("status", status, SETTABLE_STATUS),
        location=check_text("location", location, 120),
        public=bool(public),
        safety_message=check_text("safety_message", safety_message, 2000),
        is_synthetic=is_synthetic,
        **provenance,
        **cert,
    )
    exhibit.code = next_code(Exhibit, museum.code, "EX", width=4)
    record_author(exhibit, user)
    exhibit.save()
    return exhibit


#: What `update_exhibit` may change (provenance copied from a device stays the device's).
EXHIBIT_UPDATABLE = (
    "inventory_number",
    "model",
    "title",
    "description",
    "found_place",
    "acquired_on",
    "demil_certificate",
    "demil_certified_on",
    "demil_certified_by",
    "condition",
    "status",
    "location",
    "public",
    "safety_message",
)


@transaction.atomic
def update_exhibit(
    exhibit: Exhibit, *, expected_version: int | None = None, user=None, reason: str | None = None, **changes
) -> Exhibit:
    """Correct an exhibit's label, care or certificate (`expected_version`: the If-Match one); one history row
    with `reason`. Its status becomes "loan" only through `lend`, and stays "loan" while a loan is open."""
    unknown = sorted(set(changes) - set(EXHIBIT_UPDATABLE))
    if unknown:
        raise ValidationFailed(_("%(field)s cannot be changed") % {"field": unknown[0]}, field=unknown[0])
    versions.lock(exhibit, expected_version, f"exhibit {exhibit.code}")
    if "inventory_number" in changes:
        exhibit.inventory_number = _inventory(exhibit.museum, changes["inventory_number"], exclude=exhibit)
    if "model" in changes:
        exhibit.model = _model(changes["model"])
    for field, limit in (
        ("title", 200),
        ("description", 5000),
        ("found_place", 200),
        ("location", 120),
        ("safety_message", 2000),
    ):
        if field in changes:
            setattr(exhibit, field, check_text(field, changes[field], limit))
    if "acquired_on" in changes:
        exhibit.acquired_on = _past(changes["acquired_on"], "acquired_on")
    cert_fields = ("demil_certificate", "demil_certified_on", "demil_certified_by")
    if any(f in changes for f in cert_fields):
        cert = {f: changes.get(f, getattr(exhibit, f)) for f in cert_fields}
        _certificate(cert)
        for f, v in cert.items():
            setattr(exhibit, f, v)
    if "condition" in changes:
        exhibit.condition = check_choice("condition", changes["condition"], Exhibit.CONDITION_CHOICES)
    if "status" in changes and changes["status"] != exhibit.status:
        if exhibit.status == "loan":
            raise ValidationFailed(
                _("exhibit %(code)s is on loan: return the loan to change its status") % {"code": exhibit.code},
                field="status",
                reason="on loan",
            )
        exhibit.status = check_choice("status", changes["status"], SETTABLE_STATUS)
    if "public" in changes:
        exhibit.public = bool(changes["public"])
    record_author(exhibit, user, reason)
    exhibit.save()
    return exhibit


@transaction.atomic
def move_exhibit(
    exhibit: Exhibit,
    *,
    moved_on: dt.date | None,
    to_location: str,
    condition: str = "",
    note: str = "",
    user=None,
) -> Movement:
    """A change of place (and, if given, of condition) inside the museum: a Movement row, and the exhibit's
    location and condition with one history row."""
    versions.lock(exhibit, None, f"exhibit {exhibit.code}")
    moved_on = _day(moved_on, "moved_on")
    to_location = check_text("to_location", to_location, 120)
    if condition:
        check_choice("condition", condition, Exhibit.CONDITION_CHOICES)
    if not to_location and not condition:
        raise ValidationFailed(
            _("a movement names the new location or the new condition"), field="to_location", reason="required"
        )
    if exhibit.status in ("loan", "deaccessioned"):
        raise ValidationFailed(
            _("exhibit %(code)s is %(status)s: it cannot be moved inside the museum")
            % {"code": exhibit.code, "status": _(exhibit.get_status_display())},
            field="exhibit",
            reason=exhibit.status,
        )
    movement = Movement.objects.create(
        exhibit=exhibit,
        moved_on=moved_on,
        from_location=exhibit.location,
        to_location=to_location or exhibit.location,
        condition=condition,
        note=check_text("note", note, 300),
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    exhibit.location = movement.to_location
    if condition:
        exhibit.condition = condition
    record_author(exhibit, user, "moved" + (f": {movement.note}" if movement.note else ""))
    exhibit.save()
    return movement


# --- loans ------------------------------------------------------------------------------------------------


@transaction.atomic
def lend(
    exhibit: Exhibit,
    *,
    borrower: str,
    borrower_kind: str,
    lent_on: dt.date | None,
    due_on: dt.date | None,
    borrower_organisation=None,
    purpose: str = "",
    user=None,
    is_synthetic: bool = False,
) -> Loan:
    """Lend an exhibit (to a training centre, another museum...): one open loan per exhibit, due on or after
    the day it leaves; the exhibit's status becomes "loan"."""
    versions.lock(exhibit, None, f"exhibit {exhibit.code}")
    lent_on = _day(lent_on, "lent_on")
    if not isinstance(due_on, dt.date):
        raise ValidationFailed(_("%(field)s is required") % {"field": "due_on"}, field="due_on", reason="required")
    check_date(due_on, "due_on", planned=True)
    if due_on < lent_on:
        raise ValidationFailed(
            _("due_on %(due)s is before lent_on %(lent)s") % {"due": due_on, "lent": lent_on},
            field="due_on",
            reason="order",
        )
    if exhibit.status == "deaccessioned":
        raise ValidationFailed(
            _("exhibit %(code)s is deaccessioned: it cannot be lent") % {"code": exhibit.code},
            field="exhibit",
            reason="deaccessioned",
        )
    open_loan = exhibit.loans.filter(returned_on__isnull=True).first()
    if open_loan is not None:
        raise ValidationFailed(
            _("exhibit %(code)s is already on loan (%(loan)s, to %(borrower)s): return it first")
            % {"code": exhibit.code, "loan": open_loan.code, "borrower": open_loan.borrower},
            field="exhibit",
            reason="on loan",
        )
    loan = Loan(
        exhibit=exhibit,
        borrower=check_text("borrower", borrower, 200, required=True),
        borrower_kind=check_choice("borrower_kind", borrower_kind, Loan.BORROWER_CHOICES),
        borrower_organisation=_organisation(borrower_organisation, "borrower_organisation", required=False),
        purpose=check_text("purpose", purpose, 300),
        lent_on=lent_on,
        due_on=due_on,
        condition_out=exhibit.condition,
        is_synthetic=is_synthetic,
    )
    loan.code = next_code(Loan, exhibit.code, "LN", width=2)
    record_author(loan, user)
    loan.save()
    exhibit.status = "loan"
    record_author(exhibit, user, f"lent: {loan.code}")
    exhibit.save()
    return loan


@transaction.atomic
def return_loan(
    loan: Loan,
    *,
    returned_on: dt.date | None,
    condition_back: str,
    status: str = "store",
    location: str | None = None,
    user=None,
) -> Loan:
    """The exhibit is back: the loan closes with the condition it came back in, and the exhibit takes that
    condition and goes back to the store (or on display)."""
    versions.lock(loan, None, f"loan {loan.code}")
    if loan.returned_on is not None:
        raise ValidationFailed(
            _("loan %(code)s was already returned on %(date)s") % {"code": loan.code, "date": loan.returned_on},
            field="loan",
            reason="returned",
        )
    returned_on = _day(returned_on, "returned_on")
    if returned_on < loan.lent_on:
        raise ValidationFailed(
            _("returned_on %(back)s is before lent_on %(lent)s") % {"back": returned_on, "lent": loan.lent_on},
            field="returned_on",
            reason="order",
        )
    check_choice("condition_back", condition_back, Exhibit.CONDITION_CHOICES)
    check_choice("status", status, ("store", "display"))
    loan.returned_on, loan.condition_back = returned_on, condition_back
    record_author(loan, user, "returned")
    loan.save()
    exhibit = versions.lock(loan.exhibit, None, f"exhibit {loan.exhibit.code}")
    exhibit.status, exhibit.condition = status, condition_back
    if location is not None:
        exhibit.location = check_text("location", location, 120)
    record_author(exhibit, user, f"returned: {loan.code}")
    exhibit.save()
    return loan


# --- visits -----------------------------------------------------------------------------------------------


def _counts(values: dict) -> dict[str, int]:
    out = {}
    for f in COUNTS:
        v = values.get(f, 0)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= eore_services.MAX_BENEFICIARIES:
            raise ValidationFailed(
                _("%(field)s must be a whole number from 0 to %(most)s; got %(value)s")
                % {"field": f, "most": f"{eore_services.MAX_BENEFICIARIES:,}", "value": repr(v)},
                field=f,
            )
        out[f] = v
    if not sum(out.values()):
        raise ValidationFailed(_("a visit has at least one visitor: give girls, boys, women or men"), field="girls")
    return out


@transaction.atomic
def record_visit(
    museum: Museum,
    *,
    visited_on: dt.date | None,
    girls: int = 0,
    boys: int = 0,
    women: int = 0,
    men: int = 0,
    group: str = "",
    guided: bool = False,
    is_eore: bool = False,
    guide: str = "",
    audience: str = "general",
    notes: str = "",
    user=None,
    is_synthetic: bool = False,
) -> Visit:
    """A day's visitors or one group. A guided visit that taught risk education is also an EORE session
    (method "museum", at the museum's point, run by its organisation, with the same head counts); EORE
    that is not guided is refused (a visitor walking round alone is not a session)."""
    visited_on = _day(visited_on, "visited_on")
    counts = _counts({"girls": girls, "boys": boys, "women": women, "men": men})
    check_choice("audience", audience, Session.AUDIENCE_CHOICES)
    if is_eore and not guided:
        raise ValidationFailed(
            _("a visit counts as risk education only when it was guided: tick guided, or untick EORE"),
            field="is_eore",
            reason="not guided",
        )
    if is_eore and museum.point is None:
        raise ValidationFailed(
            _("museum %(code)s has no point: an EORE session needs one") % {"code": museum.code},
            field="is_eore",
            reason="no point",
        )
    visit = Visit(
        museum=museum,
        visited_on=visited_on,
        group=check_text("group", group, 200),
        guided=bool(guided),
        is_eore=bool(is_eore),
        guide=check_text("guide", guide, 150),
        audience=audience,
        notes=check_text("notes", notes, 5000),
        is_synthetic=is_synthetic,
        **counts,
    )
    if is_eore:
        visit.eore_session = eore_services.create_session(
            held_on=visited_on,
            organisation=museum.organisation.acronym,
            method="museum",
            point=to_shapely(museum.point) if museum.point is not None else None,
            audience=audience,
            country=museum.country,
            user=user,
            reason=f"museum visit at {museum.code}",
            is_synthetic=is_synthetic,
            girls=counts["girls"],
            boys=counts["boys"],
            women=counts["women"],
            men=counts["men"],
        )
    visit.code = next_code(Visit, museum.code, "V", width=5)
    record_author(visit, user)
    visit.save()
    return visit


VISIT_UPDATABLE = ("visited_on", "group", "guide", "audience", "notes", *COUNTS)


@transaction.atomic
def update_visit(
    visit: Visit, *, expected_version: int | None = None, user=None, reason: str | None = None, **changes
) -> Visit:
    """Correct a visit's date, group, guide, audience or head counts; an EORE visit's session takes the same
    date, audience and counts (eore.services.update_session), so both figures stay equal."""
    unknown = sorted(set(changes) - set(VISIT_UPDATABLE))
    if unknown:
        raise ValidationFailed(_("%(field)s cannot be changed") % {"field": unknown[0]}, field=unknown[0])
    versions.lock(visit, expected_version, f"visit {visit.code}")
    if "visited_on" in changes:
        visit.visited_on = _day(changes["visited_on"], "visited_on")
    counts = _counts({f: changes.get(f, getattr(visit, f)) for f in COUNTS})
    for f, v in counts.items():
        setattr(visit, f, v)
    if "audience" in changes:
        visit.audience = check_choice("audience", changes["audience"], Session.AUDIENCE_CHOICES)
    for field, limit in (("group", 200), ("guide", 150), ("notes", 5000)):
        if field in changes:
            setattr(visit, field, check_text(field, changes[field], limit))
    if visit.eore_session is not None:
        eore_services.update_session(
            visit.eore_session,
            user=user,
            reason=reason or f"museum visit {visit.code} corrected",
            held_on=visit.visited_on,
            audience=visit.audience,
            girls=counts["girls"],
            boys=counts["boys"],
            women=counts["women"],
            men=counts["men"],
        )
    record_author(visit, user, reason)
    visit.save()
    return visit


# --- the demo's rows --------------------------------------------------------------------------------------


def delete_synthetic() -> dict[str, int]:
    """Remove the synthetic museums with their exhibits, movements, loans, visits, history and the EORE
    sessions of their visits (the demo's rebuild; before the EORE demo's, whose sessions the visits point
    at). Hard delete of rows that never described anything real, limited to `is_synthetic` museums."""
    counts: dict[str, int] = {}
    museums = list(Museum.objects.filter(is_synthetic=True).values_list("pk", flat=True))
    exhibits = list(Exhibit.objects.filter(museum_id__in=museums).values_list("pk", flat=True))
    sessions = list(
        Visit.objects.filter(museum_id__in=museums, eore_session__isnull=False).values_list("eore_session", flat=True)
    )
    for name, qs in (
        ("movements", Movement.objects.filter(exhibit_id__in=exhibits)),
        ("loans", Loan.objects.filter(exhibit_id__in=exhibits)),
        ("loan history", Loan.history.filter(exhibit_id__in=exhibits)),
        ("visits", Visit.objects.filter(museum_id__in=museums)),
        ("visit history", Visit.history.filter(museum_id__in=museums)),
        ("exhibits", Exhibit.objects.filter(pk__in=exhibits)),
        ("exhibit history", Exhibit.history.filter(id__in=exhibits)),
        ("museums", Museum.objects.filter(pk__in=museums)),
        ("museum history", Museum.history.filter(id__in=museums)),
    ):
        counts[name] = qs._raw_delete(qs.db)
    if sessions:
        counts.update({f"eore {k}": v for k, v in eore_services.delete_synthetic(sessions).items()})
    return counts
