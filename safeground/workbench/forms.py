"""Page forms that turn what an operator enters into a submission payload (the API's JSON shape).

A perimeter comes either from the map (drawn, GeoJSON in a hidden field) or typed as one vertex per
line in any format the gazetteer reads (decimal degrees, DMS, DDM, UTM, MGRS); typed vertices win,
so a user without a working map can still submit.
"""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeground.gazetteer.coordinates import CoordinateError, parse_coordinate
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.landrelease.models import Product
from safeground.operations.models import (
    METHOD_CHOICES,
    SOIL_METAL_CHOICES,
    TERRAIN_CHOICES,
    VEGETATION_CHOICES,
    WEATHER_CHOICES,
    Activity,
    ProgressReport,
)
from safeground.workbench.device_rows import DeviceRowsField

DATE = forms.DateInput(attrs={"type": "date"})


def _translated(choices):
    return [(key, gettext_lazy(label)) for key, label in choices]


def polygon_from_lines(text: str, allow_point: bool = False) -> dict:
    """Vertices, one per line, in any supported format → a closed GeoJSON Polygon (lon/lat); with
    `allow_point`, a single line is a point (a hazard known only as a spot)."""
    points = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            points.append(list(parse_coordinate(line.strip())))
        except CoordinateError as exc:
            raise forms.ValidationError(_("Line %(line)d: %(error)s") % {"line": number, "error": exc}) from exc
    if allow_point and len(points) == 1:
        return {"type": "Point", "coordinates": points[0]}
    if len(points) < 3:
        raise forms.ValidationError(_("Give at least three vertices, one per line."))
    if points[0] != points[-1]:
        points.append(points[0])
    return {"type": "Polygon", "coordinates": [points]}


class PerimeterMixin(forms.Form):
    allow_point = False  # hazards: one vertex is a point hazard
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)
    vertices = forms.CharField(
        label=gettext_lazy("Or type the vertices"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "dir": "ltr",  # coordinates read left to right in every language
                "placeholder": "13.0512, 103.0498\n48P 289000 1443000\n48PTU 89100 43100",
                "data-unreadable": gettext_lazy("Lines not read:"),  # the map's preview (typed-vertices.js)
            }
        ),
        help_text=gettext_lazy(
            "One vertex per line, latitude first in degrees (13.0512, 103.0498, or in degrees, minutes and seconds), "
            "or UTM, or MGRS."
        ),
    )

    def perimeter(self) -> dict:
        data = self.cleaned_data
        if data.get("vertices", "").strip():
            return polygon_from_lines(data["vertices"], self.allow_point)
        if data.get("geometry"):
            try:
                value = json.loads(data["geometry"])
            except ValueError as exc:
                raise forms.ValidationError(_("The drawn perimeter could not be read.")) from exc
            if isinstance(value, dict) and value.get("type") == "Feature":
                value = value.get("geometry")
            return value
        raise forms.ValidationError(_("Draw the perimeter on the map or type its vertices."))

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["perimeter"] = self.perimeter()
        except forms.ValidationError as exc:
            self.add_error("vertices", exc)
        return cleaned


class HazardForm(PerimeterMixin):
    allow_point = True
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    radius_m = forms.FloatField(
        label=gettext_lazy("Declared radius (m)"),
        required=False,
        min_value=0.1,
        max_value=10_000,
        help_text=gettext_lazy("For a hazard known only as a point: one vertex on the map or one line below."),
    )
    hazard_class = forms.ChoiceField(label=gettext_lazy("Class"), choices=_translated(Hazard.CLASS_CHOICES))
    contamination_type = forms.ChoiceField(
        label=gettext_lazy("Contamination"), choices=_translated(CONTAMINATION_CHOICES)
    )
    recorded_on = forms.DateField(label=gettext_lazy("Recorded on"), widget=DATE)
    # In the order a person fills them: what and when, then where (the map, or typed vertices).
    field_order = ["name", "hazard_class", "contamination_type", "recorded_on", "geometry", "vertices", "radius_m"]

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "geometry": d["perimeter"],
            "hazard_class": d["hazard_class"],
            "contamination_type": d["contamination_type"],
            "recorded_on": d["recorded_on"].isoformat(),
            "name": d["name"],
            **({"radius_m": d["radius_m"]} if d.get("radius_m") and d["perimeter"].get("type") == "Point" else {}),
        }


