"""Pages: the hazard map (home) and one hazard's detail page.

The map page fetches its data from the API (`/api/v1/...`) in the browser; the detail page is
rendered from the database and embeds its own geometry, so it works without the API.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import ForeignKey, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safeground.gazetteer.models import AdminArea
from safeground.hazards.models import Hazard
from safeground.landrelease import ledger_queries
from safeground.landrelease.models import Device, HazardLedger, Product, ProductOverlap

# Country extents as [min lon, min lat, max lon, max lat]; the map's country switcher flies to them.
COUNTRIES = [
    {"code": "KHM", "name": "Cambodia", "bbox": [102.3, 10.4, 107.7, 14.7]},
    {"code": "AZE", "name": "Azerbaijan", "bbox": [44.7, 38.3, 50.4, 41.95]},
]
API_PREFIX = "api/v1"  # config/urls.py mounts the Ninja API here
HAZARD_LIMIT = 5000  # most hazards the map asks for in one request
BOUNDARY_SIMPLIFY = 0.002  # degrees; province outlines on the overview map
HISTORY_LIMIT = 100
# Simplification (degrees), by admin level, of the outline drawn behind a hazard on its page.
CONTEXT_SIMPLIFY = {1: 0.001, 2: 0.0005, 3: 0.0002}
LEDGER_TOLERANCE_M2 = 1.0  # remaining area under which closing is proposed; smallest overlap listed
OVERLAP_LIMIT = 100  # most product overlap pairs listed on a hazard page


def _has_synthetic() -> bool:
    return Hazard.objects.filter(is_synthetic=True).exists()


def home(request: HttpRequest) -> HttpResponse:
    """Full-width hazard map. Everything it shows comes from the API, fetched by static/js/map.js."""
    countries = [{**c, "name": _(c["name"])} for c in COUNTRIES]
    requested = request.GET.get("country", "").upper()
    initial = requested if requested in {c["code"] for c in COUNTRIES} else COUNTRIES[0]["code"]
    placeholders = {"shown": "{shown}", "total": "{total}"}
    config = {
        "api": get_script_prefix() + API_PREFIX,
        "detailUrl": reverse("hazard-detail", args=["__CODE__"]),
        "countries": countries,
        "initialCountry": initial,
        "hazardLimit": HAZARD_LIMIT,
        "boundarySimplify": BOUNDARY_SIMPLIFY,
        "labels": {
            "classes": {key: _(label) for key, label in Hazard.CLASS_CHOICES},
            "statuses": {key: _(label) for key, label in Hazard.STATUS_CHOICES},
            "code": _("Code"),
            "class": _("Class"),
            "status": _("Status"),
            "area": _("Area"),
            "ha": _("ha"),
            "open": _("Open hazard page"),
            # JS fills in {shown} and {total}; "countsOne" is used when one hazard is shown.
            "counts": ngettext(
                "%(shown)s hazard shown of %(total)s in view", "%(shown)s hazards shown of %(total)s in view", 2
            )
            % placeholders,
            "countsOne": ngettext(
                "%(shown)s hazard shown of %(total)s in view", "%(shown)s hazards shown of %(total)s in view", 1
            )
            % placeholders,
            "loading": _("Loading hazards…"),
            "failed": _("Could not load hazards from the API."),
            "boundariesFailed": _("Could not load province boundaries from the API."),
            "synthetic": _("Synthetic"),
        },
    }
    return render(
        request,
        "home.html",
        {"map_config": config, "countries": countries, "has_synthetic": _has_synthetic()},
    )


def hazard_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One hazard: summary, a small map, evidence, beneficiaries, activities, products, devices, history."""
    hazard = get_object_or_404(
        Hazard.objects.select_related("province", "district", "commune", "reporting_organisation", "ledger").defer(
            "province__geom", "district__geom"
        ),
        code=code,
    )
    suspected_models = [m.name for m in hazard.suspected_models.all()]
    evidence = list(hazard.evidence.all())
    beneficiaries = list(hazard.beneficiaries.all())
    activities = list(hazard.activities.select_related("organisation").order_by("start_date", "code"))
    products = list(
        hazard.products.select_related("activity")
        .annotate(device_items=Coalesce(Sum("devices__count"), 0))
        .order_by("released_on", "code")
    )
    devices = list(
        Device.objects.filter(product__hazard=hazard)
        .select_related("product", "activity", "model")
        .order_by("found_on", "code")
    )
    history = _history_rows(hazard)
    ledger = _ledger(hazard, evidence, products)

    features = {
        "hazard": {
            "type": "Feature",
            "geometry": json.loads(hazard.geom.geojson),
            "properties": {"code": hazard.code, "hazard_class": hazard.hazard_class, "status": hazard.status},
        },
        "benchmark": json.loads(hazard.benchmark.geojson) if hazard.benchmark else None,
        "products": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": json.loads(p.geom.geojson),
                    "properties": {"code": p.code, "outcome": p.outcome},
                }
                for p in products
            ],
        },
        "devices": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": json.loads(d.point.geojson), "properties": {"code": d.code}}
                for d in devices
            ],
        },
        "context": None,
        "remaining": None,
    }
    # Under the tolerance the remainder is slivers left by edges that bend in UTM: nothing to draw.
    if ledger["row"] is not None and ledger["row"].remaining_geom and ledger["row"].remaining_m2 >= LEDGER_TOLERANCE_M2:
        features["remaining"] = {
            "type": "Feature",
            "geometry": json.loads(ledger["row"].remaining_geom.geojson),
            "properties": {"code": hazard.code, "remaining_m2": ledger["row"].remaining_m2},
        }
    context_area = _context_area(hazard)
    if context_area is not None:
        tolerance = CONTEXT_SIMPLIFY.get(context_area.level, 0.001)
        features["context"] = {
            "type": "Feature",
            "geometry": json.loads(context_area.geom.simplify(tolerance, preserve_topology=True).geojson),
            "properties": {"code": context_area.code, "name": context_area.name, "level": context_area.level},
        }

    return render(
        request,
        "hazards/detail.html",
        {
            "hazard": hazard,
            "country_name": next((_(c["name"]) for c in COUNTRIES if c["code"] == hazard.country), hazard.country),
            "suspected_models": suspected_models,
            "area_ha": hazard.area_m2 / 10_000,
            "evidence": evidence,
            "beneficiaries": beneficiaries,
            "people_total": sum(b.people for b in beneficiaries),
            "activities": activities,
            "products": products,
            "devices": devices,
            "device_items": sum(d.count for d in devices),
            "history": history,
            "history_limit": HISTORY_LIMIT,
            "map_features": features,
            "context_area": context_area,
            "ledger": ledger,
            "has_synthetic": hazard.is_synthetic or _has_synthetic(),
        },
    )


