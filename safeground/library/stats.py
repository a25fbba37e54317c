"""Finds statistics of the ordnance library: how many of a model were found, where, when, in which kind of
work and how deep, counted from the device records (`landrelease.Device`).

A device row may stand for several items (`count` > 1 for grouped finds such as submunitions), so
*finds* is the sum of `count` and *records* the number of rows. Each breakdown is one aggregate query
over the model's devices; the province of a device is the level-1 admin area containing its point,
found by a spatial subquery in the database (PostGIS and SpatiaLite alike). A point on a border goes
to the first province by (country, code); a point in no province is counted as "outside".
"""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    UUIDField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from safeground.gazetteer.models import AdminArea
from safeground.landrelease.models import Device
from safeground.operations.models import Activity
from safeground.ordnance.models import OrdnanceModel

#: Depth bands (label key, lower bound inclusive, upper bound exclusive; None: open).
DEPTH_BANDS = [("0-10", 0, 10), ("10-20", 10, 20), ("20-30", 20, 30), ("30+", 30, None)]
OUTSIDE = "outside"
UNKNOWN = "unknown"


def devices_of(model: OrdnanceModel) -> QuerySet[Device]:
    return Device.objects.filter(model=model)


def _rows(qs: QuerySet, key: str) -> list[dict]:
    return list(qs.values(key).annotate(finds=Sum("count"), records=Count("id")).order_by(key))


def totals(model: OrdnanceModel) -> dict:
    out = devices_of(model).aggregate(finds=Sum("count"), records=Count("id"))
    return {"finds": out["finds"] or 0, "records": out["records"]}


#: SpatiaLite does not use its spatial index by itself: the candidate provinces come from the outlines'
#: R*Tree (the index GeoDjango keeps), then the exact test runs on those one or two. Without it each
#: device reads every province's outline (seconds on the tiny demo). PostGIS answers the ORM subquery
#: from its GiST index.
_SPATIALITE_PROVINCE = """(
    SELECT a.id FROM gazetteer_adminarea a
    WHERE a.level = 1
      AND a.rowid IN (
        SELECT pkid FROM idx_gazetteer_adminarea_geom r
        WHERE r.xmin <= ST_X(landrelease_device.point) AND r.xmax >= ST_X(landrelease_device.point)
          AND r.ymin <= ST_Y(landrelease_device.point) AND r.ymax >= ST_Y(landrelease_device.point))
      AND ST_Intersects(a.geom, landrelease_device.point) = 1
    ORDER BY a.country, a.code LIMIT 1)"""


def _province_of_device():
    """The id of the level-1 admin area containing the outer Device row's point (None: outside every one)."""
    if connection.vendor == "sqlite":
        return RawSQL(_SPATIALITE_PROVINCE, [], output_field=UUIDField())
    province = AdminArea.objects.filter(level=1, geom__intersects=OuterRef("point")).order_by("country", "code")
    return Subquery(province.values("id")[:1])


def by_province(model: OrdnanceModel) -> list[dict]:
    """Finds per level-1 admin area containing the device's point; "outside" for points in none."""
    rows = _rows(devices_of(model).annotate(province_id=_province_of_device()), "province_id")
    areas = {a.pk: a for a in AdminArea.objects.filter(pk__in=[r["province_id"] for r in rows if r["province_id"]])}
    out = []
    for r in rows:
        area = areas.get(r["province_id"])
        out.append(
            {
                "key": f"{area.country}:{area.code}" if area else OUTSIDE,
                "country": area.country if area else "",
                "code": area.code if area else "",
                "label": area.name if area else _("Outside every province"),
                "finds": r["finds"],
                "records": r["records"],
            }
        )
    out.sort(key=lambda r: (r["key"] == OUTSIDE, -r["finds"], r["key"]))
    return out


def by_year(model: OrdnanceModel) -> list[dict]:
    rows = _rows(devices_of(model).annotate(year=ExtractYear("found_on")), "year")
    return [
        {"key": str(r["year"]), "label": str(r["year"]), "finds": r["finds"], "records": r["records"]} for r in rows
    ]


def by_activity_type(model: OrdnanceModel) -> list[dict]:
    """Per operations.Activity.activity_type of the device's activity (or its product's activity)."""
    kind = Coalesce("activity__activity_type", "product__activity__activity_type", Value(UNKNOWN))
    rows = _rows(devices_of(model).annotate(kind=kind), "kind")
    labels = dict(Activity.TYPE_CHOICES)
    out = [
        {
            "key": r["kind"],
            "label": _(labels.get(r["kind"], _("Unknown"))),
            "finds": r["finds"],
            "records": r["records"],
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r["finds"], r["key"]))


def _band() -> Case:
    whens = [
        When(Q(depth_cm__gte=low) & (Q() if high is None else Q(depth_cm__lt=high)), then=Value(key))
        for key, low, high in DEPTH_BANDS
    ]
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


def depth_label(key: str) -> str:
    if key == UNKNOWN:
        return _("Unknown depth")
    return key.replace("-", "–") + " cm"


def by_depth(model: OrdnanceModel) -> list[dict]:
    rows = {r["band"]: r for r in _rows(devices_of(model).annotate(band=_band()), "band")}
    order = [key for key, _low, _high in DEPTH_BANDS] + [UNKNOWN]
    return [
        {"key": key, "label": depth_label(key), "finds": rows[key]["finds"], "records": rows[key]["records"]}
        for key in order
        if key in rows
    ]


def summary(model: OrdnanceModel) -> dict:
    """Every breakdown of one model (five aggregate queries and one lookup of province names)."""
    return {
        "total": totals(model),
        "by_province": by_province(model),
        "by_year": by_year(model),
        "by_activity_type": by_activity_type(model),
        "by_depth": by_depth(model),
    }


def finds_per_model(limit: int | None = 20) -> list[dict]:
    """The library-wide table: finds and records per model, most found first (one query)."""
    rows = (
        Device.objects.filter(model__isnull=False)
        .values("model__slug", "model__name")
        .annotate(finds=Sum("count"), records=Count("id"))
        .order_by("-finds", "model__name")
    )
    rows = rows[:limit] if limit else rows
    return [
        {"slug": r["model__slug"], "name": r["model__name"], "finds": r["finds"], "records": r["records"]} for r in rows
    ]


def finds_subquery(field: str = "finds") -> Coalesce:
    """Finds of the outer OrdnanceModel row, for `.annotate()` on a list of models (0 when none)."""
    agg = "count" if field == "finds" else "id"
    fn = Sum if field == "finds" else Count
    inner = Device.objects.filter(model=OuterRef("pk")).order_by().values("model").annotate(n=fn(agg)).values("n")
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)
