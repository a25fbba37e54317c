"""The traverse page (/traverse/): enter a bearing/distance traverse, see its polygon and closure error,
create a hazard from it. Its forms are in hazards/forms.py.

The map, the hazard page and the hazard list span apps and live in `safeground.portal`
(docs/decisions/0018-layers.md).
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.gazetteer import traverse as traverse_lib
from safeground.hazards import forms, services

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
        settings_form = forms.TraverseSettingsForm(request.POST)
        legs = forms.LegFormSet(_with_more_rows(request.POST) if action == "more" else request.POST, prefix="leg")
        hazard_form = (
            forms.HazardFromTraverseForm(request.POST)
            if action == "create"
            else forms.HazardFromTraverseForm(initial=_hazard_initial())
        )
    else:
        example = request.GET.get("example") == "1"
        settings_form = forms.TraverseSettingsForm(initial=EXAMPLE["settings"] if example else None)
        rows = [_leg_initial(leg) for leg in EXAMPLE["legs"]] if example else []
        legs = forms.LegFormSet(initial=rows + [{} for _ in range(max(BLANK_ROWS - len(rows), 2))], prefix="leg")
        hazard_form = forms.HazardFromTraverseForm(initial=_hazard_initial())

    if action in ("compute", "create"):
        chain, row_of = forms.chain_from_forms(settings_form, legs)
        if chain is not None:
            try:
                result = traverse_lib.compute_traverse(chain)
            except traverse_lib.TraverseError as exc:
                error = str(exc)
                forms.mark_row_error(legs, row_of, exc.field, error)
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
                "type_label": dict(forms.POINT_TYPE_CHOICES).get(p.type, p.type),
                "reference_label": dict(forms.REFERENCE_CHOICES).get(p.reference, p.reference),
            }
            for p in result.points
        ],
        "map_features": features,
        "chain_json": json.dumps(result.chain.dump(), ensure_ascii=False, indent=2),
    }
