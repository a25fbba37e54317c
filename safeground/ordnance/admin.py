from django.contrib import admin

from safeground.ordnance.models import OrdnanceModel


@admin.register(OrdnanceModel)
class OrdnanceModelAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "origin")
    list_filter = ("category",)
    search_fields = ("name",)
