from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_versions import VersionedAdminMixin
from safeground.tasking.models import DevelopmentRequest, PrioritySnapshot, PriorityWeights, Task


@admin.register(Task)
class TaskAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "country", "organisation", "priority", "status", "planned_start", "planned_end"]
    list_filter = ["country", "status", "priority", "organisation", "is_synthetic"]
    search_fields = ["code"]
    raw_id_fields = ["hazards", "activities", "province"]


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "country", "version", "updated_at"]


@admin.register(PrioritySnapshot)
class PrioritySnapshotAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """A kept ranking explains a past decision: it is read, never changed."""

    list_display = ["code", "country", "weights_version", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DevelopmentRequest)
class DevelopmentRequestAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "country", "requester", "project", "purpose", "status", "requested_on"]
    list_filter = ["country", "purpose", "status", "is_synthetic"]
    raw_id_fields = ["hazards"]
