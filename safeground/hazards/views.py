"""Pages: the hazard map (home), one hazard's detail page and the traverse form (/traverse/).

The map page fetches its data from the API (`/api/v1/...`) in the browser; the detail page is
rendered from the database and embeds its own geometry, so it works without the API.
"""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from safeground.core import record_pages
from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.gazetteer import traverse as traverse_lib
from safeground.gazetteer.models import AdminArea
from safeground.hazards import map_views, services
from safeground.hazards.models import Hazard
from safeground.landrelease.ledger import queries as ledger_queries
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


@page()
def home(request: HttpRequest) -> HttpResponse:
    """Full-width map: hazards, products, remaining areas, devices, activities, villages, boundaries.

    Everything it draws is fetched by static/js/map.js for the visible bbox (docs/decisions/0011);
    the layers, filters and every label come from hazards/map_views.py through the JSON config.
    """
    countries = [{**c, "name": _(c["name"])} for c in COUNTRIES]
    requested = request.GET.get("country", "").upper()
    initial = requested if requested in {c["code"] for c in COUNTRIES} else COUNTRIES[0]["code"]
    placeholders = {"shown": "{shown}", "total": "{total}"}
    api = get_script_prefix() + API_PREFIX
    urls = map_views.record_urls()
    layers = map_views.overview_layers(api)
    filters = map_views.filter_options()
    config = {
        "api": api,
        "detailUrl": reverse("hazard-detail", args=["__CODE__"]),
        "urls": urls,
        "countries": countries,
        "initialCountry": initial,
        "hazardLimit": HAZARD_LIMIT,
        "boundarySimplify": BOUNDARY_SIMPLIFY,
        "layers": layers,
        "filters": filters,
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
            **map_views.popup_labels(),
        },
    }
    return render(
        request,
        "home.html",
        {
            "map_config": config,
            "countries": countries,
            "layers": layers,
            "filters": filters,
            "has_synthetic": _has_synthetic(),
        },
    )


@page("hazards.view_hazard")
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
    history = record_pages.history_rows(hazard, HISTORY_LIMIT)
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


# ------------------------------------------------------------------------------------ traverse page

DATUM_CHOICES = [("WGS84", "WGS 84"), ("INDIAN1960", "Indian 1960"), ("PULKOVO1942", "Pulkovo 1942 (SK-42)")]
FORMAT_CHOICES = [
    ("", _lazy("detect")),
    ("dd", _lazy("Decimal degrees")),
    ("dms", _lazy("Degrees, minutes, seconds")),
    ("ddm", _lazy("Degrees, decimal minutes")),
    ("utm", "UTM"),
    ("mgrs", "MGRS"),
]
POINT_TYPE_CHOICES = [
    ("reference", _lazy("Reference point")),
    ("benchmark", _lazy("Benchmark")),
    ("start", _lazy("Start point")),
    ("turning", _lazy("Turning point")),
    ("intermediate", _lazy("Intermediate point")),
    ("end", _lazy("End point")),
    ("closing", _lazy("Closing leg")),
]
REFERENCE_CHOICES = [("magnetic", _lazy("Magnetic")), ("grid", _lazy("Grid")), ("true", _lazy("True"))]
UNIT_CHOICES = [("degrees", _lazy("Degrees")), ("mils", _lazy("Mils (6400)")), ("mils6000", _lazy("Mils (6000)"))]
BLANK_ROWS = 8
MORE_ROWS = 5
# A worked example in Battambang: landmark → benchmark → start, four turning points, an intermediate
# point on the long west side, and the closing leg (closes to 0.44 m, 1:1,021).
EXAMPLE = {
    "settings": {"datum": "WGS84", "bearing_unit": "degrees", "bearing_reference": "magnetic", "declination": -0.4},
    "legs": [
        {"name": "RP", "type": "reference", "coordinate": "13°03'04.3\"N 103°03'07.6\"E"},
        {"name": "BM", "type": "benchmark", "bearing": 52, "distance": 85},
        {"name": "SP", "type": "start", "bearing": 118, "distance": 24},
        {"name": "TP1", "type": "turning", "bearing": 95, "distance": 112},
        {"name": "TP2", "type": "turning", "bearing": 172, "distance": 86},
        {"name": "TP3", "type": "turning", "bearing": 241, "distance": 64},
        {"name": "TP4", "type": "turning", "bearing": 268, "distance": 55.5},
        {"name": "IP1", "type": "intermediate", "bearing": 354.5, "distance": 64},
        {"name": "CL", "type": "closing", "bearing": 355, "distance": 64.2},
    ],
}


