"""Read side of the museum: the collection with its filters, loans open and overdue, visit totals, and the
public catalogue's exhibits (only those marked public)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Func, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from safeground.core.errors import ValidationFailed
from safeground.museum.models import Exhibit, Loan, Museum, Visit

COUNTS = ("girls", "boys", "women", "men")


def museums() -> QuerySet[Museum]:
    return Museum.objects.select_related("organisation").order_by("name")


def exhibits(
    *,
    museum: str | None = None,
    model: str | None = None,
    category: str | None = None,
    status: str | None = None,
    on_loan: bool | None = None,
    overdue: bool | None = None,
    public: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Exhibit]:
    """The collection; filters: museum (code), model (slug), category, status, on loan, with an overdue loan."""
    today = today or timezone.localdate()
    qs = Exhibit.objects.select_related("museum", "model", "found_province", "operator", "device").defer(
        "found_province__geom"
    )
    if museum:
        qs = qs.filter(museum__code=museum)
    if model:
        qs = qs.filter(model__slug=model)
    if category:
        qs = qs.filter(model__category=category)
    if status:
        qs = qs.filter(status=status)
    open_loans = Loan.objects.filter(exhibit=OuterRef("pk"), returned_on__isnull=True)
    if on_loan is not None:
        qs = qs.filter(Exists(open_loans)) if on_loan else qs.exclude(Exists(open_loans))
    if overdue is not None:
        late = open_loans.filter(due_on__lt=today)
        qs = qs.filter(Exists(late)) if overdue else qs.exclude(Exists(late))
    if public is not None:
        qs = qs.filter(public=public)
    return qs.order_by("museum__name", "inventory_number")


def public_exhibits() -> QuerySet[Exhibit]:
    """What the public catalogue shows: public exhibits that are not deaccessioned."""
    return exhibits(public=True).exclude(status="deaccessioned")


def loans(*, open_only: bool = True, overdue: bool = False, today: dt.date | None = None) -> QuerySet[Loan]:
    today = today or timezone.localdate()
    qs = Loan.objects.select_related("exhibit__museum", "exhibit__model", "borrower_organisation")
    if open_only or overdue:
        qs = qs.filter(returned_on__isnull=True)
    if overdue:
        qs = qs.filter(due_on__lt=today)
    return qs.order_by("due_on", "code")


def visits(*, museum: str | None = None, year: int | None = None) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("museum", "eore_session")
    if museum:
        qs = qs.filter(museum__code=museum)
    if year:
        qs = qs.filter(visited_on__year=year)
    return qs.order_by("-visited_on", "-code")


def parse_period(by: str | None) -> str:
    value = (by or "month").strip()
    if value not in ("month", "year"):
        raise ValidationFailed(f"by must be month or year; got {by!r}", field="by", reason="choice")
    return value


def visit_totals(by: str = "month", *, museum: str | None = None, year: int | None = None) -> dict:
    """Visitors, guided visits, EORE sessions and the people they reached, per month (or year), and the totals.

    EORE sessions and their beneficiaries are read from the sessions the visits created, so they equal the
    eore app's counts of those sessions (tested). Sessions recorded in the eore app itself with the method
    "museum" (an import of older records, say) belong to no visit and are not counted here."""
    qs = visits(museum=museum, year=year).order_by()
    period: dict[str, Func] = {"year": ExtractYear("visited_on")}
    if by == "month":
        period["month"] = ExtractMonth("visited_on")
    eore = Q(eore_session__isnull=False)
    sums = {g: Coalesce(Sum(g), 0) for g in COUNTS}
    rows = list(
        qs.annotate(**period)
        .values(*period)
        .annotate(
            visits=Count("id"),
            guided=Count("id", filter=Q(guided=True)),
            eore_sessions=Count("id", filter=eore),
            eore_beneficiaries=Coalesce(
                Sum("eore_session__girls", filter=eore)
                + Sum("eore_session__boys", filter=eore)
                + Sum("eore_session__women", filter=eore)
                + Sum("eore_session__men", filter=eore),
                0,
            ),
            **sums,
        )
        .order_by(*period)
    )
    for r in rows:
        r["visitors"] = sum(r[g] for g in COUNTS)
        r["period"] = f"{r['year']}-{r['month']:02d}" if by == "month" else str(r["year"])
    keys = ("visits", "guided", "eore_sessions", "eore_beneficiaries", "visitors", *COUNTS)
    total = {k: sum(r[k] for r in rows) for k in keys}
    return {"by": by, "rows": rows, "total": total}
