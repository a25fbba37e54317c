from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_map import GISAdmin
from safeground.core.admin_versions import VersionedAdminMixin
from safeground.eore.models import Session


@admin.register(Session)
class SessionAdmin(VersionedAdminMixin, SimpleHistoryAdmin, GISAdmin):
    list_display = ["code", "held_on", "country", "province", "organisation", "method", "girls", "boys", "women", "men"]
    list_filter = ["country", "method", "audience", "organisation", "is_synthetic"]
    search_fields = ["code"]
    raw_id_fields = ["province", "district", "team", "hazards"]
