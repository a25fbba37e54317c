from django import forms
from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_map import GISAdmin, GISTabularInline
from safeground.core.admin_versions import VersionedAdminMixin
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_shapely
from safeground.hazards.models import Beneficiary, Evidence, Hazard


class EvidenceInline(GISTabularInline):  # evidence may have a point
    model = Evidence
    extra = 0


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    extra = 0


class HazardForm(forms.ModelForm):
    class Meta:
        model = Hazard
        fields = "__all__"

    def clean(self):
        """A polygon or a point (with its radius), checked by the services' rules: the same messages."""
        from safeground.hazards.services import check_shape

        data = super().clean()
        geom, point = data.get("geom"), data.get("point")
        try:
            check_shape(
                to_shapely(geom) if geom else to_shapely(point) if point else None,
                self.instance.country or None,
                data.get("radius_m"),
                both=bool(geom and point),
            )
        except ValidationFailed as exc:
            field = exc.field if exc.field in ("radius_m",) else ("point" if point and not geom else "geom")
            raise forms.ValidationError({field: str(exc)}) from exc
        return data


@admin.register(Hazard)
class HazardAdmin(VersionedAdminMixin, SimpleHistoryAdmin, GISAdmin):
    """Back office. Area, country and admin areas are computed by the services, so read-only here.
    A hazard is a polygon (`geom`) or a point (`point`, with an optional `radius_m`), never both."""

    form = HazardForm  # the services' geometry rules, as field errors
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

        if {"geom", "point", "radius_m"} & set(form.changed_data) or not change:
            shape = obj.geom if obj.geom is not None else obj.point
            services.apply_geometry(obj, to_shapely(shape), obj.country or None, obj.radius_m)
        if not obj.code:
            obj.code = services.hazard_code(obj)
        super().save_model(request, obj, form, change)
