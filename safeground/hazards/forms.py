"""Forms of the hazard pages: the traverse page's settings, legs and "create a hazard from it".

`chain_from_forms` turns the valid forms into the chain `gazetteer.traverse.compute_traverse` reads, and
`mark_row_error` puts a traverse error back on the row and field it names.
"""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy

from safeground.hazards.models import Hazard

DATUM_CHOICES = [("WGS84", "WGS 84"), ("INDIAN1960", "Indian 1960"), ("PULKOVO1942", "Pulkovo 1942 (SK-42)")]
FORMAT_CHOICES = [
    ("", gettext_lazy("detect")),
    ("dd", gettext_lazy("Decimal degrees")),
    ("dms", gettext_lazy("Degrees, minutes, seconds")),
    ("ddm", gettext_lazy("Degrees, decimal minutes")),
    ("utm", "UTM"),
    ("mgrs", "MGRS"),
]
POINT_TYPE_CHOICES = [
    ("reference", gettext_lazy("Reference point")),
    ("benchmark", gettext_lazy("Benchmark")),
    ("start", gettext_lazy("Start point")),
    ("turning", gettext_lazy("Turning point")),
    ("intermediate", gettext_lazy("Intermediate point")),
    ("end", gettext_lazy("End point")),
    ("closing", gettext_lazy("Closing leg")),
]
REFERENCE_CHOICES = [
    ("magnetic", gettext_lazy("Magnetic")),
    ("grid", gettext_lazy("Grid")),
    ("true", gettext_lazy("True")),
]
UNIT_CHOICES = [
    ("degrees", gettext_lazy("Degrees")),
    ("mils", gettext_lazy("Mils (6400)")),
    ("mils6000", gettext_lazy("Mils (6000)")),
]


class TraverseSettingsForm(forms.Form):
    datum = forms.ChoiceField(label=gettext_lazy("Datum of the coordinates"), choices=DATUM_CHOICES, initial="WGS84")
    coordinate_format = forms.ChoiceField(
        label=gettext_lazy("Coordinate format"), choices=FORMAT_CHOICES, required=False
    )
    bearing_unit = forms.ChoiceField(label=gettext_lazy("Bearings in"), choices=UNIT_CHOICES, initial="degrees")
    bearing_reference = forms.ChoiceField(
        label=gettext_lazy("Bearings are"), choices=REFERENCE_CHOICES, initial="magnetic"
    )
    declination = forms.FloatField(
        label=gettext_lazy("Magnetic declination (°, east +)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    adjustment = forms.ChoiceField(
        label=gettext_lazy("Misclosure"),
        choices=[("none", gettext_lazy("Keep as measured")), ("bowditch", gettext_lazy("Spread it (Bowditch)"))],
        initial="none",
    )


class LegForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Point"), required=False, max_length=40)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=POINT_TYPE_CHOICES, initial="turning")
    source = forms.CharField(label=gettext_lazy("From"), required=False, max_length=40)
    coordinate = forms.CharField(label=gettext_lazy("Coordinate"), required=False, max_length=100)
    bearing = forms.FloatField(
        label=gettext_lazy("Bearing"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    reference = forms.ChoiceField(
        label=gettext_lazy("Reference"), choices=[("", "—"), *REFERENCE_CHOICES], required=False
    )
    distance = forms.FloatField(
        label=gettext_lazy("Distance (m)"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k) not in (None, "") for k in ("name", "source", "coordinate", "bearing", "distance"))


LegFormSet = formset_factory(LegForm, extra=0)


class HazardFromTraverseForm(forms.Form):
    hazard_class = forms.ChoiceField(label=gettext_lazy("Class"), choices=Hazard.CLASS_CHOICES)
    contamination_type = forms.ChoiceField(
        label=gettext_lazy("Contamination"), choices=Hazard._meta.get_field("contamination_type").choices
    )
    recorded_on = forms.DateField(label=gettext_lazy("Recorded on"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)


def chain_from_forms(settings_form, legs) -> tuple[dict | None, dict[int, int]]:
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


def mark_row_error(legs, row_of: dict[int, int], field: str | None, message: str) -> None:
    """Show a traverse error on the row and field it names ("points[3].bearing")."""
    if not field or not field.startswith("points["):
        return
    index = int(field[len("points[") : field.index("]")])
    name = field.split(".", 1)[1] if "." in field else None
    if index in row_of:
        target = _FIELD_OF.get(name) or (name if name in ("name", "type", "reference") else None)
        legs.forms[row_of[index]].add_error(target, message)
