from django import forms
from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_shapely
from safeground.hazards.models import Beneficiary, Evidence, Hazard


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    extra = 0


class HazardForm(forms.ModelForm):
    class Meta:
        model = Hazard
        fields = "__all__"

    def clean_geom(self):
        from safeground.hazards.services import place_polygon

        geom = self.cleaned_data["geom"]
        try:
            place_polygon(to_shapely(geom), self.instance.country or None, "hazard geometry")
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc
        return geom


@admin.register(Hazard)
class HazardAdmin(SimpleHistoryAdmin, admin.GISModelAdmin):
    """Back office. Area, country and admin areas are computed by the services, so read-only here."""

    list_display = [
        "code",
        "hazard_class",
        "status",
        "contamination_type",
        "country",
        "province",
        "area_m2",
        "is_synthetic",
    ]
    list_filter = ["country", "hazard_class", "status", "contamination_type", "is_synthetic"]
    search_fields = ["code", "name"]
    readonly_fields = ["area_m2", "utm_epsg", "country", "province", "district", "commune", "created_at", "updated_at"]
    autocomplete_fields = ["suspected_models"]
    inlines = [EvidenceInline, BeneficiaryInline]
    list_select_related = ["province"]

    def save_model(self, request, obj, form, change):
        from safeground.hazards import services

        if "geom" in form.changed_data or not change:
            services.apply_geometry(obj, to_shapely(obj.geom), obj.country or None)
        if not obj.code:
            obj.code = services.hazard_code(obj)
        super().save_model(request, obj, form, change)
