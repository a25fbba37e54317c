"""Quality management reads: visits, non-conformities, sampling plans, hand-overs, and the statistics.

Operators see their own organisation's visits and non-conformities only (inspected or inspecting, or
owning the non-conformity); national roles see all. The statistic is **non-conformities per visit**
(decision 0030): the visit is the unit of inspection effort every visit type shares, where area only
fits QC sampling and an activity may be visited many times.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet

from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.qm.models import ChecklistTemplate, Handover, NonConformity, SamplingPlan, SamplingRule, Visit

SEVERITIES = ("critical", "major", "minor")


def _scope(qs: QuerySet, user, *fields: str) -> QuerySet:
    if user is None or not is_scoped(user):
        return qs
    own = organisation_ids(user)
    condition = Q()
    for f in fields:
        condition |= Q(**{f"{f}__in": own})
    return qs.filter(condition)


def visits(user=None, *, country=None, visit_type=None, organisation=None, activity=None, product=None) -> QuerySet:
    qs = Visit.objects.select_related(
        "activity", "product", "team", "inspecting_organisation", "inspected_organisation", "template"
    )
    qs = _scope(qs, user, "inspected_organisation", "inspecting_organisation")
    if country:
        qs = qs.filter(country=country)
    if visit_type:
        qs = qs.filter(visit_type=visit_type)
    if organisation:
        qs = qs.filter(inspected_organisation__acronym=organisation)
    if activity:
        qs = qs.filter(activity__code=activity)
    if product:
        qs = qs.filter(product__code=product)
    return qs.order_by("-visited_on", "-code")


def visit(user, code: str) -> Visit | None:
    return visits(user).filter(code=code).first()


def non_conformities(user=None, *, status=None, severity=None, organisation=None, country=None) -> QuerySet:
    qs = NonConformity.objects.select_related("visit", "owner", "visit__team", "visit__inspected_organisation")
    qs = _scope(qs, user, "owner", "visit__inspected_organisation", "visit__inspecting_organisation")
    if status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if organisation:
        qs = qs.filter(owner__acronym=organisation)
    if country:
        qs = qs.filter(visit__country=country)
    return qs.order_by("-raised_on", "-code")


def non_conformity(user, code: str) -> NonConformity | None:
    return non_conformities(user).filter(code=code).first()


def sampling_plans(*, country=None, result=None, product=None) -> QuerySet:
    qs = SamplingPlan.objects.select_related("product", "visit")
    if country:
        qs = qs.filter(country=country)
    if result:
        qs = qs.filter(result=result)
    if product:
        qs = qs.filter(product__code=product)
    return qs.order_by("-planned_on", "-code")


def handovers(*, country=None) -> QuerySet:
    qs = Handover.objects.select_related("handed_over_by").prefetch_related("products")
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("-handed_over_on", "-code")


def templates() -> QuerySet:
    return ChecklistTemplate.objects.prefetch_related("items")


def sampling_rules() -> QuerySet:
    return SamplingRule.objects.order_by("country")


def _rate(ncs: int, n_visits: int) -> float | None:
    return round(ncs / n_visits, 3) if n_visits else None


def statistics(user=None, *, country=None, year=None) -> dict:
    """Non-conformity rates per visit: overall, by inspected organisation, by method and by severity.

    A visit counts under every method of the activity it visited (a product's: its activity's), so
    the method rows may add up to more visits than the total. Two queries.
    """
    vs = visits(user, country=country)
    if year:
        vs = vs.filter(visited_on__year=year)
    rows = list(
        vs.values_list("id", "inspected_organisation__acronym", "activity__methods", "product__activity__methods")
    )
    ncs: dict = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    for visit_id, severity in NonConformity.objects.filter(visit__in=vs.values("id")).values_list(
        "visit_id", "severity"
    ):
        ncs[visit_id][severity] += 1

    def empty():
        return {"visits": 0, **dict.fromkeys(SEVERITIES, 0)}

    by_org: dict = defaultdict(empty)
    by_method: dict = defaultdict(empty)
    total = empty()
    for visit_id, org, methods, product_methods in rows:
        found = ncs.get(visit_id, dict.fromkeys(SEVERITIES, 0))
        groups = [by_org[org], total] + [by_method[m] for m in sorted(set(methods or product_methods or []))]
        for g in groups:
            g["visits"] += 1
            for s in SEVERITIES:
                g[s] += found[s]

    def out(group, counts) -> dict:
        n = sum(counts[s] for s in SEVERITIES)
        return {
            "group": group,
            "visits": counts["visits"],
            "non_conformities": n,
            **{s: counts[s] for s in SEVERITIES},
            "per_visit": _rate(n, counts["visits"]),
        }

    return {
        "unit": "non-conformities per visit",
        "total": out("total", total),
        "by_organisation": [out(k, v) for k, v in sorted(by_org.items(), key=lambda kv: (-kv[1]["visits"], kv[0]))],
        "by_method": [out(k, v) for k, v in sorted(by_method.items(), key=lambda kv: (-kv[1]["visits"], kv[0]))],
        "by_severity": [
            {"group": s, "non_conformities": total[s], "per_visit": _rate(total[s], total["visits"])}
            for s in SEVERITIES
        ],
        "open": non_conformities(user, status="open", country=country).count(),
    }


def visit_properties(v: Visit) -> dict:
    return {
        "code": v.code,
        "visit_type": v.visit_type,
        "country": v.country,
        "activity": v.activity.code if v.activity else None,
        "product": v.product.code if v.product else None,
        "team": v.team.code if v.team else None,
        "inspecting_organisation": v.inspecting_organisation.acronym,
        "inspected_organisation": v.inspected_organisation.acronym,
        "visited_on": v.visited_on,
        "inspector": v.inspector,
        "findings": v.findings,
        "template": v.template.key if v.template else None,
        "version": v.version,
    }


def answers(v: Visit) -> list[dict]:
    """The visit's checklist: every item of its template, with the answer given (or None)."""
    if v.template is None:
        return []
    given = {a.item_id: a for a in v.answers.all()}
    return [
        {
            "item": i.key,
            "text": i.text,
            "answer": given[i.pk].answer if i.pk in given else None,
            "remark": given[i.pk].remark if i.pk in given else "",
        }
        for i in v.template.items.all()
    ]


