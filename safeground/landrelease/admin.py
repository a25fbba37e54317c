from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_map import GISAdmin
from safeground.core.admin_versions import VersionedAdminMixin
from safeground.landrelease.models import Device, Product


@admin.register(Product)
class ProductAdmin(VersionedAdminMixin, SimpleHistoryAdmin, GISAdmin):
    """Back office. `area_m2` is computed by the services from the geometry."""

    list_display = ["code", "outcome", "hazard", "activity", "released_on", "area_m2", "is_synthetic"]
    list_filter = ["outcome", "hazard__country", "is_synthetic"]
    search_fields = ["code", "hazard__code"]
    raw_id_fields = ["hazard", "activity"]
    readonly_fields = ["area_m2"]

    def save_model(self, request, obj, form, change):
        from safeground.core.geojson import to_shapely
        from safeground.core.geometry import area_m2

        obj.area_m2 = area_m2(to_shapely(obj.geom))
        super().save_model(request, obj, form, change)


@admin.register(Device)
class DeviceAdmin(VersionedAdminMixin, SimpleHistoryAdmin, GISAdmin):
    list_display = ["code", "category", "model", "condition", "disposal", "found_on", "count", "is_synthetic"]
    list_filter = ["category", "disposal", "condition", "is_synthetic"]
    search_fields = ["code", "product__code"]
    raw_id_fields = ["product", "activity", "model"]
