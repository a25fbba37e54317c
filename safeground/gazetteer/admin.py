"""Back-office for the gazetteer's reference data."""

from django import forms
from django.contrib import admin

from safeground.core.admin_map import GISAdmin
from safeground.core.admin_versions import SEEN, VersionedAdminMixin
from safeground.core.errors import ValidationFailed
from safeground.gazetteer import programmes
from safeground.gazetteer.models import AdminArea, Place, Programme


@admin.register(AdminArea)
class AdminAreaAdmin(GISAdmin):
    list_display = ("code", "name", "country", "level", "parent", "source")
    list_filter = ("country", "level")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("country", "level", "code")


@admin.register(Place)
class PlaceAdmin(GISAdmin):
    list_display = ("code", "name", "country", "kind", "admin_area", "source")
    list_filter = ("country", "kind", "admin_area__level")
    search_fields = ("code", "name")
    list_select_related = ("admin_area",)
    autocomplete_fields = ("admin_area",)
    ordering = ("country", "kind", "code")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ("iso3", *programmes.FIELDS)

    def clean(self):
        """The service's checks, shown on the field they concern (never a server error)."""
        data = super().clean()
        try:
            if not self.instance.pk:
                programmes.iso3_of(data.get("iso3"))
            programmes.check({name: data.get(name) for name in programmes.FIELDS if name in data})
        except ValidationFailed as exc:
            raise forms.ValidationError({exc.field if exc.field in self.fields else None: str(exc)}) from exc
        return data


@admin.register(Programme)
class ProgrammeAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Saves go through `gazetteer.programmes` (the same checks as the CLI and the API), with the
    version the form showed (its check already ran under the row's lock: core/admin_versions.py)."""

    form = ProgrammeForm
    list_display = ("iso3", "name", "apmbc_party", "ccm_party", "article5_deadline")
    search_fields = ("iso3", "name")
    ordering = ("iso3",)

    def get_readonly_fields(self, request, obj=None):
        return ("iso3",) if obj else ()

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in programmes.FIELDS if name in form.cleaned_data}
        if change:
            saved = programmes.edit_programme(obj.iso3, expected_version=form.cleaned_data[SEEN], **values)
        else:
            saved = programmes.add_programme(form.cleaned_data["iso3"], **values)
        obj.pk = saved.pk
