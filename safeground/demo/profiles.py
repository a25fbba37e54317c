"""Calibration of the synthetic dataset: where hazards lie, what they hold, who works on them.

Every number here is a modelling choice derived from docs/domain-facts.md (sections 3, 4, 5 and 9);
the comments name the figure each one is tuned to. Nothing in this module touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: The demo's "today": activities after it are planned, products after it don't exist yet. Fixed so
#: that a rebuild with the same seed gives the same rows whatever day it runs.
AS_OF = dt.date(2026, 9, 30)
TIMELINE_START = dt.date(2018, 1, 1)
#: The 2020 ceasefire: hazards in the formerly occupied districts are recorded after it.
AZE_CEASEFIRE = dt.date(2020, 11, 10)


@dataclass(frozen=True)
class Scale:
    name: str
    hazards: int
    description: str


SCALES = {
    "tiny": Scale("tiny", 200, "about 200 hazards, 7,000 devices, for tests (~5 s)"),
    "small": Scale("small", 3000, "about 3,000 hazards, 120,000 devices, the default demo (~1 min)"),
    "national": Scale(
        "national", 25000, "about 25,000 hazards, 90,000 products, 1 million devices (benchmarks, ~5 min)"
    ),
}

#: Share of hazards per country by count (the brief: roughly 60 % KHM / 40 % AZE).
COUNTRY_SHARE = {"KHM": 0.6, "AZE": 0.4}


@dataclass(frozen=True)
class Group:
    """A family of hazards: where they are, what they are, how big."""

    key: str
    country: str
    share: float  # of the country's hazards
    #: province/rayon -> weight; keys are level-1 codes (KHM) or names (AZE, matched by geography.name_key)
    provinces: dict[str, float]
    contamination: dict[str, float]
    cha_share: float
    #: Border that attracts hazards: probability of keeping a centre = floor + (1-floor)·exp(-d/decay_km)
    border_decay_km: float | None = None
    border_floor: float = 1.0
    #: Only the part of each province east of this longitude (AZE legacy sites in UTM zone 39N)
    min_lon: float | None = None
    elongate_along_border: bool = False
    recorded_from: dt.date = TIMELINE_START
    recorded_to: dt.date = dt.date(2025, 12, 31)
    operators: dict[str, float] = field(default_factory=dict)


GROUPS: list[Group] = [
    # K5 belt: mined areas along the Thai border (domain-facts 4.4); casualty ranking 2020
    # (Battambang, Preah Vihear, Pursat, Banteay Meanchey) and L1S counts (Oddar Meanchey) set the weights.
    Group(
        "k5",
        "KHM",
        0.62,
        {"KH02": 26, "KH01": 20, "KH22": 18, "KH13": 13, "KH24": 8, "KH15": 8, "KH17": 7},
        {"ap_mines": 0.70, "mixed": 0.15, "at_mines": 0.06, "uxo": 0.09},
        cha_share=0.65,
        border_decay_km=10.0,
        border_floor=0.05,
        elongate_along_border=True,
        operators={"CMAC": 40, "HALO": 32, "MAG": 12, "APOPO": 10, "NPA": 6},
    ),
    # Cluster munition and UXO belt in the east and north-east (domain-facts 4.4, NPA-CMAC CMRS).
    Group(
        "east",
        "KHM",
        0.26,
        {"KH03": 12, "KH25": 14, "KH20": 14, "KH14": 10, "KH10": 14, "KH19": 12, "KH16": 14, "KH11": 10},
        {"cmr": 0.70, "uxo": 0.30},
        cha_share=0.55,
        border_decay_km=40.0,
        border_floor=0.25,
        operators={"NPA": 30, "MAG": 25, "CMAC": 30, "HALO": 15},
    ),
    # Scattered legacy ERW and nuisance minefields in the centre and south-west.
    Group(
        "central",
        "KHM",
        0.12,
        {"KH06": 25, "KH05": 20, "KH04": 15, "KH09": 15, "KH07": 10},
        {"uxo": 0.70, "ap_mines": 0.20, "axo": 0.10},
        cha_share=0.50,
        operators={"CMAC": 60, "HALO": 20, "MAG": 20},
    ),
    # Formerly occupied districts and the former line of contact (domain-facts 5.1-5.5; ANAMA weekly
    # bulletins list Tartar, Aghdara, Kalbajar, Aghdam, Khojaly, Khankendi, Shusha, Khojavend, Lachin,
    # Fuzuli, Jabrayil, Gubadly, Zangilan). Goranboy: Smerch cassettes, October 2020.
    Group(
        "karabakh",
        "AZE",
        0.96,
        {
            "agdam": 13,
            "fuzuli": 13,
            "kalbajar": 12,
            "lachin": 10,
            "jabrayil": 9,
            "khojavend": 9,
            "tartar": 8,
            "qubadli": 7,
            "zangilan": 7,
            "khojaly": 5,
            "shusha": 4,
            "goranboy": 2,
            "shushacity": 0.3,
            "khankendicity": 0.3,
            "aghjabadi": 1,
            "beylagan": 1,
        },
        {"ap_mines": 0.38, "at_mines": 0.14, "mixed": 0.18, "uxo": 0.20, "cmr": 0.06, "ied": 0.04},
        cha_share=0.45,
        recorded_from=dt.date(2020, 12, 1),
        recorded_to=dt.date(2026, 3, 31),
        operators={"ANAMA": 45, "MOD-AZ": 15, "MES-AZ": 15, "ARAZ-DM": 13, "KURA-MAS": 12},
    ),
    # Legacy Soviet-era ammunition depots and ranges (domain-facts 5.1), placed east of 48°E so the
    # dataset has Azerbaijani hazards in UTM zone 39N as well as 38N.
    Group(
        "legacy",
        "AZE",
        0.04,
        {
            "absheron": 3,
            "gobustan": 2,
            "hajigabul": 2,
            "kurdamir": 1,
            "salyan": 1,
            "jalilabad": 1,
            "shirvancity": 1,
            "shamakhi": 1,
        },
        {"axo": 0.6, "uxo": 0.4},
        cha_share=0.6,
        min_lon=48.05,
        recorded_from=TIMELINE_START,
        recorded_to=dt.date(2024, 12, 31),
        operators={"ANAMA": 60, "MES-AZ": 40},
    ),
]

#: Minimum number of hazards of the legacy group, so even `tiny` has some in UTM 39N.
MIN_LEGACY = 3

#: Hazard size in hectares: log-normal (median, sigma), clipped (min, cap). CHA: median 4.5 ha and
#: mean ≈ 7 ha (HALO 7.7 ha per minefield; Armenia 6.1 ha). SHA: larger with a long tail to several km²
#: (Armenia SHAs average 64 ha); capped at 8 km².
SIZE_HA = {
    ("CHA", "KHM"): (4.5, 0.95, 0.3, 60.0),
    ("CHA", "AZE"): (4.5, 0.95, 0.3, 60.0),
    ("SHA", "KHM"): (12.0, 1.25, 1.0, 800.0),
    ("SHA", "AZE"): (20.0, 1.3, 1.0, 800.0),
}

# ------------------------------------------------------------------------------------------------
# Organisations, teams and assets
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    acronym: str
    name: str
    kind: str
    country: str
    #: team kind -> number of teams
    teams: dict[str, int] = field(default_factory=dict)


#: Team sizes (people): manual section ≈ 12 deminers + section commander + medic (domain-facts 3);
#: MDD team = 2 dogs with handlers; MDR team ≈ 5-6 people (APOPO-CMAC 34 staff in 6 teams).
TEAM_SIZE = {
    "manual": (13, 15),
    "mdd": (4, 5),
    "mdr": (5, 6),
    "mechanical": (4, 6),
    "nts": (3, 5),
    "ts": (8, 10),
    "eod": (3, 5),
    "mixed": (18, 24),
}

#: EOD teams are many: spot tasks (call-outs) are most of what a national programme does day to day.
ORGANISATIONS: list[OrgSpec] = [
    OrgSpec("CMAA", "Cambodian Mine Action and Victim Assistance Authority", "authority", "KHM"),
    OrgSpec(
        "CMAC",
        "Cambodian Mine Action Centre",
        "operator",
        "KHM",
        {"manual": 8, "mdd": 3, "mdr": 2, "mechanical": 3, "nts": 3, "ts": 3, "eod": 12, "mixed": 1},
    ),
    OrgSpec(
        "HALO",
        "The HALO Trust Cambodia",
        "operator",
        "KHM",
        {"manual": 8, "mechanical": 2, "nts": 2, "ts": 2, "eod": 6},
    ),
    OrgSpec(
        "MAG",
        "Mines Advisory Group (MAG) Cambodia",
        "operator",
        "KHM",
        {"manual": 4, "mechanical": 1, "nts": 2, "ts": 1, "eod": 4},
    ),
    OrgSpec("APOPO", "APOPO Cambodia", "operator", "KHM", {"mdr": 3, "mdd": 1, "ts": 2, "nts": 1}),
    OrgSpec(
        "NPA",
        "Norwegian People's Aid Cambodia",
        "operator",
        "KHM",
        {"manual": 3, "nts": 2, "ts": 2, "eod": 3},
    ),
    OrgSpec(
        "ANAMA",
        "Mine Action Agency of the Republic of Azerbaijan (ANAMA)",
        "authority",
        "AZE",
        {"manual": 8, "mdd": 4, "mdr": 1, "mechanical": 4, "nts": 3, "ts": 3, "eod": 8},
    ),
    OrgSpec(
        "MES-AZ",
        "Ministry of Emergency Situations of Azerbaijan, demining units",
        "operator",
        "AZE",
        {"manual": 4, "mechanical": 2, "nts": 1, "eod": 6},
    ),
    OrgSpec(
        "MOD-AZ",
        "Ministry of Defence of Azerbaijan, engineering troops",
        "operator",
        "AZE",
        {"manual": 4, "mechanical": 3, "eod": 3},
    ),
    OrgSpec(
        "ARAZ-DM",
        "Araz Demining LLC (fictional company, demo data)",
        "operator",
        "AZE",
        {"manual": 3, "mechanical": 1, "nts": 1, "ts": 1},
    ),
    OrgSpec(
        "KURA-MAS",
        "Kura Mine Action Services (fictional company, demo data)",
        "operator",
        "AZE",
        {"manual": 2, "mdd": 2, "nts": 1, "ts": 1},
    ),
]

AUTHORITY = {"KHM": "CMAA", "AZE": "ANAMA"}

#: Provinces where an operator works at all (others: everywhere its groups reach).
OPERATOR_PROVINCES = {"APOPO": {"KH02", "KH13", "KH17"}}

MACHINES = [
    ("DOK-ING MV-4", "flail"),
    ("Bozena 4", "flail"),
    ("MineWolf MW240", "tiller"),
    ("Digger D-3", "flail"),
    ("Hydrema 910", "flail"),
    ("Brush cutter (local)", "vegetation cutter"),
]
DETECTORS = ["Minelab F3", "Vallon VMH3CS", "Ebinger EBEX 420", "Schiebel AN-19/2", "Vallon VMH4"]
DOG_NAMES = [
    "Ares",
    "Bella",
    "Chak",
    "Dara",
    "Enzo",
    "Faro",
    "Gobi",
    "Hera",
    "Iris",
    "Jet",
    "Kora",
    "Luna",
    "Max",
    "Nika",
    "Odin",
    "Pax",
    "Rex",
    "Sora",
    "Tara",
    "Vega",
]
RAT_NAMES = [
    "Magawa",
    "Ronin",
    "Kiri",
    "Sokha",
    "Bora",
    "Chenda",
    "Dara",
    "Mony",
    "Nary",
    "Pisey",
    "Rith",
    "Sopheap",
    "Thida",
    "Vanna",
    "Leap",
    "Nimol",
]

# ------------------------------------------------------------------------------------------------
# Methods, productivity and depth
# ------------------------------------------------------------------------------------------------

#: Method combinations per activity type and organisation: [(methods, weight)]. `*` = any operator.
METHODS = {
    ("clearance", "CMAC"): [
        (("manual",), 45),
        (("manual", "mdd"), 20),
        (("mechanical", "manual"), 25),
        (("mdr", "manual"), 10),
    ],
    ("clearance", "HALO"): [(("manual",), 60), (("mechanical", "manual"), 40)],
    ("clearance", "MAG"): [(("manual",), 70), (("mechanical", "manual"), 30)],
    ("clearance", "APOPO"): [(("mdr", "manual"), 75), (("mdd", "manual"), 25)],
    ("clearance", "NPA"): [(("manual",), 100)],
    ("clearance", "ANAMA"): [
        (("manual",), 35),
        (("mechanical", "manual"), 35),
        (("mdd", "manual"), 25),
        (("mdr", "manual"), 5),
    ],
    ("clearance", "KURA-MAS"): [(("manual",), 50), (("mdd", "manual"), 50)],
    ("clearance", "*"): [(("manual",), 50), (("mechanical", "manual"), 50)],
    ("bac", "*"): [(("manual",), 80), (("mechanical", "manual"), 20)],
    ("ts", "CMAC"): [(("manual",), 50), (("mdd",), 25), (("mdr",), 10), (("mechanical",), 15)],
    ("ts", "APOPO"): [(("mdr",), 70), (("mdd",), 30)],
    ("ts", "ANAMA"): [(("manual",), 40), (("mdd",), 30), (("mechanical",), 30)],
    ("ts", "*"): [(("manual",), 70), (("mechanical",), 30)],
    ("nts", "*"): [(("nts",), 100)],
    ("eod", "*"): [(("eod",), 100)],
}

#: Which team kinds can deliver a method.
METHOD_TEAMS = {
    "manual": ("manual", "mixed", "ts"),
    "mdd": ("mdd",),
    "mdr": ("mdr",),
    "mechanical": ("mechanical",),
    "nts": ("nts", "ts"),
    "eod": ("eod", "manual"),
}

#: m² per team-day (domain-facts 3 and 9): manual section 100-600 (10-50 m² per deminer), MDD ≈ 850 for
#: two dogs, MDR team ≈ 2,900, machine 2,500-10,000 (with manual follow-up ≈ 3,000).
RATE_M2_PER_DAY = {"manual": 300, "mdd": 850, "mdr": 2900, "mechanical": 3000, "nts": 60000, "eod": 2000}
#: TS samples part of the area (10-30 %, TMAC), so it covers ground faster than clearance; BAC (surface
#: and shallow search for CMR/UXO) is faster than mine clearance.
TS_SPEEDUP = 4.0
BAC_SPEEDUP = 3.0

#: Clearance depth (cm): 13-20 manual/MDD/MDR, 20-30 mechanical (domain-facts 3: flails 200-300 mm).
DEPTH_CM = {"manual": (13, 20), "mechanical": (20, 30), "bac": (20, 30)}

# ------------------------------------------------------------------------------------------------
# Ordnance: suspected models and devices found
# ------------------------------------------------------------------------------------------------

_KHM_AP = {
    "PMN-2": 5,
    "Type 72A": 4,
    "PMN": 2,
    "MD-82B": 2,
    "POMZ-2": 2,
    "Type 58": 1,
    "M14": 1,
    "M16": 0.5,
    "MN-79": 0.5,
}
_AZE_AP = {"PMN-E": 4, "PMN-2": 4, "OZM-72": 3, "MON-50": 2, "MON-100": 2, "PMN": 1, "POMZ-2": 1}
#: UXO/AXO by catalogue name. The catalogue has no rocket, rifle grenade or other calibres yet: those (B40/RPG
#: rockets, 107 mm rockets, 60/120 mm mortar bombs, 122/152 mm projectiles) are recorded as "Unidentified UXO".
_KHM_UXO = {
    "Mortar bomb 82 mm": 30,
    "Artillery projectile 105 mm": 25,
    "Hand grenade F-1": 15,
    "MK-82 aircraft bomb": 5,
    "Unidentified UXO": 25,
}
_AZE_UXO = {"Mortar bomb 82 mm": 35, "Hand grenade F-1": 25, "Unidentified UXO": 40}

#: Ordnance model weights per (country, category), used for suspected models and devices found.
MODELS = {
    ("KHM", "ap_mine"): _KHM_AP,
    ("AZE", "ap_mine"): _AZE_AP,
    ("KHM", "at_mine"): {"TM-62M": 4, "Unidentified AT mine": 1},
    ("AZE", "at_mine"): {"TM-62M": 5, "Unidentified AT mine": 1},
    ("KHM", "submunition"): {"BLU-26": 5, "BLU-24": 2, "Unidentified submunition": 1},
    ("AZE", "submunition"): {"9M525 / 9M55K Smerch cassette": 4, "Unidentified submunition": 1},
    ("KHM", "uxo"): _KHM_UXO,
    ("AZE", "uxo"): _AZE_UXO,
    ("KHM", "axo"): _KHM_UXO,
    ("AZE", "axo"): _AZE_UXO,
    ("AZE", "ied"): {"IED (artillery shell)": 1},
    ("KHM", "ied"): {"IED (artillery shell)": 1},
    ("AZE", "booby_trap"): {"Booby trap (PG-7L warhead)": 1, "Booby trap (grenade-based)": 1},
    ("KHM", "booby_trap"): {"Booby trap (grenade-based)": 1},
}

#: Categories a hazard of each contamination type is suspected to hold.
SUSPECTED_CATEGORIES = {
    "ap_mines": ["ap_mine"],
    "at_mines": ["at_mine"],
    "mixed": ["ap_mine", "at_mine"],
    "cmr": ["submunition"],
    "uxo": ["uxo"],
    "axo": ["axo"],
    "ied": ["ied", "booby_trap"],
}

#: Devices found per hectare of *cleared* land, averaged over all cleared products of that kind of hazard
#: (most products hold nothing), and the share of cleared products with at least one find.
#: Mines, Cambodia: AP 2.0-2.9/ha in clearance 2018-19, HALO lifetime ≈ 7/ha → 4.5/ha in K5 mined areas, with
#: dense pockets. Azerbaijan (cumulative to July 2024): 0.22 AP, 0.13 AT per ha over all cleared land.
#: ERW in battle area clearance (BAC) of UXO/CMR/AXO areas and in mixed areas: Cambodia's cumulative 2,775,748 ERW
#: on 182,300 ha released (≈ 15/ha, spot tasks included; CMAC alone 2.44 million UXO on 173,500 ha ≈ 14/ha) and
#: CMR clearance in 2016 (8,852 submunitions on 2,238 ha ≈ 4/ha, domain-facts 4.2 and 9) set the Cambodian
#: figures; most of the ERW volume comes from spot tasks (EOD_* below), the rest from BAC. Azerbaijan: 0.48 UXO/ha
#: cumulative to July 2024, but 3.9 UXO/ha in August 2024 alone (27,872 UXO on 7,135 ha, domain-facts 5.2), as
#: clearance moved from the minefields of the former line of contact into battle areas: UXO areas get 5/ha.
DENSITY = {
    ("KHM", "ap_mines"): ({"ap_mine": 4.5, "at_mine": 0.08, "uxo": 1.5}, 0.5),
    ("KHM", "mixed"): ({"ap_mine": 3.0, "at_mine": 0.4, "uxo": 5.0, "axo": 0.5}, 0.6),
    ("KHM", "at_mines"): ({"ap_mine": 0.3, "at_mine": 0.6, "uxo": 1.0}, 0.4),
    ("KHM", "cmr"): ({"submunition": 4.0, "uxo": 4.0}, 0.55),
    ("KHM", "uxo"): ({"uxo": 14.0, "submunition": 1.0, "axo": 0.5}, 0.55),
    ("KHM", "axo"): ({"axo": 20.0, "uxo": 3.0}, 0.5),
    ("AZE", "ap_mines"): ({"ap_mine": 0.45, "at_mine": 0.06, "uxo": 0.6}, 0.3),
    ("AZE", "at_mines"): ({"at_mine": 0.55, "ap_mine": 0.05, "uxo": 0.5}, 0.3),
    ("AZE", "mixed"): ({"ap_mine": 0.3, "at_mine": 0.25, "uxo": 1.5}, 0.4),
    ("AZE", "uxo"): ({"uxo": 5.0, "axo": 0.5}, 0.5),
    ("AZE", "cmr"): ({"submunition": 1.5, "uxo": 3.0}, 0.5),
    ("AZE", "ied"): ({"ied": 0.15, "booby_trap": 0.2, "uxo": 1.0}, 0.3),
    ("AZE", "axo"): ({"axo": 10.0, "uxo": 2.0}, 0.5),
}
#: Share of K5 products with finds that are dense belt pockets (12-100 AP/ha, domain-facts 4.4).
DENSE_POCKET_SHARE = 0.06
DENSE_POCKET_FACTOR = 8.0

CONDITION = {
    "ap_mine": {"intact": 50, "deteriorated": 35, "damaged": 8, "fuze_missing": 2, "unknown": 5},
    "at_mine": {"intact": 55, "deteriorated": 35, "damaged": 5, "unknown": 5},
    "submunition": {"intact": 40, "deteriorated": 45, "damaged": 10, "unknown": 5},
    "uxo": {"intact": 30, "deteriorated": 50, "damaged": 10, "fuze_missing": 5, "unknown": 5},
    "axo": {"intact": 45, "deteriorated": 45, "damaged": 5, "unknown": 5},
    "ied": {"intact": 70, "damaged": 20, "unknown": 10},
    "booby_trap": {"intact": 75, "damaged": 15, "unknown": 10},
}
DISPOSAL = {
    "ap_mine": {"destroyed_in_situ": 75, "removed_destroyed": 20, "rendered_safe": 5},
    "at_mine": {"destroyed_in_situ": 70, "removed_destroyed": 25, "rendered_safe": 5},
    "submunition": {"destroyed_in_situ": 85, "removed_destroyed": 15},
    "uxo": {"removed_destroyed": 55, "destroyed_in_situ": 40, "removed_stored": 5},
    "axo": {"removed_destroyed": 60, "destroyed_in_situ": 30, "removed_stored": 10},
    "ied": {"rendered_safe": 40, "destroyed_in_situ": 60},
    "booby_trap": {"rendered_safe": 40, "destroyed_in_situ": 60},
}
#: Depth below the surface (cm): (gamma shape, scale, max)
DEPTH = {
    "ap_mine": (2.0, 3.0, 20),
    "at_mine": (3.0, 4.0, 30),
    "submunition": (1.5, 6.0, 30),
    "uxo": (1.5, 10.0, 60),
    "axo": (1.2, 8.0, 60),
    "ied": (1.2, 5.0, 30),
    "booby_trap": (1.0, 2.0, 10),
}
#: Grouped finds: one device record with count > 1. Per source (clearance/BAC, or the kind of spot task) and
#: category: (share of records that are groups, median group size, lognormal sigma, largest group). Submunitions
#: lie in groups where a container opened; spot tasks at collection points and caches gather many items at once
#: (Battambang 2024: a cache of about 50 PMN, domain-facts 4.4; AZE: depots storing landmines, 5.5).
GROUPED = {
    "clearance": {"submunition": (0.6, 3, 0.6, 60), "uxo": (0.1, 2, 0.5, 30), "axo": (0.3, 3, 0.8, 200)},
    "call_out": {"uxo": (0.2, 2, 0.6, 20), "submunition": (0.4, 3, 0.6, 30), "axo": (0.4, 4, 0.8, 100)},
    "collection": {
        "uxo": (0.45, 4, 0.8, 200),
        "submunition": (0.6, 5, 0.8, 200),
        "axo": (0.6, 8, 1.0, 500),
        "ap_mine": (0.1, 3, 0.6, 50),
    },
    "battle_area": {"uxo": (0.3, 3, 0.8, 100), "axo": (0.5, 5, 0.8, 200), "submunition": (0.4, 3, 0.6, 50)},
    "cache": {
        "axo": (0.95, 25, 1.2, 3000),
        "uxo": (0.7, 10, 1.0, 500),
        "ap_mine": (0.8, 15, 0.8, 300),
        "at_mine": (0.8, 6, 0.7, 100),
        "ied": (0.3, 3, 0.5, 20),
    },
}

#: EOD spot tasks (community call-outs), not linked to a hazard: the device records they produce carry the
#: activity only. Most ERW are destroyed this way (domain-facts 4.2: Cambodia 2018, 4,301 of 16,019 AP destroyed
#: were in spot tasks; 2019, 4,365 of 8,476; CMAC 1992-2023: 2.44 million UXO). HALO Cambodia: 26,443 call-outs
#: over ~30 years removed 63,000 mines and 163,000 ERW (≈ 2.4 mines + 6.2 ERW each, domain-facts 4.5), one
#: operator of several. Tasks per hazard of the country over the timeline (Cambodia 2018-Sep 2026, Azerbaijan
#: since the ceasefire): 7 per Cambodian hazard is ≈ 12,000 spot tasks a year nationally at the national scale.
EOD_PER_HAZARD = {"KHM": 7.8, "AZE": 3.2}
#: Share of call-outs from a village (Cambodia, the gazetteer's villages) or a town (Azerbaijan), weighted by
#: the hazards within EOD_PLACE_RADIUS_M of it; the others are near a hazard (within 0.3-3 km of it).
EOD_AT_PLACE = {"KHM": 0.65, "AZE": 0.2}
EOD_PLACE_RADIUS_M = {"KHM": 8_000.0, "AZE": 30_000.0}
#: How far from the village/town point the task is (metres).
EOD_PLACE_OFFSET_M = {"KHM": (0.0, 600.0), "AZE": (300.0, 4_000.0)}
#: Kinds of spot task: a call-out (one report, a few items); a collection (Cambodia: items gathered by village
#: volunteers, CMAC's community-based UXO risk reduction, destroyed in one visit); a battle-area task
#: (Azerbaijan: abandoned positions and houses, many items); a cache (AXO dumps, stacked mines).
EOD_KINDS = {
    "KHM": {"call_out": 70, "collection": 27, "cache": 3},
    "AZE": {"call_out": 63, "battle_area": 36, "cache": 1},
}
#: Device records per task: minimum + negative binomial extra (mean, dispersion n; smaller n = longer tail).
EOD_RECORDS = {
    "call_out": (1, 1.2, 3.0),
    "collection": (2, 9.0, 1.5),
    "battle_area": (2, 6.0, 1.5),
    "cache": (1, 2.0, 3.0),
}
#: When tasks happen: start = first day + span · u^power (u uniform): Cambodia evenly over 2018-2026; Azerbaijan
#: ramping up after the ceasefire as capacity grew (≈ 1,400 ANAMA staff in Dec 2023; the August 2024 surge).
EOD_TIME_POWER = {"KHM": 1.0, "AZE": 0.6}
#: Days a task takes (inclusive range) and how far its finds lie from its reference point (metres, sigma).
EOD_DAYS = {"call_out": (0, 1), "collection": (0, 2), "battle_area": (1, 5), "cache": (1, 4)}
EOD_SPREAD_M = {"call_out": 15.0, "collection": 250.0, "battle_area": 150.0, "cache": 4.0}
#: What each kind of task finds (device categories), per country: UXO dominate (mortar bombs, projectiles,
#: rockets, grenades); mines handed in; submunitions in the CMR belt; AXO in caches; booby traps and IEDs in
#: Azerbaijan's abandoned positions (domain-facts 5.5).
EOD_FINDS = {
    ("KHM", "call_out"): {"uxo": 68, "ap_mine": 15, "submunition": 14, "axo": 2, "at_mine": 1},
    ("KHM", "collection"): {"uxo": 68, "submunition": 19, "ap_mine": 8, "axo": 4, "at_mine": 1},
    ("KHM", "cache"): {"axo": 74, "uxo": 13, "ap_mine": 7, "at_mine": 6},
    ("AZE", "call_out"): {"uxo": 62, "ap_mine": 10, "at_mine": 10, "submunition": 9, "booby_trap": 5, "axo": 4},
    ("AZE", "battle_area"): {
        "uxo": 66,
        "axo": 9,
        "submunition": 9,
        "ap_mine": 6,
        "booby_trap": 5,
        "ied": 3,
        "at_mine": 2,
    },
    ("AZE", "cache"): {"axo": 72, "ap_mine": 10, "at_mine": 8, "uxo": 5, "ied": 5},
}

# ------------------------------------------------------------------------------------------------
# Evidence and beneficiaries
# ------------------------------------------------------------------------------------------------

DIRECT_EVIDENCE = {"device_seen": 45, "mine_signs": 20, "detonation": 20, "accident": 15}
INDIRECT_EVIDENCE = {
    "KHM": {"local_informant": 40, "military_records": 20, "former_frontline": 20, "unused_land": 20},
    "AZE": {"military_records": 35, "former_frontline": 30, "local_informant": 20, "unused_land": 15},
}
LAND_USE = {
    "KHM": {"agriculture": 68, "housing": 10, "infrastructure": 8, "water": 5, "forest": 6, "other": 3},
    "AZE": {"agriculture": 45, "housing": 20, "infrastructure": 20, "water": 5, "forest": 7, "other": 3},
}
BENEFICIARIES_MEDIAN = {"KHM": 120, "AZE": 60}
