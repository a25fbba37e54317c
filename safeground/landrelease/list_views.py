"""The product and device list pages (/products/, /devices/): filters, search, sorting, paging, CSV.

Products take their country and province from their hazard and their organisation from their
activity. A device belongs to a product, an activity (EOD spot tasks) or both: its activity,
organisation, country and province are taken from the device's own activity when it has one, else
from its product (annotated with Coalesce, so the filters and the sort use the same value the row
shows). The exact coordinates of devices are listed: every list page needs a signed-in account
holding the view permission.
"""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
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
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Device, Product
from safeground.ordnance.models import CATEGORY_CHOICES
from safeground.organisations.models import Organisation


def provinces():
    return area_choices(AdminArea.objects.filter(level=1), country_names())


def organisations():
    return organisation_choices(Organisation.objects.all())


def _coordinate(value: float | None) -> str | None:
    return None if value is None else f"{value:.7f}"


# ------------------------------------------------------------------------------------------ products


class ProductFilterForm(ListFilterForm):
    country = optional_choice(_("Country"), country_choices)
    province = optional_choice(_("Province"), provinces)
    outcome = optional_choice(_("Outcome"), Product.OUTCOME_CHOICES)
    hazard_status = optional_choice(_("Hazard status"), Hazard.STATUS_CHOICES)
    organisation = optional_choice(_("Organisation"), organisations)

    field_order = ["q", "country", "province", "outcome", "hazard_status", "organisation"]
    lookups = {
        "country": "country_code",  # the hazard's, or the activity's for a product filed under none
        "province": "hazard__province__code",
        "outcome": "outcome",
        "hazard_status": "hazard__status",
        "organisation": "activity__organisation__acronym",
    }
    date_range = "released_on"
    date_label = _("Released")
    search_fields = ("code", "hazard__code", "activity__code")
    search_help = _("Product, hazard or activity code")


def product_rows() -> QuerySet[Product]:
    """Products with what a list row shows; polygons stay in the database."""
    return (
        Product.objects.select_related("hazard__province", "activity__organisation")
        .defer("geom", "hazard__geom", "hazard__benchmark", "hazard__province__geom", "activity__reference_point")
        .annotate(
            n_devices=total(Device.objects.filter(product=OuterRef("pk")), "SUM", "count"),
            area_ha=F("area_m2") / 10_000.0,
            reported_ha=F("reported_area_m2") / 10_000.0,
            country_code=Coalesce(F("hazard__country"), F("activity__country")),
        )
    )


PRODUCTS = RecordList(
    name="products",
    title=_("Land release products"),
    queryset=product_rows,
    form=ProductFilterForm,
    columns=[
        Column("code", _("Code"), ("code",)),
        Column("outcome", _("Outcome"), ("outcome",)),
        Column("hazard", _("Hazard"), ("hazard__code",)),
        Column("activity", _("Activity"), ("activity__code",)),
        Column("organisation", _("Organisation"), ("activity__organisation__acronym",)),
        Column("province", _("Province"), ("hazard__province__name",)),
        Column("released", _("Released on"), ("released_on",), numeric=True),
        Column("area", _("Area (ha)"), ("area_m2",), numeric=True),
        Column("reported", _("Reported (ha)"), ("reported_area_m2",), numeric=True),
        Column("depth", _("Depth (cm)"), ("clearance_depth_cm",), numeric=True),
        Column("devices", _("Devices"), ("n_devices",), numeric=True),
    ],
    csv_fields=[
        CsvField("code", attr("code")),
        CsvField("outcome", attr("outcome")),
        CsvField("hazard", attr("hazard.code")),
        CsvField("activity", attr("activity.code")),
        CsvField("organisation", attr("activity.organisation.acronym")),
        CsvField("country", attr("country_code")),
        CsvField("province_code", attr("hazard.province.code")),
        CsvField("province_name", attr("hazard.province.name")),
        CsvField("released_on", attr("released_on")),
        CsvField("area_m2", attr("area_m2")),
        CsvField("reported_area_m2", attr("reported_area_m2")),
        CsvField("clearance_depth_cm", attr("clearance_depth_cm")),
        CsvField("device_items", attr("n_devices")),
        CsvField("is_synthetic", attr("is_synthetic")),
    ],
    template="landrelease/product_list.html",
    rows_template="landrelease/_product_rows.html",
    level_labels=admin_level_labels,
    count_text=lambda n: ngettext("%(n)s product", "%(n)s products", n),
)


@page("landrelease.view_product")
def product_list(request: HttpRequest) -> HttpResponse:
    """Every land release product, filtered, searched, sorted and paged; `?format=csv` exports them all."""
    return render_list(request, PRODUCTS, {"has_synthetic": Product.objects.filter(is_synthetic=True).exists()})