def _ledger(hazard: Hazard, evidence: list, products: list) -> dict:
    """The hazard's land release ledger for its page: figures, bar segments, overlaps and proposals.

    The ledger row comes with the hazard (select_related); the overlap pairs cost one query, only
    when they add up to 1 m² or more; the proposals two (ledger_queries.proposals, filtered on the code).
    """
    try:
        row = hazard.ledger
    except HazardLedger.DoesNotExist:
        row = None  # not computed yet (`safeground ledger recompute` builds it)
    present = {p.outcome for p in products}
    out = {
        "row": row,
        # Outcomes drawn on the map, in the order of the ledger bar (the map key lists them).
        "product_outcomes": [(k, _(label)) for k, label in Product.OUTCOME_CHOICES if k in present],
        "proposals": _proposals(hazard, row, evidence),
        "confirm_api": f"POST {get_script_prefix()}{API_PREFIX}/ledger/proposals/{hazard.code}/confirm",
        "confirm_cli": f"safeground ledger confirm {hazard.code}",
    }
    if row is None:
        return out
    estimated = row.estimated_m2

    def share(value: float) -> float | None:
        return 100 * value / estimated if estimated > 0 else None

    parts = [  # the order of the bar: the land release sequence, then what is left
        ("cancelled", _("Cancelled"), row.cancelled_m2),
        ("reduced", _("Reduced"), row.reduced_m2),
        ("cleared", _("Cleared"), row.cleared_m2),
        ("remaining", _("Remaining"), row.remaining_m2),
    ]
    figures = [{"key": "estimated", "label": _("Estimated"), "m2": estimated, "ha": estimated / 10_000, "pct": 100.0}]
    figures += [{"key": k, "label": label, "m2": v, "ha": v / 10_000, "pct": share(v)} for k, label, v in parts]
    overlaps = []
    if row.overlap_m2 >= LEDGER_TOLERANCE_M2:  # slivers from products sharing an edge are not listed
        overlaps = list(
            ProductOverlap.objects.filter(hazard=hazard, overlap_m2__gte=LEDGER_TOLERANCE_M2)
            .order_by("-overlap_m2", "first__code", "second__code")
            .values("first__code", "second__code", "overlap_m2")[:OVERLAP_LIMIT]
        )
    out.update(
        figures=figures,
        segments=[f for f in figures[1:] if f["pct"]],
        outside_ha=row.outside_m2 / 10_000,
        overlap_ha=row.overlap_m2 / 10_000,
        overlaps=overlaps,
        overlaps_truncated=len(overlaps) >= OVERLAP_LIMIT,
    )
    return out