def nc_properties(nc: NonConformity) -> dict:
    return {
        "code": nc.code,
        "visit": nc.visit.code,
        "category": nc.category,
        "severity": nc.severity,
        "description": nc.description,
        "corrective_action": nc.corrective_action,
        "owner": nc.owner.acronym,
        "raised_on": nc.raised_on,
        "due_on": nc.due_on,
        "suspends": nc.suspends or None,
        "method": nc.method or None,
        "team": nc.visit.team.code if nc.suspends == "team" and nc.visit.team else None,
        "status": nc.status,
        "closed_on": nc.closed_on,
        "closure_evidence": nc.closure_evidence,
        "closed_by": nc.closed_by,
        "version": nc.version,
    }


def plan_properties(p: SamplingPlan) -> dict:
    return {
        "code": p.code,
        "product": p.product.code,
        "country": p.country,
        "visit": p.visit.code if p.visit else None,
        "planned_on": p.planned_on,
        "lot_units": p.lot_units,
        "unit_m2": p.unit_m2,
        "inspection_level": p.inspection_level,
        "code_letter": p.code_letter,
        "sample_units": p.sample_units,
        "sample_area_m2": p.sample_area_m2,
        "acceptance_number": p.acceptance_number,
        "rule_source": p.rule_source,
        "result": p.result,
        "failed_units": p.failed_units,
        "searched_m2": p.searched_m2,
        "result_on": p.result_on,
        "remarks": p.remarks,
        "proposal": p.proposal_code or None,
        "version": p.version,
    }


def handover_properties(h: Handover) -> dict:
    products = sorted(h.products.all(), key=lambda p: p.code)
    return {
        "code": h.code,
        "country": h.country,
        "products": [p.code for p in products],
        "area_m2": round(sum(p.area_m2 for p in products), 1),
        "handed_over_on": h.handed_over_on,
        "handed_over_by": h.handed_over_by.acronym,
        "received_by_name": h.received_by_name,
        "received_by_role": h.received_by_role,
        "community": h.community,
        "residual_risk": h.residual_risk,
        "witnesses": h.witnesses,
    }


def rule_properties(r: SamplingRule) -> dict:
    return {
        "country": r.country,
        "enabled": r.enabled,
        "unit_m2": r.unit_m2,
        "inspection_level": r.inspection_level,
        "acceptance_number": r.acceptance_number,
        "source": r.source,
        "version": r.version,
    }
