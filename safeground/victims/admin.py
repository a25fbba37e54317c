"""Back-office for accidents and victims: pseudonymised only (no encrypted column is shown), and the
access audit read-only. Personal data is opened on the victim's page, with a purpose, audited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_map import GISAdmin
from safeground.core.admin_versions import VersionedAdminMixin
from safeground.victims.models import AccessLog, Accident, Victim


@admin.register(Accident)
class AccidentAdmin(VersionedAdminMixin, SimpleHistoryAdmin, GISAdmin):
    list_display = [
        "code",
        "occurred_on",
        "country",
        "province",
        "accident_type",
        "device_category",
        "hazard",
        "evidence_status",
    ]
    list_filter = ["country", "accident_type", "device_category", "evidence_status", "is_synthetic"]
    search_fields = ["code"]
    raw_id_fields = ["hazard", "product", "activity", "province", "district", "commune"]


@admin.register(Victim)
class VictimAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "accident", "sex", "age_group", "outcome", "victim_type", "erased_at"]
    list_filter = ["outcome", "sex", "age_group", "victim_type", "is_synthetic"]
    search_fields = ["code", "accident__code"]
    exclude = ["name_enc", "date_of_birth_enc", "address_enc", "medical_notes_enc"]
    readonly_fields = ["code", "accident", "amputation", "age_group", "erased_at"]

    def has_add_permission(self, request):
        return False  # personal data is recorded through the services (encrypted, audited)

    def has_change_permission(self, request, obj=None):
        return False  # rectification goes through the audited services

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "victim_code", "purpose", "channel"]
    list_filter = ["action", "channel"]
    search_fields = ["username", "victim_code", "purpose"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