def _proposals(hazard: Hazard, row: HazardLedger | None, evidence: list) -> list[dict]:
    """The ledger's proposals for this hazard, each with a translated title and reason."""
    out = []
    for p in ledger_queries.proposals(LEDGER_TOLERANCE_M2, country=hazard.country):
        if p["code"] != hazard.code:
            continue
        if p["change"] == "status" and p["to"] == "closed" and row is not None:
            title = _("Proposed: close this hazard")
            reason = _("remaining area %(remaining)s m² is under %(tolerance)s m²") % {
                "remaining": number_format(round(row.remaining_m2, 2), 2, force_grouping=True),
                "tolerance": number_format(LEDGER_TOLERANCE_M2, 0, force_grouping=True),
            }
        elif p["change"] == "hazard_class" and p["to"] == "CHA":
            direct = sum(1 for e in evidence if e.kind == "direct")
            title = _("Proposed: reclassify as a confirmed hazardous area (CHA)")
            reason = ngettext("%(n)s direct evidence item recorded", "%(n)s direct evidence items recorded", direct) % {
                "n": direct
            }
        else:
            title = _("Proposed: set %(field)s to %(value)s") % {"field": p["change"], "value": p["to"]}
            reason = p["reason"]
        out.append({**p, "title": title, "reason": reason})
    return out


def _context_area(hazard: Hazard) -> AdminArea | None:
    """The smallest admin area the hazard lies in (commune, else district, else province), with its outline.

    The commune's geometry came with the hazard; a district's or province's costs one more query.
    """
    if hazard.commune is not None:
        return hazard.commune
    area = hazard.district or hazard.province
    if area is None:
        return None
    return AdminArea.objects.only("code", "name", "level", "geom").get(pk=area.pk)


def _history_rows(hazard: Hazard) -> list[dict]:
    """History records, newest first, each with its changes against the record before it.

    Consecutive records are paired in Python (what `record.prev_record` would fetch one query at a
    time); foreign keys in the changes are shown by name, looked up with one query per model.
    """
    records = list(hazard.history.select_related("history_user").order_by("-history_date", "-history_id"))
    records = records[: HISTORY_LIMIT + 1]  # one extra so the oldest shown still has a previous record
    rows = []
    pending_fk: dict[type, set] = {}
    for index, record in enumerate(records[:HISTORY_LIMIT]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = Hazard._meta.get_field(change.field)
                changes.append({"field": field, "old": change.old, "new": change.new})
                if isinstance(field, ForeignKey):
                    pending_fk.setdefault(field.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
        rows.append({"record": record, "changes": changes})

    names: dict = {}
    for model, pks in pending_fk.items():
        queryset = model.objects.filter(pk__in=pks)
        if hasattr(model, "geom"):
            queryset = queryset.defer("geom")
        names.update({obj.pk: str(obj) for obj in queryset})
    for row in rows:
        row["changes"] = [
            {"label": c["field"].verbose_name, **_describe(c["field"], c["old"], c["new"], names)}
            for c in row["changes"]
        ]
    return rows


def _describe(field, old, new, names: dict) -> dict:
    """Readable old/new values for one changed field."""
    if field.name in {"geom", "benchmark"}:
        return {"old": "", "new": _("geometry changed"), "geometry": True}
    if isinstance(field, ForeignKey):
        return {"old": names.get(old, old or "—"), "new": names.get(new, new or "—")}
    if field.choices:
        labels = dict(field.flatchoices)
        return {"old": labels.get(old, old), "new": labels.get(new, new)}
    return {"old": _plain(old), "new": _plain(new)}


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)
