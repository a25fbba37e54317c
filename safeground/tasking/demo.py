"""Synthetic tasking: task orders behind the demo activities, a few declined or waiting, development
requests, and one weights record (with a kept ranking) per demo programme.

`build(seed, scale, report)` replaces every synthetic tasking row in one transaction; deterministic per
seed (numpy `default_rng([seed, stage])`, inputs sorted by code). Calibration:

- Most work is tasked by the national authority: TASKED_SHARE of the survey and clearance activities
  carry a task (EOD spot tasks are call-outs, not task orders) [D]; the task's status follows its
  activity's (planned → accepted, ongoing or suspended → in progress, completed, cancelled).
- A task's planned start is 0–3 weeks before its activity starts; its planned length is the span to
  the activity's end × lognormal(0, 0.2), so some finish early and some late [D].
- Budget: the planned area × the programme's cost per m² (domain-facts §3: Cambodia's 2020–2025 plan
  ≈ US$0.57/m², Azerbaijan ≈ US$0.22/m²) × lognormal(0, 0.3), in US dollars.
- DECLINED_SHARE of the tasks are declined by the operator with a reason, ISSUED_SHARE wait for an
  answer (open hazards, planned to start after AS_OF) [D].
- Development requests name one to three open hazards of a province; most are received or planned [D].
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from safeground.gazetteer.queries import country_prefix
from safeground.hazards.models import Hazard
from safeground.landrelease.models import HazardLedger
from safeground.operations.models import Activity
from safeground.organisations.models import ACCREDITATION_METHODS, Organisation
from safeground.tasking import priorities, services
from safeground.tasking.models import Task

NAMESPACE = uuid.UUID("6c1d2e3f-7a8b-5c9d-8e0f-1a2b3c4d5e6f")
AS_OF = dt.date(2026, 9, 30)
COUNTRIES = ("KHM", "AZE")
TASKED_SHARE = 0.6
MAX_TASKS = {"tiny": 40, "small": 300, "national": 1500}
DECLINED_SHARE = 0.07
ISSUED_SHARE = 0.05
REQUESTS = {"tiny": 8, "small": 40, "national": 150}
#: US$ per m² (domain-facts §3, [D] derived from national plan costs).
COST_PER_M2 = {"KHM": 0.57, "AZE": 0.22}
FUNDING = {
    "KHM": {"Government of Japan": 0.35, "National budget": 0.25, "United States (PM/WRA)": 0.2, "UNDP": 0.2},
    "AZE": {"State budget": 0.8, "UNDP": 0.1, "European Union": 0.1},
}
METHOD_OF_TYPE = {"nts": ["nts"], "ts": ["ts"], "clearance": ["manual"], "bac": ["bac"]}
STATUS_OF_ACTIVITY = {
    "planned": "accepted",
    "ongoing": "in_progress",
    "suspended": "in_progress",
    "completed": "completed",
    "cancelled": "cancelled",
}
DECLINE_REASONS = [
    "No accredited team free before the rainy season",
    "The site needs mechanical assets we do not hold in this province",
    "Access road impassable until the dry season",
    "Our donor's grant does not cover this province",
]
REQUESTERS = {
    "KHM": [
        "Ministry of Rural Development",
        "Ministry of Water Resources and Meteorology",
        "Provincial administration",
    ],
    "AZE": ["Agency for Reconstruction", "Ministry of Agriculture", "Azerbaijan Highways"],
}
PROJECTS = {
    "road": "Rural road upgrade",
    "water": "Irrigation canal",
    "agriculture": "Land for resettled farmers",
    "housing": "Village resettlement",
    "infrastructure": "Power line",
    "school_health": "School and health post",
}
PURPOSE_P = {
    "road": 0.3,
    "water": 0.2,
    "agriculture": 0.2,
    "housing": 0.15,
    "infrastructure": 0.1,
    "school_health": 0.05,
}
REQUEST_STATUS_P = {"received": 0.45, "planned": 0.3, "fulfilled": 0.15, "rejected": 0.1}
#: Azerbaijan's programme weighs the return of displaced people (development requests, villages) more [D].
WEIGHTS = {
    "KHM": priorities.DEFAULT_WEIGHTS,
    "AZE": {**priorities.DEFAULT_WEIGHTS, "casualties": 25, "villages": 20, "development": 20, "beneficiaries": 15},
}
#: The demo's operator sign-ins (organisations.roles.DEMO_ACCOUNTS): each gets a task waiting for its answer.
DEMO_OPERATOR = {"KHM": "CMAC", "AZE": "ANAMA"}
CHANGE_REASON = "synthetic demo data (tasking demo)"
#: Starts as the demo generator's BATCH_SOURCE, so its rebuild removes these batches with its own.
BATCH_SOURCE = "safeground demo: tasks"

Report = Callable[[str], None]


def uid(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"task:{code}")


def delete_synthetic() -> dict[str, int]:
    return services.delete_synthetic()


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)), dt.UTC)


@transaction.atomic
def build(seed: int = 1, scale: str = "small", report: Report = lambda message: None) -> dict:
    """Replace the synthetic tasking rows; returns counts."""
    if scale not in MAX_TASKS:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(MAX_TASKS)}")
    deleted = delete_synthetic()
    report(f"  tasking: removed {deleted.get('tasks', 0):,} previous synthetic tasks")
    rng = np.random.default_rng([seed, 9100])
    estimated = dict(HazardLedger.objects.values_list("hazard_id", "estimated_m2"))
    hazard_rows = {
        pk: (country, province, area, status)
        for pk, country, province, area, status in Hazard.objects.values_list(
            "pk", "country", "province_id", "area_m2", "status"
        )
    }
    activities = list(
        Activity.objects.filter(country__in=COUNTRIES)
        .exclude(activity_type="eod")
        .order_by("code")
        .values_list(
            "pk", "code", "country", "organisation_id", "activity_type", "methods", "status", "start_date", "end_date"
        )
    )
    links: dict = {}
    for activity_id, hazard_id in Activity.hazards.through.objects.filter(
        activity_id__in=[a[0] for a in activities]
    ).values_list("activity_id", "hazard_id"):
        links.setdefault(activity_id, []).append(hazard_id)
    activities = [a for a in activities if links.get(a[0])]
    drawn = [a for a in activities if rng.random() < TASKED_SHARE]
    # Each programme keeps its share of the tasked activities under the scale's cap.
    keep = min(1.0, MAX_TASKS[scale] / max(len(drawn), 1))
    chosen = []
    for c in COUNTRIES:
        mine = [a for a in drawn if a[2] == c]
        chosen += mine[: round(len(mine) * keep)]
    allowed = {m for m, _label in ACCREDITATION_METHODS}
    numbers: Counter = Counter()
    plans: list[tuple[Task, list, list]] = []

    def new_task(country: str, hazard_ids: list, **fields) -> Task:
        prefix = country_prefix(country)
        numbers[prefix] += 1
        code = f"{prefix}-TASK-{numbers[prefix]:06d}"
        area = sum(estimated.get(h, hazard_rows[h][2] or 0.0) for h in hazard_ids) * float(rng.uniform(0.9, 1.0))
        budget = area * COST_PER_M2[country] * float(rng.lognormal(0, 0.3))
        funders = FUNDING[country]
        provinces = [hazard_rows[h][1] for h in hazard_ids if hazard_rows[h][1]]
        return Task(
            id=uid(code),
            code=code,
            country=country,
            province_id=Counter(provinces).most_common(1)[0][0] if provinces else None,
            planned_area_m2=round(area, 1),
            budget_amount=Decimal(max(100, round(budget, -2))).quantize(Decimal("0.01")),
            budget_currency="USD",
            funding_source=str(rng.choice(list(funders), p=list(funders.values()))),
            is_synthetic=True,
            **fields,
        )

    for pk, _code, country, org_id, kind, methods, status, start, end in chosen:
        hazard_ids = sorted(links[pk], key=str)
        # Issued up to three weeks before the work started; the plan's end lies around the actual end
        # (lognormal over the span from the planned start), so some tasks finish early and some late.
        planned_start = start - dt.timedelta(days=int(rng.integers(0, 22)))
        span = ((end or start + dt.timedelta(days=int(rng.integers(60, 181)))) - planned_start).days
        planned_end = planned_start + dt.timedelta(days=max(14, round(span * rng.lognormal(0, 0.2))))
        task_status = STATUS_OF_ACTIVITY.get(status, "accepted")
        task_methods = [m for m in methods if m in allowed] or METHOD_OF_TYPE.get(kind, ["manual"])
        task = new_task(
            country,
            hazard_ids,
            organisation_id=org_id,
            methods=task_methods,
            priority=str(rng.choice(["high", "medium", "low"], p=[0.4, 0.45, 0.15])),
            status=task_status,
            status_reason="The activity was cancelled" if task_status == "cancelled" else "",
            status_changed_at=_aware(end or start),
            planned_start=planned_start,
            planned_end=planned_end,
        )
        plans.append((task, hazard_ids, [pk]))

    # Tasks declined by the operator, and tasks waiting for an answer: on open hazards not tasked yet.
    tasked = {h for _t, hs, _a in plans for h in hs}
    # The organisations doing the programme's work; the demo's operator sign-ins get the first waiting tasks.
    working = {org for _pk, _c, _country, org, *_rest in activities}
    operators = {
        c: list(
            Organisation.objects.filter(country=c, is_active=True, pk__in=working)
            .order_by("acronym")
            .values_list("pk", "acronym")
        )
        for c in COUNTRIES
    }
    for c, acronym in DEMO_OPERATOR.items():
        operators[c].sort(key=lambda o, first=acronym: o[1] != first)
    extra = max(4, round(len(plans) * (DECLINED_SHARE + ISSUED_SHARE)))
    waiting = max(2, round(extra * ISSUED_SHARE / (DECLINED_SHARE + ISSUED_SHARE)))
    open_hazards = {
        c: sorted(
            (pk for pk, row in hazard_rows.items() if row[0] == c and row[3] == "open" and pk not in tasked), key=str
        )
        for c in COUNTRIES
    }
    for i in range(extra):
        country = COUNTRIES[i % len(COUNTRIES)]
        if not open_hazards[country] or not operators[country]:
            continue
        hazard = open_hazards[country].pop(int(rng.integers(len(open_hazards[country]))))
        declined = i >= waiting
        pick = 0 if i < len(COUNTRIES) else int(rng.integers(len(operators[country])))
        org_id = operators[country][pick][0]
        issued_on = AS_OF - dt.timedelta(days=int(rng.integers(5, 120 if declined else 30)))
        start = AS_OF + dt.timedelta(days=int(rng.integers(14, 90)))
        task = new_task(
            country,
            [hazard],
            organisation_id=org_id,
            methods=["nts"] if rng.random() < 0.3 else ["manual", "mdd"],
            priority=str(rng.choice(["high", "medium"], p=[0.6, 0.4])),
            status="declined" if declined else "issued",
            status_reason=str(rng.choice(DECLINE_REASONS)) if declined else "",
            status_changed_at=_aware(issued_on),
            planned_start=start,
            planned_end=start + dt.timedelta(days=int(rng.integers(45, 150))),
        )
        plans.append((task, [hazard], []))
    if plans:
        services.bulk_create_tasks(
            [t for t, _h, _a in plans],
            [h for _t, h, _a in plans],
            [a for _t, _h, a in plans],
            source=BATCH_SOURCE,
            reason=CHANGE_REASON,
        )

    # Development requests on open hazards.
    requests = 0
    for i in range(REQUESTS[scale]):
        country = COUNTRIES[i % len(COUNTRIES)]
        pool = [pk for pk, row in hazard_rows.items() if row[0] == country and row[3] == "open"]
        if not pool:
            continue
        pool.sort(key=str)
        first = int(rng.integers(len(pool)))
        province = hazard_rows[pool[first]][1]
        same = [pk for pk in pool if hazard_rows[pk][1] == province]
        picked = sorted(
            set([pool[first], *rng.choice(same, size=min(len(same), int(rng.integers(0, 3))), replace=False).tolist()]),
            key=str,
        )
        purpose = str(rng.choice(list(PURPOSE_P), p=list(PURPOSE_P.values())))
        services.add_development_request(
            requester=str(rng.choice(REQUESTERS[country])),
            project=PROJECTS[purpose],
            purpose=purpose,
            requested_on=AS_OF - dt.timedelta(days=int(rng.integers(10, 3 * 365))),
            hazards=list(Hazard.objects.filter(pk__in=picked).order_by("code").values_list("code", flat=True)),
            status=str(rng.choice(list(REQUEST_STATUS_P), p=list(REQUEST_STATUS_P.values()))),
            synthetic=True,
        )
        requests += 1

    # One weights record per programme, and the ranking kept with it.
    snapshots = 0
    for country in COUNTRIES:
        if not any(row[0] == country for row in hazard_rows.values()):
            continue
        services.set_weights(country, weights=WEIGHTS[country], notes="Demo weights", synthetic=True)
        services.take_snapshot(country, note="Demo ranking", synthetic=True)
        snapshots += 1
    statuses = Counter(t.status for t, _h, _a in plans)
    report(
        f"  tasking: {len(plans):,} tasks ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}), "
        f"{requests} development requests, {snapshots} weights records with a kept ranking"
    )
    return {"tasks": len(plans), "statuses": dict(statuses), "requests": requests, "snapshots": snapshots}
