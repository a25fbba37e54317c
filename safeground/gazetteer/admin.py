"""Back-office for the gazetteer's reference data."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from safeground.gazetteer.models import AdminArea, Place


@admin.register(AdminArea)
class AdminAreaAdmin(GISModelAdmin):
    list_display = ("code", "name", "country", "level", "parent", "source")
    list_filter = ("country", "level")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("country", "level", "code")


@admin.register(Place)
class PlaceAdmin(GISModelAdmin):
    list_display = ("code", "name", "country", "kind", "admin_area", "source")
    list_filter = ("country", "kind", "admin_area__level")
    search_fields = ("code", "name")
    list_select_related = ("admin_area",)
    autocomplete_fields = ("admin_area",)
    ordering = ("country", "kind", "code")
