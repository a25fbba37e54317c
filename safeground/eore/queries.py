"""Read side of risk education: sessions and beneficiaries by sex and age.

Beneficiary figures count people reached, not individuals' records, so they are shown in full
(no small-cell suppression: no one can be recognised from "12 girls attended").
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from safeground.core.errors import ValidationFailed
from safeground.core.features import Derived, Many, Properties
from safeground.core.geojson import parse_bbox
from safeground.eore.models import Session
from safeground.hazards.models import Hazard

GROUPS = ("girls", "boys", "women", "men")
DIMENSIONS = {
    "year": ExtractYear("held_on"),
    "country": F("country"),
    "province": F("province__code"),
    "method": F("method"),
    "audience": F("audience"),
    "organisation": F("organisation__acronym"),
}


def sessions(
    *,
    bbox: str | None = None,
    country: str | None = None,
    year: int | None = None,
    admin_area: str | None = None,
    method: str | None = None,
    organisation: str | None = None,
    hazard: str | None = None,
) -> QuerySet[Session]:
    qs = (
        Session.objects.select_related("province", "district", "organisation", "team")
        .defer("province__geom", "district__geom")  # outlines are large and never shown here
        .prefetch_related(Prefetch("hazards", queryset=Hazard.objects.only("id", "code")))
    )
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(point__intersects=box)
    if country:
        qs = qs.filter(country=country)
    if year:
        qs = qs.filter(held_on__year=year)
    if admin_area:
        qs = qs.filter(Q(province__code=admin_area) | Q(district__code=admin_area))  # sessions have no commune
    if method:
        qs = qs.filter(method=method)
    if organisation:
        qs = qs.filter(organisation__acronym=organisation)
    if hazard:
        qs = qs.filter(hazards__code=hazard)
    return qs.order_by("-held_on", "code")


session_properties = Properties(
    code="code",
    held_on="held_on",
    country="country",
    province_code="province__code",
    province_name="province__name",
    district_code="district__code",
    organisation="organisation__acronym",
    team="team__code",
    method="method",
    audience="audience",
    girls="girls",
    boys="boys",
    women="women",
    men="men",
    beneficiaries=Derived(GROUPS, lambda row: sum(row[g] for g in GROUPS)),
    materials="materials",
    hazards=Many("hazards"),
    is_synthetic="is_synthetic",
)


def parse_dimension(by: str | None) -> str:
    value = (by or "year").strip()
    if value not in DIMENSIONS:
        raise ValidationFailed(f"by must be one of {', '.join(DIMENSIONS)}; got {by!r}", field="by")
    return value


def beneficiaries(
    by: str, *, country: str | None = None, year: int | None = None, admin_area: str | None = None
) -> dict:
    """Sessions and people reached (girls, boys, women, men) per group, and the totals."""
    qs = sessions(country=country, year=year, admin_area=admin_area).order_by()
    sums = {g: Coalesce(Sum(g), 0) for g in GROUPS}
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in Session.objects.filter(pk__in=qs.values("pk"))
        .annotate(group=DIMENSIONS[by])
        .values("group")
        .annotate(sessions=Count("id"), **sums)
        .order_by("group")
    ]
    for r in rows:
        r["total"] = sum(r[g] for g in GROUPS)
    total = {g: sum(r[g] for r in rows) for g in (*GROUPS, "sessions", "total")}
    return {"by": by, "rows": rows, "total": total}
