from django.contrib import admin

from safeground.core.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]
    list_filter = ["revoked"]
