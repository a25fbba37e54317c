"""Synthetic quality management records: visits, non-conformities, QC samples and hand-overs.

Written through `qm.services` (the same checks as the API), deterministic per seed. Calibration
(docs/quality-management.md): the rates are modelling choices ([D]); no public programme-wide rate
was found (domain-facts §1.6 lists what a QA visit records, not how often each finding occurs).
About a third of the activities get a visit; 70 percent of the visits are monitoring, 15 percent
post-clearance inspections, 10 percent QC sampling, 5 percent accreditation checks; a visit finds on
average 0.5 minor non-conformities, 8 percent of visits a major one, about 1.5 percent a critical one
(always closed within 2 to 10 days, lifting its suspension). Cambodia's programme samples released
land (the withdrawn IMAS 09.20's role); about 3 percent of samples fail, each proposing its area as
a hazard for the IM officer's review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from django.db import transaction
from django.utils import timezone

from safeground.core.errors import ValidationFailed
from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation
from safeground.qm import services
from safeground.qm.models import Handover, Visit
from safeground.workbench import services as workbench

ACTIVITIES = {"tiny": 40, "small": 300, "national": 1500}
HANDOVERS = {"tiny": 3, "small": 15, "national": 60}
VISIT_TYPES = {"monitoring": 0.70, "post_clearance": 0.15, "qc_sampling": 0.10, "accreditation": 0.05}
MINOR_PER_VISIT, MAJOR_SHARE, CRITICAL_SHARE, SAMPLE_FAIL_SHARE = 0.5, 0.08, 0.015, 0.03
SAMPLING_PROGRAMMES = ["KHM"]
#: A critical non-conformity is closed (its suspension lifted) within this many days in the demo.
CRITICAL_DAYS = 11
INSPECTORS = ["S. Dara", "C. Sokha", "L. Vanna", "R. Aliyev", "N. Mammadova", "K. Pich"]
MINOR = {
    "documentation": "Daily log not signed by the section leader",
    "marking": "Two lane markers missing on the cleared side",
    "equipment": "Detector test at the start of work not recorded",
    "supervision": "Section leader away from the lanes for a short period",
}
MAJOR = {
    "medical": "Casualty evacuation plan not posted at the worksite",
    "sop": "Excavation drill not followed in one lane",
    "equipment": "Detector sensitivity below the test piece standard",
}
CRITICAL = {"sop": "Deminers working without personal protective equipment", "medical": "No medic on site during work"}


def delete_synthetic() -> dict[str, int]:
    return services.delete_synthetic()


def _pick(rng, shares: dict) -> str:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _authorities() -> dict[str, Organisation]:
    out: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(kind="authority").order_by("acronym"):
        out.setdefault(org.country, org)
    return out


SAMPLES = {"tiny": 4, "small": 30, "national": 150}


def _samples(rng, scale: str, today: dt.date, authorities: dict, qa, submissions: list) -> list[Visit]:
    """QC sampling visits on released (cleared) land of the programmes that sample; the tiny demo's first
    sample fails, so the review workbench shows a reopened area."""
    made = []
    products = list(
        Product.objects.filter(
            outcome="cleared", activity__country__in=SAMPLING_PROGRAMMES, released_on__lte=today - dt.timedelta(days=20)
        )
        .exclude(qm_sampling_plans__isnull=False)
        .select_related("activity__organisation")
        .order_by("code")[:400]
    )
    n = min(SAMPLES.get(scale, 4), len(products))
    for k, j in enumerate(sorted(rng.choice(len(products), size=n, replace=False)) if n else []):
        product = products[int(j)]
        on = min(product.released_on + dt.timedelta(days=int(rng.integers(5, 60))), today)
        visit = services.record_visit(
            visit_type="qc_sampling",
            product=product,
            inspecting_organisation=authorities.get(product.activity.country) or product.activity.organisation,
            visited_on=on,
            inspector=INSPECTORS[int(rng.integers(0, len(INSPECTORS)))],
            findings="Sample lanes searched to the clearance depth.",
            user=qa,
        )
        made.append(visit)
        plan = services.plan_sample(product, planned_on=on, visit=visit, user=qa)
        fails = qa is not None and ((scale == "tiny" and k == 0) or rng.random() < SAMPLE_FAIL_SHARE)
        plan = services.record_sample_result(plan, failed_units=1 if fails else 0, result_on=on, user=qa)
        if plan.proposal_code:
            submissions.append(plan.proposal_code)
    return made


def _free(team, on: dt.date) -> bool:
    """Whether suspending `team` from `on` for up to CRITICAL_DAYS keeps the demo's planned and ongoing work
    true to the gate (none of the team's gated activities starts in that window)."""
    return not Activity.objects.filter(
        teams=team,
        status__in=("planned", "ongoing"),
        start_date__gte=on,
        start_date__lt=on + dt.timedelta(days=CRITICAL_DAYS),
    ).exists()


@transaction.atomic
def build(seed: int, scale: str, report: Callable[[str], None], accounts: dict | None = None) -> dict[str, int]:
    """Replace the synthetic quality records (after the core dataset, with the demo sign-ins)."""
    delete_synthetic()
    rng = np.random.default_rng([seed, 30])
    today = timezone.localdate()
    qa = (accounts or {}).get("qa-officer")
    authorities = _authorities()
    for iso3 in SAMPLING_PROGRAMMES:
        try:
            rule = services.rule_for(iso3)
            if not rule.enabled:
                services.set_sampling_rule(iso3, enabled=True, source=services.DEFAULT_RULE_SOURCE)
        except ValidationFailed:
            continue
    activities = list(Activity.objects.filter(start_date__lte=today).select_related("organisation").order_by("code"))
    n = min(ACTIVITIES.get(scale, 40), len(activities))
    chosen = [activities[i] for i in sorted(rng.choice(len(activities), size=n, replace=False))] if n else []
    visits: list[Visit] = []
    submissions = []
    critical_done = False
    for i, activity in enumerate(chosen):
        inspecting = authorities.get(activity.country) or activity.organisation
        end = min(activity.end_date or today, today)
        span = max((end - activity.start_date).days, 0)
        visited_on = activity.start_date + dt.timedelta(days=int(rng.integers(0, span + 1)))
        products = list(Product.objects.filter(activity=activity).order_by("code"))
        visit_type = _pick(rng, VISIT_TYPES)
        product = None
        if visit_type in ("post_clearance", "qc_sampling"):
            if not products:
                visit_type = "monitoring"
            else:
                product = products[int(rng.integers(0, len(products)))]
                visited_on = min(product.released_on + dt.timedelta(days=int(rng.integers(5, 60))), today)
        teams = list(activity.teams.order_by("code"))
        team = teams[int(rng.integers(0, len(teams)))] if teams and product is None else None
        answers = [
            {"item": key, "answer": "yes" if rng.random() > 0.08 else "no"}
            for key in ("sop", "marking", "medical", "supervision", "equipment", "documentation")
        ]
        visit = services.record_visit(
            visit_type=visit_type,
            activity=None if product else activity,
            product=product,
            team=team,
            inspecting_organisation=inspecting,
            visited_on=visited_on,
            inspector=INSPECTORS[int(rng.integers(0, len(INSPECTORS)))],
            findings="Work observed in the lanes; records checked." if product is None else "Released land inspected.",
            answers=answers if product is None else [],
            user=qa,
        )
        visits.append(visit)
        k = min(int(rng.poisson(MINOR_PER_VISIT)), len(MINOR))
        found = [("minor", c, MINOR[c]) for c in rng.choice(list(MINOR), size=k, replace=False)]
        if rng.random() < MAJOR_SHARE:
            category = str(rng.choice(list(MAJOR)))
            found.append(("major", category, MAJOR[category]))
        force = scale == "tiny" and not critical_done and i >= 3 and team is not None
        if team is not None and (force or rng.random() < CRITICAL_SHARE) and _free(team, visited_on):
            category = str(rng.choice(list(CRITICAL)))
            found.append(("critical", category, CRITICAL[category]))
            critical_done = True
        for severity, category, description in found:
            try:
                nc = services.raise_non_conformity(
                    visit, category=str(category), severity=severity, description=description, user=qa
                )
            except ValidationFailed:
                continue  # a critical one with no team and several methods: nothing to suspend by rule
            closes = nc.raised_on + dt.timedelta(
                days=int(rng.integers(2, CRITICAL_DAYS if severity == "critical" else 40))
            )
            if severity == "critical" or (closes <= today and rng.random() < 0.85):
                services.close_non_conformity(
                    nc,
                    evidence="Corrective action verified on a follow-up visit",
                    closed_by=visit.inspector,
                    closed_on=min(closes, today),
                    user=qa,
                )
        if product is not None and visit_type == "qc_sampling" and product.activity.country in SAMPLING_PROGRAMMES:
            plan = services.plan_sample(product, planned_on=visited_on, visit=visit, user=qa)
            failed = 1 if rng.random() < SAMPLE_FAIL_SHARE else 0
            if failed and qa is not None:
                plan = services.record_sample_result(plan, failed_units=1, result_on=visited_on, user=qa)
                submissions.append(plan.proposal_code)
            else:
                services.record_sample_result(plan, failed_units=0, result_on=visited_on, user=qa)
    visits += _samples(rng, scale, today, authorities, qa, submissions)
    handovers: list[Handover] = []
    candidates = list(
        Product.objects.filter(outcome="cleared", released_on__lte=today - dt.timedelta(days=30))
        .exclude(qm_sampling_plans__result__in=["fail", "pending"])
        .exclude(qm_visits__non_conformities__status="open")
        .select_related("activity__organisation")
        .order_by("code")[:500]
    )
    for j in (
        sorted(rng.choice(len(candidates), size=min(HANDOVERS.get(scale, 3), len(candidates)), replace=False))
        if candidates
        else []
    ):
        product = candidates[int(j)]
        on = min(product.released_on + dt.timedelta(days=int(rng.integers(14, 120))), today)
        handovers.append(
            services.record_handover(
                products=[product],
                handed_over_on=on,
                received_by_name=f"Village chief {int(rng.integers(1, 99)):02d}",
                received_by_role="Village chief, on behalf of the community",
                community="Men, women and children of the village attended",
                residual_risk=(
                    "The land was released after all reasonable effort to the standards in force. The community "
                    "will report any suspicious item to the national authority; the operator's liability ends "
                    "with this hand-over where its procedures were followed."
                ),
                witnesses="Commune council member; operator's community liaison officer",
                user=qa,
            )
        )
    services.mark_synthetic(visits, handovers)
    from safeground.workbench.models import Submission

    workbench.mark_synthetic(list(Submission.objects.filter(code__in=submissions)))
    counts = {
        "visits": len(visits),
        "non_conformities": sum(v.non_conformities.count() for v in visits),
        "handovers": len(handovers),
        "failed_samples": len(submissions),
    }
    report(
        f"  {counts['visits']} QM visits, {counts['non_conformities']} non-conformities, "
        f"{counts['handovers']} hand-overs, {counts['failed_samples']} failed QC samples proposed for review"
    )
    return counts