# ------------------------------------------------------------------------------------------- devices


class DeviceFilterForm(ListFilterForm):
    country = optional_choice(_("Country"), country_choices)
    province = optional_choice(_("Province"), provinces)
    category = optional_choice(_("Category"), CATEGORY_CHOICES)
    condition = optional_choice(_("Condition"), Device.CONDITION_CHOICES)
    disposal = optional_choice(_("Disposal"), Device.DISPOSAL_CHOICES)
    organisation = optional_choice(_("Organisation"), organisations)

    field_order = ["q", "country", "province", "category", "condition", "disposal", "organisation"]
    lookups = {
        "country": "country_code",
        "province": "province_code",
        "category": "category",
        "condition": "condition",
        "disposal": "disposal",
        "organisation": "organisation_acronym",
    }
    date_range = "found_on"
    date_label = _("Found")
    search_fields = ("code", "model__name", "product_code", "hazard_code", "activity_code")
    search_help = _("Code, model, product, hazard or activity")


def device_rows() -> QuerySet[Device]:
    """Devices with their product, hazard, activity, organisation and province as plain columns."""
    first_hazard = Hazard.objects.filter(activities=OuterRef("activity")).order_by("code")
    return (
        Device.objects.select_related("model")
        .only(
            "id",
            "code",
            "point",
            "category",
            "model__name",
            "condition",
            "depth_cm",
            "disposal",
            "found_on",
            "count",
            "is_synthetic",
        )
        .annotate(
            product_code=F("product__code"),
            hazard_code=Coalesce(F("product__hazard__code"), Subquery(first_hazard.values("code")[:1])),
            activity_code=Coalesce(F("activity__code"), F("product__activity__code")),
            organisation_acronym=Coalesce(
                F("activity__organisation__acronym"), F("product__activity__organisation__acronym")
            ),
            country_code=Coalesce(F("activity__country"), F("product__hazard__country")),
            province_code=Coalesce(
                F("product__hazard__province__code"), Subquery(first_hazard.values("province__code")[:1])
            ),
            province_name=Coalesce(
                F("product__hazard__province__name"), Subquery(first_hazard.values("province__name")[:1])
            ),
        )
    )


DEVICES = RecordList(
    name="devices",
    title=_("Devices found"),
    queryset=device_rows,
    form=DeviceFilterForm,
    columns=[
        Column("code", _("Code"), ("code",)),
        Column("category", _("Category"), ("category",)),
        Column("model", _("Model"), ("model__name",)),
        Column("count", _("Count"), ("count",), numeric=True),
        Column("condition", _("Condition"), ("condition",)),
        Column("disposal", _("Disposal"), ("disposal",)),
        Column("found", _("Found on"), ("found_on",), numeric=True),
        Column("product", _("Product"), ("product_code",)),
        Column("hazard", _("Hazard"), ("hazard_code",)),
        Column("activity", _("Activity"), ("activity_code",)),
        Column("organisation", _("Organisation"), ("organisation_acronym",)),
        Column("province", _("Province"), ("province_name",)),
        Column("location", _("Latitude, longitude")),
    ],
    csv_fields=[
        CsvField("code", attr("code")),
        CsvField("category", attr("category")),
        CsvField("model", attr("model.name")),
        CsvField("count", attr("count")),
        CsvField("condition", attr("condition")),
        CsvField("depth_cm", attr("depth_cm")),
        CsvField("disposal", attr("disposal")),
        CsvField("found_on", attr("found_on")),
        CsvField("product", attr("product_code")),
        CsvField("hazard", attr("hazard_code")),
        CsvField("activity", attr("activity_code")),
        CsvField("organisation", attr("organisation_acronym")),
        CsvField("country", attr("country_code")),
        CsvField("province_code", attr("province_code")),
        CsvField("province_name", attr("province_name")),
        CsvField("latitude", lambda d: _coordinate(d.point.y)),
        CsvField("longitude", lambda d: _coordinate(d.point.x)),
        CsvField("is_synthetic", attr("is_synthetic")),
    ],
    template="landrelease/device_list.html",
    rows_template="landrelease/_device_rows.html",
    level_labels=admin_level_labels,
    count_text=lambda n: ngettext("%(n)s device record", "%(n)s device records", n),
)


@page("landrelease.view_device")
def device_list(request: HttpRequest) -> HttpResponse:
    """Every device record with its exact location; `?format=csv` exports all matching rows."""
    return render_list(request, DEVICES, {"has_synthetic": Device.objects.filter(is_synthetic=True).exists()})
