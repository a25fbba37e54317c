"""The activity list page (/activities/): filters, search, sorting, paging and CSV export.

An activity has no province of its own: it is the province of the hazards it works on (the first by
code is shown; the province filter keeps activities with any hazard there). Counts and sums are
correlated subqueries, so a page costs the same few queries however many rows it shows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery
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
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation

HazardLink = Activity.hazards.through


def provinces():
    return area_choices(AdminArea.objects.filter(level=1), country_names())


def organisations():
    return organisation_choices(Organisation.objects.all())


def in_province(code: str) -> Exists:
    return Exists(HazardLink.objects.filter(activity=OuterRef("pk"), hazard__province__code=code))


def in_period(start: dt.date | None, end: dt.date | None) -> Q:
    """Activities whose period overlaps the range (an activity without an end date is still running)."""
    q = Q()
    if end:
        q &= Q(start_date__lte=end)
    if start:
        q &= Q(end_date__isnull=True) | Q(end_date__gte=start)
    return q


class ActivityFilterForm(ListFilterForm):
    country = optional_choice(_("Country"), country_choices)
    province = optional_choice(_("Province"), provinces)
    activity_type = optional_choice(_("Type"), Activity.TYPE_CHOICES)
    status = optional_choice(_("Status"), Activity.STATUS_CHOICES)
    organisation = optional_choice(_("Organisation"), organisations)

    field_order = ["q", "country", "province", "activity_type", "status", "organisation"]
    lookups = {
        "country": "country",
        "province": in_province,
        "activity_type": "activity_type",
        "status": "status",
        "organisation": "organisation__acronym",
    }
    date_range = staticmethod(in_period)
    date_label = _("Active")
    search_fields = ("code",)
    search_help = _("Activity code")


def activity_rows() -> QuerySet[Activity]:
    """Activities with what a list row shows."""
    first_hazard = Hazard.objects.filter(activities=OuterRef("pk")).order_by("code")
    # Devices of the activity: its own, plus those on its products recorded against no or another
    # activity. Two subqueries, each able to use an index (one OR across the join could not).
    direct = Device.objects.filter(activity=OuterRef("pk"))
    via_products = Device.objects.filter(product__activity=OuterRef("pk")).exclude(activity=OuterRef("pk"))
    return (
        Activity.objects.select_related("organisation")
        .defer("reference_point")
        .annotate(
            province_name=Subquery(first_hazard.values("province__name")[:1]),
            province_code=Subquery(first_hazard.values("province__code")[:1]),
            n_hazards=total(HazardLink.objects.filter(activity=OuterRef("pk"))),
            n_products=total(Product.objects.filter(activity=OuterRef("pk"))),
            released_m2=total(Product.objects.filter(activity=OuterRef("pk")), "SUM", "area_m2", FloatField(), 0.0),
            n_devices=total(direct, "SUM", "count") + total(via_products, "SUM", "count"),
        )
        .annotate(released_ha=F("released_m2") / 10_000.0)
    )


ACTIVITIES = RecordList(
    name="activities",
    title=_("Activities"),
    queryset=activity_rows,
    form=ActivityFilterForm,
    columns=[
        Column("code", _("Code"), ("code",)),
        Column("type", _("Type"), ("activity_type",)),
        Column("status", _("Status"), ("status",)),
        Column("organisation", _("Organisation"), ("organisation__acronym",)),
        Column("province", _("Province"), ("province_name",)),
        Column("start", _("Start"), ("start_date",), numeric=True),
        Column("end", _("End"), ("end_date",), numeric=True),
        Column("hazards", _("Hazards"), ("n_hazards",), numeric=True),
        Column("products", _("Products"), ("n_products",), numeric=True),
        Column("released", _("Released (ha)"), ("released_m2",), numeric=True),
        Column("devices", _("Devices"), ("n_devices",), numeric=True),
    ],
    csv_fields=[
        CsvField("code", attr("code")),
        CsvField("activity_type", attr("activity_type")),
        CsvField("status", attr("status")),
        CsvField("organisation", attr("organisation.acronym")),
        CsvField("methods", lambda a: " ".join(a.methods or [])),
        CsvField("country", attr("country")),
        CsvField("province_code", attr("province_code")),
        CsvField("province_name", attr("province_name")),
        CsvField("start_date", attr("start_date")),
        CsvField("end_date", attr("end_date")),
        CsvField("hazards", attr("n_hazards")),
        CsvField("products", attr("n_products")),
        CsvField("released_m2", attr("released_m2")),
        CsvField("device_items", attr("n_devices")),
        CsvField("is_synthetic", attr("is_synthetic")),
    ],
    template="portal/activity_list.html",
    rows_template="portal/_activity_rows.html",
    level_labels=admin_level_labels,
    count_text=lambda n: ngettext("%(n)s activity", "%(n)s activities", n),
)


@page("operations.view_activity")
def activity_list(request: HttpRequest) -> HttpResponse:
    """Every activity, filtered, searched, sorted and paged; `?format=csv` exports all matching rows."""
    return render_list(request, ACTIVITIES, {"has_synthetic": Activity.objects.filter(is_synthetic=True).exists()})
