"""Synthetic accidents, victims and victim assistance on the demo hazards: invented people, real geography.

`build(seed, scale, report)` replaces every synthetic accident, victim and assistance record in one
transaction. Deterministic per seed: draws come from `numpy.random.default_rng([seed, stage])`,
inputs are read sorted by code, primary keys are UUID5s of the codes. Ciphertexts differ between
builds (a fresh random nonce each time), the data they hold does not.

Calibration (docs/domain-facts.md §4.3, §5.3, §9):

* Cambodia: 65, 44, 41 and 32 casualties in 2020–2023; killed 17, 10 and 4 in 2020, 2022, 2023
  (2021: 9, [D] 20 % of 44); amputations 12, 7 and 10 (2021: 8, [D]); 2020's province split exactly
  as published (Battambang 19, Preah Vihear 12, Pursat 10, …), later years drawn with its weights;
  children ≈29 %, adult women ≈3 % (2022: 28 men, 1 woman, 12 children); mines 19 of 41 in 2022,
  a third of mine casualties from AT mines; ≈1.1 casualties per accident (32 in 29 accidents).
* Azerbaijan since 10 Nov 2020: the published running totals (197 by 14 Dec 2021 of which ≈97 in
  2021, 268 by Dec 2022,
  299 by May 2023, 314 by 19 Sep 2023, 340 by Dec 2023, 377 by Aug 2024) with their killed counts
  (36, 45, 55, 61, 65, 69: ≈18 %; the first 36 split evenly between 2020 and 2021, [D]); military 23 %
  of the killed and 60 % of the injured (Dec 2023).

Casualties are national figures, so `scale` does not change them. Names are invented from syllables;
every row is `is_synthetic`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import Point
from django.db import transaction

from safeground.core import crypto
from safeground.core.codes import allocate_codes
from safeground.gazetteer.models import AdminArea, Place
from safeground.gazetteer.queries import code_stems, country_prefix, locate_all
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation
from safeground.victims import services
from safeground.victims.models import (
    Accident,
    Assessment,
    FollowUp,
    Referral,
    Victim,
)

NAMESPACE = uuid.UUID("0c1e5b7a-8d2f-5e44-9b1a-7f3c2d6e9a10")
CHANGE_REASON = "synthetic demo data (victims demo)"
AS_OF = dt.date(2026, 9, 30)  # the demo's "today" (safeground/demo/profiles.py AS_OF)

KHM_YEARS = {2020: 65, 2021: 44, 2022: 41, 2023: 32}
KHM_KILLED = {2020: 17, 2021: 9, 2022: 10, 2023: 4}
KHM_AMPUTATIONS = {2020: 12, 2021: 8, 2022: 7, 2023: 10}
KHM_PROVINCES_2020 = {
    "KH02": 19, "KH13": 12, "KH15": 10, "KH01": 7, "KH10": 4, "KH06": 3,
    "KH22": 3, "KH24": 2, "KH25": 2, "KH11": 1, "KH19": 1, "KH08": 1,
}  # fmt: skip
KHM_CMR_PROVINCES = {"KH10", "KH11", "KH19", "KH25", "KH06", "KH13"}
KHM_CHILD = 12 / 41
KHM_ADULT_WOMEN = 1 / 29
KHM_MINE = 19 / 41
KHM_DEMINING_ACCIDENT = 0.03

#: (from, to, casualties, killed) between the published Azerbaijani running totals.
AZE_SEGMENTS = [
    (dt.date(2020, 11, 10), dt.date(2020, 12, 31), 100, 18),
    (dt.date(2021, 1, 1), dt.date(2021, 12, 14), 97, 18),
    (dt.date(2021, 12, 15), dt.date(2022, 12, 31), 71, 9),
    (dt.date(2023, 1, 1), dt.date(2023, 5, 31), 31, 10),
    (dt.date(2023, 6, 1), dt.date(2023, 9, 19), 15, 6),
    (dt.date(2023, 9, 20), dt.date(2023, 12, 31), 26, 4),
    (dt.date(2024, 1, 1), dt.date(2024, 8, 31), 37, 4),
]
AZE_MILITARY = {"killed": 15 / 65, "injured": 164 / 275}
AZE_DEMINER_OF_CIVILIANS = 0.08  # [D]: ANAMA and operator staff among the civilian casualties
AZE_DEVICES = {"ap_mine": 0.47, "at_mine": 0.2, "uxo": 0.23, "submunition": 0.05, "booby_trap": 0.05}
MODELS = {
    ("KHM", "ap_mine"): ["PMN-2", "Type 72A", "MD-82B", "PMN", "POMZ-2M", "Type 69", "M16"],
    ("KHM", "at_mine"): ["TM-46", "TM-57", "Unidentified AT mine"],
    ("KHM", "submunition"): ["BLU-26", "BLU-24", "M77 / M42 DPICM"],
    ("KHM", "uxo"): ["Mortar bomb 82 mm", "Artillery projectile 105 mm", "Unidentified UXO"],
    ("AZE", "ap_mine"): ["PMN-E", "PMN-2", "OZM-72", "MON-50"],
    ("AZE", "at_mine"): ["TM-62M"],
    ("AZE", "submunition"): ["9M525 / 9M55K Smerch cassette"],
    ("AZE", "uxo"): ["Mortar bomb 82 mm", "Hand grenade F-1", "Unidentified UXO"],
    ("AZE", "booby_trap"): ["Booby trap (grenade-based)", "Booby trap (PG-7L warhead)"],
}
RESIDUAL_SHARE = 0.07  # accidents on land released earlier (residual contamination)
IN_HAZARD_SHARE = 0.5

KH_FAMILY = ["Sok", "Chan", "Keo", "Meas", "Prak", "Heng", "Chhim", "Nhem", "Ros", "Touch", "Yim", "Phan", "Sao", "Ouk"]
KH_SYLLABLES = ["So", "Pha", "Da", "Ra", "Vuth", "Chan", "Srey", "Bo", "Ly", "Nim", "Thy", "Rith", "Mony", "Vann", "Na"]
AZ_FAMILY = ["Aliyev", "Mammadov", "Hasanov", "Huseynov", "Ismayilov", "Guliyev", "Rahimov", "Abbasov", "Karimov"]
AZ_START = ["El", "Ra", "Nur", "Tur", "Va", "Sa", "Ay", "Ka", "Fa", "Ja", "Ro", "Se"]
AZ_END = ["min", "gun", "xan", "lan", "hid", "yar", "dar", "mil", "nur", "vin", "ra", "la"]
AZ_STREETS = ["Bahar", "Gulustan", "Azadlig", "Nizami", "Chinar", "Yashil", "Dostlug", "Ganjlik"]
PROVIDERS = {
    "medical": "Provincial referral hospital, {area}",
    "rehabilitation": "Physical rehabilitation centre, {area}",
    "psychosocial": "Community psychosocial support service, {area}",
    "education": "District education office, {area}",
    "economic": "Livelihood and small business programme, {area}",
}

Report = Callable[[str], None]


def uid(kind: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{code}")


def _rng(seed: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, 7000 + stage])


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic accident, victim and assistance record (victims.services.delete_synthetic)."""
    return services.delete_synthetic()


