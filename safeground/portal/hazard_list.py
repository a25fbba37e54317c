"""The hazard list page (/hazards/): filters, search, sorting, paging and CSV export.

The machinery is safeground.core.listing; this module says what a hazard row holds. Counts of
activities, products and device items are correlated subqueries and the ledger comes joined, so a
page costs the same few queries however many hazards it shows.
"""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safeground.core.access import page
from safeground.core.listing import (
    Column,
    CsvField,
    ListFilterForm,
    RecordList,
    area_choices,
    attr,
    optional_choice,
    organisation_choices,
    render_list,
    total,
)
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import admin_level_labels, country_choices, country_names
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.landrelease.models import Device, Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation


def provinces():
    return area_choices(AdminArea.objects.filter(level=1), country_names())


def organisations():
    return organisation_choices(Organisation.objects.all())


class HazardFilterForm(ListFilterForm):
    country = optional_choice(_("Country"), country_choices)
    province = optional_choice(_("Province"), provinces)
    hazard_class = optional_choice(_("Class"), Hazard.CLASS_CHOICES)
    status = optional_choice(_("Status"), Hazard.STATUS_CHOICES)
    contamination_type = optional_choice(_("Contamination"), CONTAMINATION_CHOICES)
    organisation = optional_choice(_("Organisation"), organisations)

    field_order = ["q", "country", "province", "hazard_class", "status", "contamination_type", "organisation"]
    lookups = {
        "country": "country",
        "province": "province__code",
        "hazard_class": "hazard_class",
        "status": "status",
        "contamination_type": "contamination_type",
        "organisation": "reporting_organisation__acronym",
    }
    date_range = "recorded_on"
    date_label = _("Recorded")
    search_fields = ("code", "name")
    search_help = _("Code or name")


def hazard_rows() -> QuerySet[Hazard]:
    """Hazards with what a list row shows; polygons stay in the database."""
    return (
        Hazard.objects.select_related("province", "district", "commune", "reporting_organisation", "ledger")
        .defer("geom", "province__geom", "district__geom", "commune__geom", "ledger__remaining_geom")
        .annotate(
            n_activities=total(Activity.hazards.through.objects.filter(hazard=OuterRef("pk"))),
            n_products=total(Product.objects.filter(hazard=OuterRef("pk"))),
            n_devices=total(Device.objects.filter(product__hazard=OuterRef("pk")), "SUM", "count"),
            remaining_m2=F("ledger__remaining_m2"),
            area_ha=F("area_m2") / 10_000.0,
            remaining_ha=F("ledger__remaining_m2") / 10_000.0,
        )
    )


HAZARDS = RecordList(
    name="hazards",
    title=_("Hazards"),
    queryset=hazard_rows,
    form=HazardFilterForm,
    columns=[
        Column("code", _("Code"), ("code",)),
        Column("class", _("Class"), ("hazard_class",)),
        Column("status", _("Status"), ("status",)),
        Column("contamination", _("Contamination"), ("contamination_type",)),
        Column("province", _("Province"), ("province__name",)),
        Column("organisation", _("Organisation"), ("reporting_organisation__acronym",)),
        Column("recorded", _("Recorded on"), ("recorded_on",), numeric=True),
        Column("area", _("Area (ha)"), ("area_m2",), numeric=True),
        Column("remaining", _("Remaining (ha)"), ("remaining_m2",), numeric=True),
        Column("activities", _("Activities"), ("n_activities",), numeric=True),
        Column("products", _("Products"), ("n_products",), numeric=True),
        Column("devices", _("Devices"), ("n_devices",), numeric=True),
    ],
    csv_fields=[
        CsvField("code", attr("code")),
        CsvField("name", attr("name")),
        CsvField("hazard_class", attr("hazard_class")),
        CsvField("status", attr("status")),
        CsvField("contamination_type", attr("contamination_type")),
        CsvField("country", attr("country")),
        CsvField("province_code", attr("province.code")),
        CsvField("province_name", attr("province.name")),
        CsvField("district_code", attr("district.code")),
        CsvField("commune_code", attr("commune.code")),
        CsvField("reporting_organisation", attr("reporting_organisation.acronym")),
        CsvField("recorded_on", attr("recorded_on")),
        CsvField("status_changed_on", attr("status_changed_on")),
        CsvField("area_m2", attr("area_m2")),
        CsvField("remaining_m2", attr("remaining_m2")),
        CsvField("activities", attr("n_activities")),
        CsvField("products", attr("n_products")),
        CsvField("device_items", attr("n_devices")),
        CsvField("is_synthetic", attr("is_synthetic")),
    ],
    template="portal/hazard_list.html",
    rows_template="portal/_hazard_rows.html",
    level_labels=admin_level_labels,
    count_text=lambda n: ngettext("%(n)s hazard", "%(n)s hazards", n),
)


@page("hazards.view_hazard")
def hazard_list(request: HttpRequest) -> HttpResponse:
    """Every hazard, filtered, searched, sorted and paged; `?format=csv` exports all matching rows."""
    return render_list(request, HAZARDS)  # the banner: portal.synthetic
