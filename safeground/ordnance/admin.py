from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_versions import VersionedAdminMixin
from safeground.ordnance.models import OrdnanceModel


@admin.register(OrdnanceModel)
class OrdnanceModelAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Corrections in the back office check the version like the library's edit page; new models are added
    through the library (its services give the slug and validate every field)."""

    list_display = ("name", "category", "origin", "metal_content")
    list_filter = ("category", "metal_content")
    search_fields = ("name", "aliases__name")
    readonly_fields = ("slug",)

    def has_add_permission(self, request):
        return False
