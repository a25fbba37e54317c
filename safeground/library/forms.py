"""The model edit form: the record's fields, aliases one per line ("name | language") and similar models."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeground.ordnance.models import (
    ACTUATION_CHOICES,
    CATEGORY_CHOICES,
    DETECTION_CHOICES,
    METAL_CONTENT_CHOICES,
    OrdnanceModel,
)

TEXT_FIELDS = ("type", "origin", "main_charge", "fill", "fuze", "actuation_force")
NUMBER_FIELDS = ("length_mm", "width_mm", "height_mm", "diameter_mm", "weight_g", "fill_mass_g")
LONG_FIELDS = ("colour_markings", "features", "deminer_hazards", "notes", "sources")


def _translated(choices):
    return [(k, gettext_lazy(v)) for k, v in choices]


class ModelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=_translated(CATEGORY_CHOICES))
    type = forms.CharField(label=gettext_lazy("Type"), max_length=120, required=False)
    origin = forms.CharField(label=gettext_lazy("Country of origin"), max_length=80, required=False)
    length_mm = forms.IntegerField(label=gettext_lazy("Length (mm)"), min_value=0, required=False)
    width_mm = forms.IntegerField(label=gettext_lazy("Width (mm)"), min_value=0, required=False)
    height_mm = forms.IntegerField(label=gettext_lazy("Height (mm)"), min_value=0, required=False)
    diameter_mm = forms.IntegerField(label=gettext_lazy("Diameter (mm)"), min_value=0, required=False)
    weight_g = forms.IntegerField(label=gettext_lazy("Weight (g)"), min_value=0, required=False)
    main_charge = forms.CharField(label=gettext_lazy("Main charge"), max_length=120, required=False)
    fill = forms.CharField(label=gettext_lazy("Explosive fill"), max_length=80, required=False)
    fill_mass_g = forms.IntegerField(label=gettext_lazy("Explosive mass (g)"), min_value=0, required=False)
    metal_content = forms.ChoiceField(label=gettext_lazy("Metal content"), choices=_translated(METAL_CONTENT_CHOICES))
    detectable_by = forms.MultipleChoiceField(
        label=gettext_lazy("Detectable by"),
        choices=_translated(DETECTION_CHOICES),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fuze = forms.CharField(label=gettext_lazy("Fuze"), max_length=120, required=False)
    actuation = forms.MultipleChoiceField(
        label=gettext_lazy("Actuation"),
        choices=_translated(ACTUATION_CHOICES),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    actuation_force = forms.CharField(label=gettext_lazy("Actuation force"), max_length=60, required=False)
    colour_markings = forms.CharField(label=gettext_lazy("Colour and markings"), widget=forms.Textarea, required=False)
    features = forms.CharField(label=gettext_lazy("Distinguishing features"), widget=forms.Textarea, required=False)
    deminer_hazards = forms.CharField(
        label=gettext_lazy("Hazards to the deminer"), widget=forms.Textarea, required=False
    )
    aliases = forms.CharField(
        label=gettext_lazy("Aliases"),
        help_text=gettext_lazy('One per line: "name | language code" (km, az…); the language may be left out.'),
        widget=forms.Textarea,
        required=False,
    )
    similar = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Similar models"), queryset=OrdnanceModel.objects.order_by("name"), required=False
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea, required=False)
    sources = forms.CharField(
        label=gettext_lazy("Sources"),
        help_text=gettext_lazy("One URL per line."),
        widget=forms.Textarea,
        required=False,
    )

    @classmethod
    def initial_for(cls, model: OrdnanceModel) -> dict:
        fields = {name: getattr(model, name) for name in (*TEXT_FIELDS, *NUMBER_FIELDS, *LONG_FIELDS)}
        aliases = "\n".join(f"{a.name} | {a.language}" if a.language else a.name for a in model.aliases.all())
        return {
            **fields,
            "version": model.version,
            "category": model.category,
            "metal_content": model.metal_content,
            "detectable_by": model.detectable_by,
            "actuation": model.actuation,
            "aliases": aliases,
            "similar": list(model.similar_models.all()),
        }

    def clean_aliases(self) -> list[tuple[str, str]]:
        out = []
        for n, line in enumerate(self.cleaned_data["aliases"].splitlines(), start=1):
            name, _sep, language = line.partition("|")
            name, language = name.strip(), language.strip()
            if not name:
                continue
            if len(name) > 120 or len(language) > 10:
                raise forms.ValidationError(
                    _("line %(n)s: a name has at most 120 characters and a language code at most 10") % {"n": n}
                )
            out.append((name, language))
        return out

    def changes(self) -> dict:
        """The keyword arguments of `ordnance.services.update_model` (blank numbers become None)."""
        data = self.cleaned_data
        fields = {name: data[name] for name in (*TEXT_FIELDS, *NUMBER_FIELDS, *LONG_FIELDS)}
        for name in NUMBER_FIELDS:
            fields[name] = data[name] if data[name] is not None else None
        return {
            **fields,
            "category": data["category"],
            "metal_content": data["metal_content"],
            "detectable_by": list(data["detectable_by"]),
            "actuation": list(data["actuation"]),
            "aliases": data["aliases"],
            "similar": list(data["similar"]),
        }
