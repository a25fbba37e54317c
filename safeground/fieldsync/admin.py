from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.core.admin_versions import VersionedAdminMixin
from safeground.fieldsync.models import FieldOffice, LocalOffice, SyncImport, SyncPackage


@admin.register(FieldOffice)
class FieldOfficeAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "organisation", "fingerprint", "account"]
    readonly_fields = ["fingerprint"]


@admin.register(LocalOffice)
class LocalOfficeAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "organisation", "baseline_at", "server_fingerprint", "last_receipt_at"]


class _ReadOnly(VersionedAdminMixin, admin.ModelAdmin):
    """Packages sent and imported are a record of what happened: read, never changed here."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SyncPackage)
class SyncPackageAdmin(_ReadOnly):
    list_display = ["code", "sequence", "since", "cutoff"]


@admin.register(SyncImport)
class SyncImportAdmin(_ReadOnly):
    list_display = ["code", "office", "sequence", "submitted", "refused", "created_at"]
