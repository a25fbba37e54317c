from django.contrib import admin

from safeground.organisations.models import Asset, Organisation, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "country", "is_synthetic"]
    list_filter = ["country", "kind"]
    search_fields = ["acronym", "name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation", "kind", "size"]
    list_filter = ["kind", "organisation"]
    search_fields = ["code"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["identifier", "kind", "name", "team"]
    list_filter = ["kind"]
    search_fields = ["identifier", "name"]
