"""Demo data for accreditation, personnel, the training centre and progress reports.

`build(seed, scale, report)` runs after the main demo build on its synthetic records: it replaces its
own synthetic rows, deterministic per seed (one dog accreditation is made to expire three weeks after
the build day, so the expiring list always has an entry). Rates follow domain-facts §3: manual 10–50
m² per deminer-day, MDD 400–450 m² per dog-day, MDR ≈ 2,900 m² per team-day, flail 2,500–10,000 m²
per machine-day, varied by terrain, vegetation and soil metal. Each method's reported area equals the
area of the activity's cleared and reduced products, so totals never exceed the hazard area.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Count, Sum

from safeground.operations import services as operation_services
from safeground.operations.models import Activity, ProgressReport
from safeground.organisations import services as organisation_services
from safeground.organisations.models import (
    Accreditation,
    AnimalAccreditation,
    Asset,
    Organisation,
    Personnel,
    Team,
)
from safeground.training import services
from safeground.training.models import (
    Assessment,
    AssessmentResult,
    Course,
    CourseSession,
    Enrolment,
    Instructor,
    TrainingCentre,
)

#: The demo's "today" (safeground/demo/profiles.py AS_OF; demo sits above training, so it is not imported).
AS_OF = dt.date(2026, 9, 30)

KIND_METHOD = {
    "manual": "manual",
    "mixed": "manual",
    "mdd": "mdd",
    "mdr": "mdr",
    "mechanical": "mechanical",
    "nts": "nts",
    "ts": "ts",
    "eod": "eod",
    "eore": "eore",
}
TERRAIN = {"flat": 1.0, "rolling": 0.9, "hilly": 0.75, "mountainous": 0.6}
VEGETATION = {"none": 1.15, "light": 1.0, "medium": 0.8, "dense": 0.6}
METAL = {"low": 1.0, "medium": 0.85, "high": 0.7}
GROUND_WEIGHTS = {
    "KHM": (
        {"flat": 50, "rolling": 30, "hilly": 15, "mountainous": 5},
        {"none": 5, "light": 25, "medium": 40, "dense": 30},
        {"low": 30, "medium": 40, "high": 30},
    ),
    "AZE": (
        {"flat": 30, "rolling": 30, "hilly": 25, "mountainous": 15},
        {"none": 25, "light": 45, "medium": 25, "dense": 5},
        {"low": 50, "medium": 35, "high": 15},
    ),
}
#: (base, lo, hi) per unit-day and which unit: deminer, dog, team or machine (domain-facts §3).
RATES = {"manual": (30, 10, 50), "mdd": (425, 400, 450), "mdr": (2900, 2600, 3200), "mechanical": (5000, 2500, 10000)}
#: Sensitivity to the ground: manual feels everything; dogs and rats barely feel metal; machines feel terrain.
SENSITIVITY = {"manual": (1, 1, 1), "mdd": (0.15, 0.15, 0), "mdr": (0.15, 0.15, 0), "mechanical": (1.2, 0.5, 0)}
TEAM_DAY_COST = {"manual": 350, "mdd": 450, "mdr": 600, "mechanical": 2000}
COSTED = {"HALO", "APOPO", "ANAMA"}
NAMES = {
    "KHM": (
        ["Sokha", "Dara", "Vanna", "Sophea", "Chenda", "Rithy", "Bopha", "Kosal"],
        ["Chan", "Kim", "Sok", "Heng", "Phan", "Meas"],
    ),
    "AZE": (
        ["Elvin", "Aysel", "Rashad", "Leyla", "Farid", "Nigar", "Orkhan", "Gunel"],
        ["Aliyev", "Huseynova", "Mammadov", "Guliyeva", "Hasanov"],
    ),
}
SYN = {"is_synthetic": True}
CHANGE_REASON = "synthetic demo data (safeground demo)"
#: Starts as the demo generator's BATCH_SOURCE, so its rebuild removes these batches with its own.
BATCH_SOURCE = "safeground demo: progress reports"


def _pick(rng, weights: dict) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def delete_synthetic() -> None:
    """Remove this module's synthetic rows, children first (call before the main demo deletes teams).

    Through the owning apps' services: training, operations (progress reports and asset assignments),
    organisations (credentials and personnel).
    """
    services.delete_synthetic()
    operation_services.delete_synthetic_reports()
    organisation_services.delete_synthetic_credentials()


@transaction.atomic
def build(seed: int = 1, scale: str = "small", report=lambda message: None) -> dict:
    rng = np.random.default_rng([seed, 606])
    delete_synthetic()
    counts = {}
    counts["accreditations"] = _accreditations()
    people = _personnel(rng)
    counts["personnel"] = len(people)
    counts["animal accreditations"] = _animals(rng, people)
    counts.update(_training(rng, people))
    counts["progress reports"] = _progress(rng)
    for k, v in counts.items():
        report(f"{k}: {v:,}")
    return counts


def _periods(start: dt.date, end: dt.date, years: int):
    y = start.year
    while y <= end.year:
        yield dt.date(y, 1, 1), dt.date(y + years - 1, 12, 31)
        y += years


def _accreditations() -> int:
    orgs = {o.pk: o for o in Organisation.objects.filter(is_synthetic=True, kind__in=["operator", "authority"])}
    methods: dict = {}
    for org_id, kind in Team.objects.filter(organisation_id__in=orgs).values_list("organisation_id", "kind"):
        methods.setdefault(org_id, set()).add(KIND_METHOD[kind])
    for org_id, ms, atype in Activity.objects.filter(organisation_id__in=orgs).values_list(
        "organisation_id", "methods", "activity_type"
    ):
        methods.setdefault(org_id, set()).update(
            {"mdr" if m == "rest" else m for m in ms} | ({"bac"} if atype == "bac" else set())
        )
    rows = []
    for org_id, ms in methods.items():
        org = orgs[org_id]
        authority = "CMAA" if org.country == "KHM" else "ANAMA"
        for m in sorted(ms):
            for i, (a, b) in enumerate(_periods(dt.date(2015, 1, 1), dt.date(2027, 12, 31), 3)):
                rows.append(
                    Accreditation(
                        code=f"{org.acronym}-ACC-{m.upper()}-{i + 1:02d}",
                        organisation=org,
                        method=m,
                        issuing_authority=authority,
                        valid_from=a,
                        valid_until=b,
                        conditions="Subject to external QA monitoring visits",
                        **SYN,
                    )
                )
    return organisation_services.bulk_accredit_organisations(rows, reason=CHANGE_REASON)


ROLE_BY_KIND = {
    "manual": "deminer",
    "mixed": "deminer",
    "ts": "deminer",
    "mdd": "dog_handler",
    "mdr": "rat_handler",
    "mechanical": "machine_operator",
    "nts": "surveyor",
    "eod": "eod1",
    "eore": "surveyor",
}


def _person(rng, code, org, team, role, country) -> Personnel:
    first, last = NAMES.get(country, NAMES["KHM"])
    return Personnel(
        code=code,
        organisation=org,
        team=team,
        role=role,
        nationality=country,
        full_name=f"{first[int(rng.integers(len(first)))]} {last[int(rng.integers(len(last)))]}",
        date_of_birth=dt.date(1970 + int(rng.integers(30)), 1 + int(rng.integers(12)), 1 + int(rng.integers(28))),
        **SYN,
    )


def _personnel(rng) -> list[Personnel]:
    rows, counters = [], {}
    for team in Team.objects.filter(is_synthetic=True).select_related("organisation").order_by("code"):
        org = team.organisation
        for k in range(team.size):
            role = ROLE_BY_KIND[team.kind]
            if team.kind in ("manual", "mixed", "ts") and k < 2:
                role = ("section_leader", "medic")[k]
            if team.kind == "eod":
                role = ("eod3", "eod2", "eod1")[min(k, 2)]
            counters[org.acronym] = counters.get(org.acronym, 0) + 1
            rows.append(_person(rng, f"{org.acronym}-P-{counters[org.acronym]:05d}", org, team, role, org.country))
    organisation_services.bulk_create_personnel(rows, reason=CHANGE_REASON)
    return rows


def _animals(rng, people) -> int:
    handlers: dict = {}
    for p in people:
        if p.role in ("dog_handler", "rat_handler"):
            handlers.setdefault(p.team_id, []).append(p)
    rows = []
    animals = list(Asset.objects.filter(is_synthetic=True, kind__in=["dog", "rat"]).order_by("identifier"))
    soon = next((a for a in animals if a.kind == "dog"), None)
    for j, asset in enumerate(animals):
        pool = handlers.get(asset.team_id) or [None]
        handler = pool[j % len(pool)]
        tests = (
            ["blind search", "target odour recognition", "handler control"]
            if asset.kind == "dog"
            else ["blind box test", "field accreditation test"]
        )
        periods = list(_periods(dt.date(2016, 1, 1), dt.date(2027, 12, 31), 1))
        if asset is soon:  # the one that expires soon: not yet renewed
            periods = [p for p in periods if p[1] < dt.date.today()] + [
                (dt.date(dt.date.today().year, 1, 1), dt.date.today() + dt.timedelta(days=21))
            ]
        for i, (a, b) in enumerate(periods):
            rows.append(
                AnimalAccreditation(
                    code=f"{asset.identifier}-ACC-{i + 1:02d}",
                    asset=asset,
                    handler=handler,
                    tests_passed=tests,
                    issuing_authority="CMAA" if asset.identifier[:4] in ("CMAC", "APOP") else "ANAMA",
                    valid_from=a,
                    valid_until=b,
                    **SYN,
                )
            )
    return organisation_services.bulk_accredit_animals(rows, reason=CHANGE_REASON)


COURSES = [  # code, title, method, IMAS, days, capacity, prerequisites, modules, validity (days)
    (
        "MAN-101",
        "Basic manual demining",
        "manual",
        ["IMAS 09.10", "IMAS 10.20"],
        30,
        24,
        [],
        ["Mine awareness", "Detector drills", "Prodding and excavation", "Marking", "Site safety"],
        3 * 365,
    ),
    (
        "MDD-201",
        "Mine detection dog handler",
        "mdd",
        ["IMAS 09.40", "IMAS 09.41", "IMAS 09.42"],
        60,
        8,
        ["MAN-101"],
        ["Dog care", "Odour training", "Search patterns", "Accreditation test"],
        365,
    ),
    (
        "MDR-201",
        "Mine detection rat handler",
        "mdr",
        ["IMAS 09.40", "IMAS 09.43"],
        45,
        10,
        ["MAN-101"],
        ["Rat care", "Clicker training", "Box and line search", "Accreditation test"],
        365,
    ),
    (
        "EOD-1",
        "EOD level 1",
        "eod",
        ["IMAS 09.30"],
        20,
        16,
        ["MAN-101"],
        ["Identification", "Marking", "Reporting"],
        3 * 365,
    ),
    (
        "EOD-2",
        "EOD level 2",
        "eod",
        ["IMAS 09.30"],
        25,
        12,
        ["EOD-1"],
        ["Single-item demolition", "Demolition safety"],
        3 * 365,
    ),
    (
        "EOD-3",
        "EOD level 3",
        "eod",
        ["IMAS 09.30", "IMAS 10.50"],
        30,
        8,
        ["EOD-2"],
        ["Multiple items", "Render safe", "Storage"],
        3 * 365,
    ),
    (
        "NTS-101",
        "Non-technical survey",
        "nts",
        ["IMAS 08.10", "IMAS 07.11"],
        10,
        20,
        [],
        ["Community liaison", "Evidence", "Polygons and traverses", "Reporting to IMSMA"],
        None,
    ),
]


def _training(rng, people) -> dict:
    cmac = Organisation.objects.filter(acronym="CMAC").first()
    if cmac is None:
        return {}
    centre = TrainingCentre(
        code="CMAC-TC", name="CMAC Training Centre", organisation=cmac, country="KHM", place="Kampong Chhnang", **SYN
    )
    staff, instructors = [], []
    for k, methods in enumerate([["manual"], ["mdd"], ["mdr"], ["eod"], ["eod", "manual"], ["nts"]]):
        staff.append(_person(rng, f"CMAC-I-{k + 1:03d}", cmac, None, "instructor", "KHM"))
        instructors.append(Instructor(person=staff[-1], centre=centre, methods=methods, **SYN))
    organisation_services.bulk_create_personnel(staff, reason=CHANGE_REASON)
    services.bulk_create_centres([centre], instructors)
    courses = {}
    for code, title, method, imas, days, cap, _pre, modules, valid in COURSES:
        courses[code] = Course(
            centre=centre,
            code=f"CMAC-{code}",
            title=title,
            method=method,
            imas_references=imas,
            duration_days=days,
            capacity=cap,
            modules=modules,
            certificate_valid_days=valid,
            **SYN,
        )
    services.bulk_create_courses(
        list(courses.values()), [(courses[code], courses[p]) for code, *_, pre, _m, _v in COURSES for p in pre]
    )
    anama = [p for p in people if p.organisation.acronym == "ANAMA"]
    kh = [p for p in people if p.organisation.country == "KHM"]

    plan = [
        ("MAN-101", dt.date(2026, 1, 12), kh[:20] + anama[:4]),
        ("MDD-201", dt.date(2026, 3, 2), anama[4:8] + kh[20:24]),
        ("MDR-201", dt.date(2026, 3, 9), anama[8:12] + kh[24:30]),
        ("EOD-1", dt.date(2026, 5, 4), kh[30:42]),
        ("NTS-101", dt.date(2026, 6, 1), anama[12:18] + kh[42:50]),
        ("EOD-2", dt.date(2026, 11, 16), kh[50:58]),
    ]
    sessions, teaching, enrolments, tests, results = [], [], [], [], []
    for i, (course_code, start, trainees) in enumerate(plan):
        c = courses[course_code]
        s = CourseSession(
            course=c,
            code=f"CMAC-TC-{start.year}-{i + 1:02d}",
            start_date=start,
            end_date=start + dt.timedelta(days=c.duration_days - 1),
            place="Kampong Chhnang",
            status="running",
            **SYN,
        )
        sessions.append(s)
        teaching += [(s, x) for x in instructors if c.method in x.methods]
        enrol = [Enrolment(session=s, person=p, **SYN) for p in trainees[: c.capacity]]
        enrolments += enrol
        if s.end_date >= dt.date.today():
            continue
        session_tests = [
            Assessment(session=s, title=t, kind=k, pass_mark=70, **SYN)
            for t, k in (("Theory", "theory"), ("Practical", "practical"))
        ]
        tests += session_tests
        results += [
            AssessmentResult(assessment=a, enrolment=e, score=int(np.clip(rng.normal(82, 9), 40, 100)), **SYN)
            for e in enrol
            for a in session_tests
        ]
    services.bulk_schedule_sessions(sessions, teaching)
    # The demo's trainees took their earlier courses before the system existed: no certificates to check.
    services.bulk_enrol(enrolments, check_prerequisites=False)
    services.bulk_add_assessments(tests)
    services.bulk_record_results(results)
    n_cert = 0
    for s in sessions:
        if s.end_date < dt.date.today():
            n_cert += len(services.close_session(s))
    return {"training courses": len(courses), "course sessions": len(plan), "certificates": n_cert}


def _progress(rng) -> int:
    acts = list(
        Activity.objects.filter(
            is_synthetic=True, activity_type__in=["clearance", "ts", "bac"], status__in=["ongoing", "completed"]
        )
        .select_related("organisation")
        .prefetch_related("teams__assets", "hazards")
        .order_by("code")
    )
    area = dict(
        Activity.objects.filter(pk__in=[a.pk for a in acts], products__outcome__in=["cleared", "reduced"])
        .values_list("pk")
        .annotate(s=Sum("products__area_m2"))
        .values_list("pk", "s")
    )
    # Progress can't exceed the ground of the activity's hazards (the service refuses it): a product
    # running a few m² past its hazard's edge must not push the reports over.
    hazard_area = dict(
        Activity.objects.filter(pk__in=[a.pk for a in acts])
        .values_list("pk")
        .annotate(s=Sum("hazards__area_m2"))
        .values_list("pk", "s")
    )
    devices = dict(
        Activity.objects.filter(pk__in=[a.pk for a in acts])
        .values_list("pk")
        .annotate(n=Count("products__devices"))
        .values_list("pk", "n")
    )
    rows = []
    for act in acts:
        total = min(float(area.get(act.pk) or 0), float(hazard_area.get(act.pk) or 0))
        if total <= 0:
            continue
        tw, vw, mw = GROUND_WEIGHTS.get(act.country, GROUND_WEIGHTS["KHM"])
        ground = (_pick(rng, tw), _pick(rng, vw), _pick(rng, mw))
        hazard = next(iter(act.hazards.all()), None)
        end = min(act.end_date or AS_OF, AS_OF)
        span = max(1, (end - act.start_date).days)
        found = devices.get(act.pk, 0)
        for mi, method in enumerate(m for m in act.methods if m in RATES):
            teams = [
                t
                for t in act.teams.all()
                if KIND_METHOD.get(t.kind) == method or (method == "manual" and t.kind in ("ts", "mixed"))
            ]
            if not teams:
                continue
            st, sv, sm = SENSITIVITY[method]
            f = TERRAIN[ground[0]] ** st * VEGETATION[ground[1]] ** sv * METAL[ground[2]] ** sm
            base, lo, hi = RATES[method]
            for ti, team in enumerate(teams):
                share = total / len(teams)
                unit_rate = float(np.clip(base * f * rng.lognormal(0, 0.08), lo, hi))
                if method == "manual":
                    searchers, assets = max(1, team.size - 2), 0
                    per_team_day = unit_rate * searchers
                elif method == "mdd":
                    assets = max(1, sum(1 for a in team.assets.all() if a.kind == "dog"))
                    searchers, per_team_day = assets, unit_rate * assets
                elif method == "mdr":
                    assets = min(6, max(1, sum(1 for a in team.assets.all() if a.kind == "rat")))
                    searchers, per_team_day = max(1, team.size - 1), unit_rate
                else:
                    assets = searchers = 1
                    per_team_day = unit_rate
                team_days = share / per_team_day
                n = max(1, math.ceil(team_days / 5))
                step = max(1, span // n)
                for k in range(n):
                    day = act.start_date + dt.timedelta(days=min(span, k * step))
                    rain = act.country == "KHM" and 5 <= day.month <= 10 and rng.random() < 0.4
                    snow = act.country == "AZE" and day.month in (12, 1, 2) and rng.random() < 0.3
                    days = team_days / n
                    cost = (
                        Decimal(str(round(days * TEAM_DAY_COST[method], 2)))
                        if act.organisation.acronym in COSTED
                        else None
                    )
                    rows.append(
                        ProgressReport(
                            code=f"{act.code}-PR-{mi}{ti}{k + 1:04d}",
                            activity=act,
                            team=team,
                            hazard=hazard,
                            period="weekly",
                            date=day,
                            method=method,
                            area_m2=share / n,
                            days_worked=round(days, 4),
                            searchers=searchers,
                            hours_per_day=6.0 if method != "manual" else 5.5,
                            assets_deployed=assets,
                            devices_found=(found // n + (1 if k < found % n else 0)) if mi == 0 and ti == 0 else 0,
                            terrain=ground[0],
                            vegetation=ground[1],
                            soil_metal=ground[2],
                            weather="rain"
                            if rain
                            else (
                                "snow" if snow else ("hot" if act.country == "KHM" and day.month in (3, 4) else "dry")
                            ),
                            stoppage_hours=2.0 if rain or snow else 0.0,
                            stoppages="weather" if rain or snow else "",
                            cost_usd=cost,
                            **SYN,
                        )
                    )
    return operation_services.bulk_record_progress(rows, source=BATCH_SOURCE, reason=CHANGE_REASON)
