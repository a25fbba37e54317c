from django.contrib import admin

from safeground.core.admin_versions import VersionedAdminMixin
from safeground.organisations.models import Accreditation, AnimalAccreditation, Asset, Organisation, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "country", "is_synthetic"]
    list_filter = ["country", "kind"]
    search_fields = ["acronym", "name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "organisation", "kind", "size"]
    list_filter = ["kind", "organisation"]
    search_fields = ["code"]


@admin.register(Asset)
class AssetAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["identifier", "kind", "name", "team"]
    list_filter = ["kind"]
    search_fields = ["identifier", "name"]


@admin.register(Accreditation)
class AccreditationAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "organisation", "method", "valid_from", "valid_until", "issuing_authority"]
    list_filter = ["method"]
    search_fields = ["code", "organisation__acronym"]


@admin.register(AnimalAccreditation)
class AnimalAccreditationAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "asset", "handler", "valid_from", "valid_until", "issuing_authority"]
    search_fields = ["code", "asset__identifier"]
    raw_id_fields = ["asset", "handler"]