class ActivityForm(forms.Form):
    activity_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=_translated(Activity.TYPE_CHOICES))
    methods = forms.MultipleChoiceField(
        label=gettext_lazy("Methods"), choices=_translated(METHOD_CHOICES), widget=forms.CheckboxSelectMultiple
    )
    hazards = forms.CharField(
        label=gettext_lazy("Hazard codes"), help_text=gettext_lazy("Separated by commas or spaces.")
    )
    teams = forms.CharField(label=gettext_lazy("Team codes"), required=False)
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "activity_type": d["activity_type"],
            "methods": d["methods"],
            "hazards": d["hazards"].replace(",", " ").split(),
            "teams": d["teams"].replace(",", " ").split(),
            "start_date": d["start_date"].isoformat(),
        }


class ProductForm(PerimeterMixin):
    activity = forms.CharField(label=gettext_lazy("Activity code"))
    hazard = forms.CharField(label=gettext_lazy("Hazard code"))
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=_translated(Product.OUTCOME_CHOICES))
    released_on = forms.DateField(label=gettext_lazy("Released on"), widget=DATE)
    clearance_depth_cm = forms.IntegerField(
        label=gettext_lazy("Clearance depth (cm)"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("Required when the outcome is cleared."),
    )
    devices = DeviceRowsField(label=gettext_lazy("Devices found"))
    field_order = [
        "activity",
        "hazard",
        "outcome",
        "released_on",
        "clearance_depth_cm",
        "geometry",
        "vertices",
        "devices",
    ]

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "activity": d["activity"].strip(),
            "hazard": d["hazard"].strip(),
            "outcome": d["outcome"],
            "geometry": d["perimeter"],
            "released_on": d["released_on"].isoformat(),
            "clearance_depth_cm": d["clearance_depth_cm"],
            "devices": d["devices"],
        }


class ProgressForm(forms.Form):
    activity = forms.CharField(label=gettext_lazy("Activity code"))
    team = forms.CharField(label=gettext_lazy("Team code"))
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=_translated(ProgressReport.PERIOD_CHOICES))
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=_translated(METHOD_CHOICES))
    area_m2 = forms.FloatField(label=gettext_lazy("Area searched (m²)"), min_value=0)
    days_worked = forms.FloatField(label=gettext_lazy("Days worked"), initial=1, min_value=0.1)
    searchers = forms.IntegerField(label=gettext_lazy("Searchers"), min_value=0)
    hours_per_day = forms.FloatField(label=gettext_lazy("Hours per day"), min_value=0)
    devices_found = forms.IntegerField(label=gettext_lazy("Devices found"), initial=0, min_value=0)
    terrain = forms.ChoiceField(label=gettext_lazy("Terrain"), choices=_translated(TERRAIN_CHOICES))
    vegetation = forms.ChoiceField(label=gettext_lazy("Vegetation"), choices=_translated(VEGETATION_CHOICES))
    soil_metal = forms.ChoiceField(label=gettext_lazy("Soil metal content"), choices=_translated(SOIL_METAL_CHOICES))
    # A blank first choice: an unanswered weather is recorded as unknown, never silently as "Dry".
    weather = forms.ChoiceField(
        label=gettext_lazy("Weather"),
        choices=[("", gettext_lazy("Not recorded")), *_translated(WEATHER_CHOICES)],
        required=False,
    )

    def payload(self) -> dict:
        d = dict(self.cleaned_data)
        d["date"] = d["date"].isoformat()
        return {k: v for k, v in d.items() if v not in (None, "")}


FORMS = {"hazard": HazardForm, "activity": ActivityForm, "product": ProductForm, "progress": ProgressForm}
