from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_map import GISAdmin
from safeground.core.admin_versions import VersionedAdminMixin
from safeground.operations.models import Activity


@admin.register(Activity)
class ActivityAdmin(VersionedAdminMixin, SimpleHistoryAdmin, GISAdmin):
    list_display = [
        "code",
        "activity_type",
        "organisation",
        "status",
        "start_date",
        "end_date",
        "country",
        "is_synthetic",
    ]
    list_filter = ["country", "activity_type", "status", "organisation", "is_synthetic"]
    search_fields = ["code"]
    raw_id_fields = ["hazards"]
    filter_horizontal = ["teams"]
