from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_versions import VersionedAdminMixin
from safeground.exchange.models import ExportLog, PartnerDataset, PartnerKey, RedactionPolicy


@admin.register(PartnerKey)
class PartnerKeyAdmin(SimpleHistoryAdmin):
    list_display = ["fingerprint", "partner", "registered_at", "revoked_at"]
    readonly_fields = ["public_key", "fingerprint"]


@admin.register(RedactionPolicy)
class RedactionPolicyAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "version", "updated_at"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """What was sent is a fact: read, never changed."""

    list_display = ["created_at", "partner", "programme", "policy_name", "package_id"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PartnerDataset)
class PartnerDatasetAdmin(admin.ModelAdmin):
    """A partner's package is read-only here: no edit path."""

    list_display = ["imported_at", "partner", "programme", "package_id"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