def _date_in(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _accident_size(rng: np.random.Generator, remaining: int, at_mine: bool) -> int:
    """People hurt in one accident (at most `remaining`): mostly one, more when a vehicle hits an AT mine."""
    if at_mine:
        size = 1 + int(rng.choice(4, p=[0.35, 0.35, 0.2, 0.1]))
    else:
        size = 1 + int(rng.choice(3, p=[0.9, 0.08, 0.02]))
    return min(size, remaining)


def _random_point_in(rng, geom, tries: int = 200):
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(tries):
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            return p
    return geom.representative_point()


class _Geo:
    """Provinces, hazards, products and villages of the demo database, read once, sorted by code."""

    def __init__(self):
        self.provinces = {
            code: shapely.from_wkb(bytes(wkb))
            for code, wkb in AdminArea.objects.filter(level=1)
            .order_by("code")
            .annotate(wkb=AsWKB("geom"))
            .values_list("code", "wkb")
        }
        for g in self.provinces.values():
            shapely.prepare(g)
        self.province_names = dict(AdminArea.objects.filter(level=1).values_list("code", "name"))
        self.province_of = dict(AdminArea.objects.filter(level=1).values_list("id", "code"))
        self.hazards = defaultdict(list)  # province code → [(code, geom)] of open/suspended hazards
        self.all_hazards = []
        self.pks: dict[str, uuid.UUID] = {}
        for pk, code, status, prov, wkb in (
            Hazard.objects.filter(geom__isnull=False)  # polygons: accidents are placed inside them
            .order_by("code")
            .annotate(wkb=AsWKB("geom"))
            .values_list("pk", "code", "status", "province__code", "wkb")
        ):
            geom = shapely.from_wkb(bytes(wkb))
            self.pks[f"hazard:{code}"] = pk
            self.all_hazards.append((code, status, geom))
            if status in ("open", "suspended") and prov:
                self.hazards[prov].append((code, geom))
        self.products = defaultdict(list)  # province code → [(code, released_on, geom)]
        self.all_products = []
        for pk, code, released, prov, wkb in (
            Product.objects.order_by("code")
            .annotate(wkb=AsWKB("geom"))
            .values_list("pk", "code", "released_on", "hazard__province__code", "wkb")
        ):
            geom = shapely.from_wkb(bytes(wkb))
            self.pks[f"product:{code}"] = pk
            self.all_products.append((code, released, geom))
            if prov:
                self.products[prov].append((code, released, geom))
        self.hazard_tree = shapely.STRtree([g for _c, _s, g in self.all_hazards]) if self.all_hazards else None
        self.product_tree = shapely.STRtree([g for _c, _r, g in self.all_products]) if self.all_products else None
        self.villages = defaultdict(list)  # province code → [(name, point)]
        for name, prov, wkb in (
            Place.objects.filter(kind="village", admin_area__isnull=False)
            .order_by("country", "code")
            .annotate(wkb=AsWKB("point"))
            .values_list("name", "admin_area__parent__parent__code", "wkb")
        ):
            self.villages[prov].append((name, shapely.from_wkb(bytes(wkb))))
        self.towns = [
            (name, shapely.from_wkb(bytes(wkb)))
            for name, wkb in Place.objects.filter(country="AZE")
            .order_by("code")
            .annotate(wkb=AsWKB("point"))
            .values_list("name", "wkb")
        ]

    def link(self, point, on: dt.date) -> tuple[str | None, str | None, str]:
        """(hazard code, product code, evidence status) as services.create_accident decides them."""
        if self.product_tree is not None:
            for i in sorted(self.product_tree.query(point, predicate="intersects")):
                code, released, _g = self.all_products[i]
                if released <= on:
                    return None, code, "proposed"
        if self.hazard_tree is not None:
            for i in sorted(self.hazard_tree.query(point, predicate="intersects")):
                code, status, _g = self.all_hazards[i]
                if status in ("open", "suspended"):
                    return code, None, "linked"
        return None, None, "proposed"


def _place(rng, geo: _Geo, province: str, on: dt.date):
    """A point in the province: inside an open hazard, on released land, or near a village/hazard."""
    outline = geo.provinces[province]
    roll = rng.random()
    products = [p for p in geo.products.get(province, []) if p[1] <= on]
    if roll < RESIDUAL_SHARE and products:
        _code, _rel, geom = products[int(rng.integers(len(products)))]
        p = _random_point_in(rng, geom)
        if outline.contains(p):
            return p
    hazards = geo.hazards.get(province, [])
    if roll < RESIDUAL_SHARE + IN_HAZARD_SHARE and hazards:
        _code, geom = hazards[int(rng.integers(len(hazards)))]
        p = _random_point_in(rng, geom)
        if outline.contains(p):
            return p
    anchors = [pt for _n, pt in geo.villages.get(province, [])] or [g.centroid for _c, g in hazards]
    for _ in range(20):
        if anchors:
            a = anchors[int(rng.integers(len(anchors)))]
            # 0.3 to 2.5 km from a village or a hazard: the fields and forest people use
            d = rng.uniform(0.003, 0.022)
            angle = rng.uniform(0, 2 * np.pi)
            p = shapely.Point(a.x + d * np.cos(angle), a.y + d * np.sin(angle))
        else:
            p = _random_point_in(rng, outline)
        if outline.contains(p):
            return p
    return _random_point_in(rng, outline)


def _kh_name(rng) -> str:
    given = "".join(rng.choice(KH_SYLLABLES, size=2)).capitalize()
    return f"{rng.choice(KH_FAMILY)} {given}"


def _az_name(rng, sex: str) -> str:
    given = str(rng.choice(AZ_START)) + str(rng.choice(AZ_END))
    family = str(rng.choice(AZ_FAMILY)) + ("a" if sex == "female" else "")
    return f"{given} {family}"


def _plan_khm(rng) -> list[dict]:
    """Cambodian accidents (each with its casualties) following the yearly totals and province split."""
    weights = np.array(list(KHM_PROVINCES_2020.values()), dtype=float)
    provinces = list(KHM_PROVINCES_2020)
    accidents = []
    for year, total in KHM_YEARS.items():
        if year == 2020:
            per_province = dict(KHM_PROVINCES_2020)
        else:
            drawn = rng.multinomial(total, weights / weights.sum())
            per_province = {p: int(n) for p, n in zip(provinces, drawn, strict=True) if n}
        year_people = []
        for province, n in per_province.items():
            remaining = n
            while remaining:
                mine = rng.random() < KHM_MINE
                category = ("at_mine" if rng.random() < 1 / 3 else "ap_mine") if mine else None
                if category is None:
                    category = "submunition" if province in KHM_CMR_PROVINCES and rng.random() < 0.5 else "uxo"
                size = _accident_size(rng, remaining, category == "at_mine")
                remaining -= size
                demining = rng.random() < KHM_DEMINING_ACCIDENT
                acc = {
                    "country": "KHM",
                    "province": province,
                    "on": _date_in(rng, dt.date(year, 1, 1), dt.date(year, 12, 31)),
                    "category": category,
                    "type": "demining" if demining else "mine_erw",
                    "people": [],
                }
                for _ in range(size):
                    person = _kh_person(rng, demining)
                    acc["people"].append(person)
                    year_people.append(person)
                accidents.append(acc)
        # Exactly the published killed and amputation counts for the year.
        order = rng.permutation(len(year_people))
        killed = set(order[: KHM_KILLED[year]].tolist())
        injured = [i for i in order.tolist() if i not in killed]
        amputees = set(injured[: KHM_AMPUTATIONS[year]])
        for i, person in enumerate(year_people):
            person["outcome"] = "killed" if i in killed else "injured"
            person["amputation"] = i in amputees
    return accidents


def _kh_person(rng, demining: bool) -> dict:
    if demining:
        return {"age_group": "adult", "sex": "female" if rng.random() < 0.15 else "male", "type": "deminer"}
    child = rng.random() < KHM_CHILD
    if child:
        sex = "male" if rng.random() < 0.75 else "female"
    else:
        sex = "female" if rng.random() < KHM_ADULT_WOMEN else "male"
    military = not child and rng.random() < 0.03
    return {"age_group": "child" if child else "adult", "sex": sex, "type": "military" if military else "civilian"}


def _plan_aze(rng, geo: _Geo) -> list[dict]:
    """Azerbaijani accidents following the published running totals since the ceasefire."""
    rayons = sorted({code for code in geo.hazards if code.startswith("AZ")} | {"AZ-FUZULI", "AZ-AGDAM", "AZ-TARTAR"})
    rayons = [r for r in rayons if r in geo.provinces]
    weights = np.array([len(geo.hazards.get(r, [])) + 1.0 for r in rayons])
    categories, probs = list(AZE_DEVICES), np.array(list(AZE_DEVICES.values()))
    accidents = []
    for start, end, total, killed_n in AZE_SEGMENTS:
        people = []
        remaining = total
        while remaining:
            category = str(rng.choice(categories, p=probs / probs.sum()))
            size = _accident_size(rng, remaining, category == "at_mine")
            remaining -= size
            acc = {
                "country": "AZE",
                "province": rayons[int(rng.choice(len(rayons), p=weights / weights.sum()))],
                "on": _date_in(rng, start, end),
                "category": category,
                "type": "mine_erw",
                "people": [{} for _ in range(size)],
            }
            people += acc["people"]
            accidents.append(acc)
        killed = set(rng.permutation(len(people))[:killed_n].tolist())
        for i, person in enumerate(people):
            outcome = "killed" if i in killed else "injured"
            military = rng.random() < AZE_MILITARY[outcome]
            deminer = not military and rng.random() < AZE_DEMINER_OF_CIVILIANS
            child = not (military or deminer) and rng.random() < 0.06
            person.update(
                outcome=outcome,
                type="military" if military else "deminer" if deminer else "civilian",
                age_group="child" if child else "adult",
                sex="male" if military or rng.random() < 0.92 else "female",
                amputation=outcome == "injured" and rng.random() < 0.3,
            )
    for acc in accidents:  # an accident is a demining accident when the people hurt were deminers
        if any(p["type"] == "deminer" for p in acc["people"]):
            acc["type"] = "demining"
            for p in acc["people"]:
                if p["type"] == "civilian":
                    p["type"] = "deminer"
    return accidents


ACTIVITIES = {
    "child": (["playing", "collecting", "scrap", "herding", "farming"], [0.4, 0.25, 0.15, 0.1, 0.1]),
    "civilian": (
        ["farming", "collecting", "scrap", "travelling", "household", "herding", "other"],
        [0.45, 0.2, 0.12, 0.1, 0.05, 0.05, 0.03],
    ),
}


def _details(rng, person: dict, on: dt.date) -> dict:
    """Age, injuries, activity, tampering and needs of one person."""
    if person["age_group"] == "child":
        age = int(rng.integers(5, 18))
    elif person["type"] in ("military", "deminer"):
        age = int(rng.integers(19, 46))
    else:
        age = int(np.clip(rng.normal(36, 12), 18, 75))
    if person["type"] == "deminer":
        activity = "demining"
    elif person["type"] == "military":
        activity = "military_duty"
    else:
        names, p = ACTIVITIES["child" if person["age_group"] == "child" else "civilian"]
        activity = str(rng.choice(names, p=p))
    if activity in ("scrap", "playing"):
        tampered = str(rng.choice(["yes", "no", "unknown"], p=[0.7, 0.2, 0.1]))
    elif activity == "demining":
        tampered = "no"
    else:
        tampered = str(rng.choice(["no", "unknown", "yes"], p=[0.6, 0.35, 0.05]))
    injuries: list[str] = []
    needs: list[str] = []
    if person["outcome"] == "injured":
        if person["amputation"]:
            injuries = ["lower_limb_amputation" if rng.random() < 0.8 else "upper_limb_amputation", "fragment"]
        else:
            injuries = [str(rng.choice(["fragment", "eye", "burns", "hearing"], p=[0.7, 0.15, 0.1, 0.05]))]
        needs = ["medical"]
        if person["amputation"] or rng.random() < 0.15:
            needs.append("rehabilitation")
        if rng.random() < 0.5:
            needs.append("psychosocial")
        if age < 18 and rng.random() < 0.7:
            needs.append("education")
        if age >= 18 and person["type"] == "civilian" and rng.random() < 0.5:
            needs.append("economic")
    dob = None
    if rng.random() < 0.7:
        dob = on - dt.timedelta(days=int(age * 365.25 + rng.integers(1, 360)))
    return {"age": age, "dob": dob, "activity": activity, "tampered": tampered, "injuries": injuries, "needs": needs}


def _notes(person: dict, details: dict) -> str:
    if person["outcome"] == "killed":
        return "Synthetic record: died at the scene or on the way to hospital."
    parts = {
        "lower_limb_amputation": "lower limb amputation",
        "upper_limb_amputation": "upper limb amputation",
        "fragment": "fragmentation wounds",
        "eye": "eye injury",
        "burns": "burns",
        "hearing": "hearing loss",
    }
    return "Synthetic record: " + ", ".join(parts[i] for i in details["injuries"]) + "; first aid, then hospital."


@transaction.atomic
def build(seed: int = 1, scale: str = "small", report: Report = lambda message: None) -> dict:
    """Replace the synthetic accidents, victims and assistance records; returns counts by kind."""
    ring = crypto.keyring(allow_dev_key=True)
    deleted = delete_synthetic()
    report(f"  victims: removed {sum(v for k, v in deleted.items() if 'history' not in k):,} previous synthetic rows")
    ring = services.check_key(ring)
    geo = _Geo()
    if not geo.provinces:
        raise RuntimeError("the gazetteer is empty: run `safeground gazetteer load` first")
    plans = _plan_khm(_rng(seed, 1)) + _plan_aze(_rng(seed, 2), geo)
    plans.sort(key=lambda a: (a["country"], a["on"], a["province"]))
    rng = _rng(seed, 3)
    models = {
        key: [m for m in OrdnanceModel.objects.filter(name__in=names).order_by("name")] for key, names in MODELS.items()
    }
    orgs = dict(Organisation.objects.values_list("acronym", "pk"))
    # Points, links and codes.
    points = [_place(rng, geo, a["province"], a["on"]) for a in plans]
    located = locate_all(points, [a["country"] for a in plans])
    stems = code_stems([located[i] for i in range(len(plans))], [a["country"] for a in plans])
    codes = allocate_codes(Accident, "ACC", stems)
    accidents, victims, assessments, referrals, follow_ups = [], [], [], [], []
    for i, (plan, point) in enumerate(zip(plans, points, strict=True)):
        where = located[i]
        prefix, code = stems[i], codes[i]
        hazard, product, status = geo.link(point, plan["on"])
        choices = models.get((plan["country"], plan["category"])) or []
        model = choices[int(rng.integers(len(choices)))] if choices and rng.random() < 0.7 else None
        org = ("CMAC" if plan["country"] == "KHM" else "ANAMA") if plan["type"] == "demining" else None
        hour = int(rng.integers(6, 18)) if rng.random() < 0.8 else None
        accident = Accident(
            id=uid("accident", code),
            code=code,
            is_synthetic=True,
            occurred_on=plan["on"],
            occurred_time=dt.time(hour, int(rng.integers(0, 60))) if hour is not None else None,
            point=Point(point.x, point.y, srid=4326),
            country=plan["country"],
            province_id=where.province_id,
            district_id=where.district_id,
            commune_id=where.commune_id,
            accident_type=plan["type"],
            device_category=plan["category"],
            device_model=model,
            hazard_id=geo.pks[f"hazard:{hazard}"] if hazard else None,
            evidence_status=status,
            product_id=geo.pks[f"product:{product}"] if product else None,
            organisation_id=orgs.get(org) if org else None,
        )
        accidents.append(accident)
        area_name = geo.province_names.get(prefix, plan["province"])
        for person in plan["people"]:
            victims.append(_victim(rng, accident, person, point, geo, prefix, area_name))
    # Victim codes in accident order, per country (the stem each victim was given: its country's prefix).
    for v, code in zip(victims, allocate_codes(Victim, "VIC", [v.code for v in victims]), strict=True):
        v.code = code
        v.id = uid("victim", v.code)
    for v in victims:
        a, r, f = _assistance(rng, ring, v, geo)
        assessments += a
        referrals += r
        follow_ups += f
    for model, objs in (
        (Accident, accidents),
        (Victim, victims),
        (Assessment, assessments),
        (Referral, referrals),
        (FollowUp, follow_ups),
    ):
        personal = [getattr(o, "_plain", {}) for o in objs]
        services.bulk_create_sealed(model, objs, personal, ring=ring, reason=CHANGE_REASON)
    counts = {
        "accidents": len(accidents),
        "victims": len(victims),
        "killed": sum(v.outcome == "killed" for v in victims),
        "assessments": len(assessments),
        "referrals": len(referrals),
        "follow_ups": len(follow_ups),
        "proposed_evidence": sum(a.evidence_status == "proposed" for a in accidents),
        "residual": sum(a.product_id is not None for a in accidents),
    }
    report(
        f"  victims: {counts['accidents']:,} accidents, {counts['victims']:,} casualties "
        f"({counts['killed']:,} killed), {counts['assessments']:,} assessments, {counts['referrals']:,} referrals, "
        f"{counts['follow_ups']:,} follow-ups; {counts['proposed_evidence']} accidents proposed as new hazard "
        f"evidence ({counts['residual']} on released land)"
    )
    return counts


def _victim(rng, accident: Accident, person: dict, point, geo: _Geo, province: str, area_name: str) -> Victim:
    details = _details(rng, person, accident.occurred_on)
    if accident.country == "KHM":
        name = _kh_name(rng)
        near = geo.villages.get(province, [])
        village = min(near, key=lambda v: v[1].distance(point))[0] if near else area_name
        address = f"{village} village, {area_name}"
    else:
        name = _az_name(rng, person["sex"])
        town = min(geo.towns, key=lambda t: t[1].distance(point))[0] if geo.towns else area_name
        address = f"{rng.choice(AZ_STREETS)} street {int(rng.integers(1, 80))}, {town}"
    victim = Victim(
        accident=accident,
        code=country_prefix(accident.country),  # the stem: replaced by the final code in build()
        is_synthetic=True,
        sex=person["sex"],
        age_years=details["age"],
        age_group="child" if details["age"] < services.CHILD_UNDER else "adult",
        outcome=person["outcome"],
        injuries=details["injuries"],
        amputation=any(i.endswith("_amputation") for i in details["injuries"]),
        victim_type=person["type"],
        activity=details["activity"],
        device_tampered=details["tampered"],
        needs=details["needs"],
    )
    victim._plain = {
        "name": name,
        "date_of_birth": details["dob"].isoformat() if details["dob"] else "",
        "address": address,
        "medical_notes": _notes(person, details),
    }
    return victim


def _assistance(rng, ring, victim: Victim, geo: _Geo):
    """An assessment, referrals for its needs and follow-ups, for most survivors."""
    if victim.outcome != "injured" or not victim.needs or rng.random() > 0.85:
        return [], [], []
    on = victim.accident.occurred_on
    assessed = min(on + dt.timedelta(days=int(rng.integers(7, 60))), AS_OF)
    a = Assessment(
        id=uid("assessment", victim.code),
        victim=victim,
        assessed_on=assessed,
        needs=list(victim.needs),
        is_synthetic=True,
    )
    a._plain = {"notes": f"Synthetic assessment: needs {', '.join(victim.needs)}."}
    area = geo.province_names.get(geo.province_of.get(victim.accident.province_id), victim.accident.country)
    referrals, follow_ups = [], []
    for k, need in enumerate(victim.needs):
        if rng.random() > 0.9:
            continue
        referred = min(assessed + dt.timedelta(days=int(rng.integers(0, 21))), AS_OF)
        age_days = (AS_OF - referred).days
        if age_days > 180:
            status = str(
                rng.choice(
                    ["completed", "in_progress", "declined", "not_available", "lost"], p=[0.6, 0.15, 0.07, 0.08, 0.1]
                )
            )
        else:
            status = str(rng.choice(["referred", "in_progress", "completed"], p=[0.4, 0.4, 0.2]))
        outcome_on = None
        if status in ("completed", "declined", "not_available", "lost"):
            outcome_on = min(referred + dt.timedelta(days=int(rng.integers(14, 240))), AS_OF)
        r = Referral(
            id=uid("referral", f"{victim.code}:{k}"),
            victim=victim,
            need=need,
            provider=PROVIDERS[need].format(area=area),
            referred_on=referred,
            status=status,
            outcome_on=outcome_on,
            is_synthetic=True,
        )
        r._plain = {"notes": f"Synthetic referral for {need}."}
        referrals.append(r)
        if rng.random() < 0.7:
            f = FollowUp(
                id=uid("followup", f"{victim.code}:{k}"),
                victim=victim,
                referral=r,
                followed_up_on=min(referred + dt.timedelta(days=int(rng.integers(30, 120))), AS_OF),
                is_synthetic=True,
            )
            f._plain = {"notes": "Synthetic follow-up call: service under way."}
            follow_ups.append(f)
    return [a], referrals, follow_ups