class TraverseSettingsForm(forms.Form):
    datum = forms.ChoiceField(label=_lazy("Datum of the coordinates"), choices=DATUM_CHOICES, initial="WGS84")
    coordinate_format = forms.ChoiceField(label=_lazy("Coordinate format"), choices=FORMAT_CHOICES, required=False)
    bearing_unit = forms.ChoiceField(label=_lazy("Bearings in"), choices=UNIT_CHOICES, initial="degrees")
    bearing_reference = forms.ChoiceField(label=_lazy("Bearings are"), choices=REFERENCE_CHOICES, initial="magnetic")
    declination = forms.FloatField(
        label=_lazy("Magnetic declination (°, east +)"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    adjustment = forms.ChoiceField(
        label=_lazy("Misclosure"),
        choices=[("none", _lazy("Keep as measured")), ("bowditch", _lazy("Spread it (Bowditch)"))],
        initial="none",
    )


class LegForm(forms.Form):
    name = forms.CharField(label=_lazy("Point"), required=False, max_length=40)
    type = forms.ChoiceField(label=_lazy("Type"), choices=POINT_TYPE_CHOICES, initial="turning")
    source = forms.CharField(label=_lazy("From"), required=False, max_length=40)
    coordinate = forms.CharField(label=_lazy("Coordinate"), required=False, max_length=100)
    bearing = forms.FloatField(label=_lazy("Bearing"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    reference = forms.ChoiceField(label=_lazy("Reference"), choices=[("", "—"), *REFERENCE_CHOICES], required=False)
    distance = forms.FloatField(
        label=_lazy("Distance (m)"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k) not in (None, "") for k in ("name", "source", "coordinate", "bearing", "distance"))


LegFormSet = formset_factory(LegForm, extra=0)


class HazardFromTraverseForm(forms.Form):
    hazard_class = forms.ChoiceField(label=_lazy("Class"), choices=Hazard.CLASS_CHOICES)
    contamination_type = forms.ChoiceField(
        label=_lazy("Contamination"), choices=Hazard._meta.get_field("contamination_type").choices
    )
    recorded_on = forms.DateField(label=_lazy("Recorded on"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_lazy("Name"), required=False, max_length=200)


@page("hazards.view_hazard")
def traverse_page(request: HttpRequest) -> HttpResponse:
    """Enter a bearing/distance traverse, see its polygon and closure error, create a hazard from it.

    Plain POST forms (no JavaScript needed except for the map): "compute" shows the result, "more"
    adds rows, "create" (signed-in users) creates the hazard and keeps the chain with it.
    """
    action = request.POST.get("action", "compute") if request.method == "POST" else None
    result = error = None
    warnings: list[str] = []
    if request.method == "POST":
        settings_form = TraverseSettingsForm(request.POST)
        legs = LegFormSet(_with_more_rows(request.POST) if action == "more" else request.POST, prefix="leg")
        hazard_form = (
            HazardFromTraverseForm(request.POST)
            if action == "create"
            else HazardFromTraverseForm(initial=_hazard_initial())
        )
    else:
        example = request.GET.get("example") == "1"
        settings_form = TraverseSettingsForm(initial=EXAMPLE["settings"] if example else None)
        rows = [_leg_initial(leg) for leg in EXAMPLE["legs"]] if example else []
        legs = LegFormSet(initial=rows + [{} for _ in range(max(BLANK_ROWS - len(rows), 2))], prefix="leg")
        hazard_form = HazardFromTraverseForm(initial=_hazard_initial())

    if action in ("compute", "create"):
        chain, row_of = _chain(settings_form, legs)
        if chain is not None:
            try:
                result = traverse_lib.compute_traverse(chain)
            except traverse_lib.TraverseError as exc:
                error = str(exc)
                _mark_row(legs, row_of, exc.field, error)
        else:
            error = _("Correct the fields marked below.")
    if result is not None:
        warnings = list(result.warnings)
        problem = traverse_lib.country_warning(result)
        if problem:
            warnings.append(problem)
    if action == "create" and result is not None:
        if not request.user.has_perm("hazards.add_hazard"):
            error = _("Your role cannot create hazards: submit it through the workbench.")
        elif hazard_form.is_valid():
            try:
                hazard, _row, _result = services.create_hazard_from_traverse(
                    traverse=result.chain, user=request.user, **hazard_form.cleaned_data
                )
            except ValidationFailed as exc:
                error = str(exc)
            else:
                return redirect("hazard-detail", hazard.code)

    context = {
        "settings_form": settings_form,
        "legs": legs,
        "hazard_form": hazard_form,
        "result": result,
        "warnings": warnings,
        "error": error,
        "has_synthetic": _has_synthetic(),
    }
    if result is not None:
        context.update(_result_context(result))
    return render(request, "hazards/traverse.html", context, status=422 if error and request.method == "POST" else 200)


def _hazard_initial() -> dict:
    return {"recorded_on": dt.date.today(), "hazard_class": "SHA"}


def _leg_initial(leg: dict) -> dict:
    return {("source" if k == "from" else k): v for k, v in leg.items()}


def _with_more_rows(data):
    data = data.copy()
    total = int(data.get("leg-TOTAL_FORMS") or 0)
    data["leg-TOTAL_FORMS"] = str(min(total + MORE_ROWS, 200))
    return data


def _chain(settings_form, legs) -> tuple[dict | None, dict[int, int]]:
    """The chain (dict) from the forms, and for each chain point the formset row it came from."""
    if not (settings_form.is_valid() and legs.is_valid()):
        return None, {}
    points, row_of = [], {}
    for row, form in enumerate(legs.forms):
        if not form.cleaned_data or form.is_blank():
            continue
        data = form.cleaned_data
        point = {"name": data["name"], "type": data["type"]}
        for key, target in (("source", "from"), ("coordinate", "coordinate"), ("reference", "reference")):
            if data.get(key):
                point[target] = data[key]
        for key in ("bearing", "distance"):
            if data.get(key) is not None:
                point[key] = data[key]
        row_of[len(points)] = row
        points.append(point)
    settings = {k: v for k, v in settings_form.cleaned_data.items() if v not in (None, "")}
    return {"points": points, **settings}, row_of


_FIELD_OF = {"from": "source", "coordinate": "coordinate", "bearing": "bearing", "distance": "distance"}


def _mark_row(legs, row_of: dict[int, int], field: str | None, message: str) -> None:
    """Show a traverse error on the row and field it names ("points[3].bearing")."""
    if not field or not field.startswith("points["):
        return
    index = int(field[len("points[") : field.index("]")])
    name = field.split(".", 1)[1] if "." in field else None
    if index in row_of:
        target = _FIELD_OF.get(name) or (name if name in ("name", "type", "reference") else None)
        legs.forms[row_of[index]].add_error(target, message)


def _result_context(result) -> dict:
    data = result.as_dict()
    start = result.start
    approach = [p for p in result.points if p.type in ("reference", "benchmark")] + [start]
    features = {
        "polygon": {"type": "Feature", "geometry": data["polygon"], "properties": {}},
        "points": data["points"],
        "approach": (
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in approach]},
                "properties": {},
            }
            if len(approach) > 1
            else None
        ),
        "closure": (
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(result.closing_point), [start.lon, start.lat]]},
                "properties": {},
            }
            if result.closing_point
            else None
        ),
    }
    ratio = result.closure_ratio
    return {
        "summary": data,
        "closure_poor": any(w.startswith("closure error") for w in result.warnings),
        "ratio_text": f"1:{number_format(ratio, 0, force_grouping=True)}" if ratio else None,
        "area_ha": result.area_m2 / 10_000,
        "point_rows": [
            {
                "point": p,
                "type_label": dict(POINT_TYPE_CHOICES).get(p.type, p.type),
                "reference_label": dict(REFERENCE_CHOICES).get(p.reference, p.reference),
            }
            for p in result.points
        ],
        "map_features": features,
        "chain_json": json.dumps(result.chain.dump(), ensure_ascii=False, indent=2),
    }
