"""What a data quality finding is, the catalogue of checks, and the thresholds they use.

The catalogue is the single list the CLI (`--only`), the API (`check=`) and the page's filter
accept, so a check id means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

from safeground.landrelease.rules import ADVISORY, MUST_FIX

SEVERITIES = {MUST_FIX: _("Must fix"), ADVISORY: _("Advisory")}
RECORD_TYPES = {
    "hazard": _("Hazard"),
    "product": _("Product"),
    "device": _("Device"),
    "activity": _("Activity"),
}


@dataclass(frozen=True)
class Check:
    id: str
    severity: str  # the most severe its findings can be
    title: object  # lazy translation
    description: object


# In report order: geometry first (the other checks skip geometry that fails these), then relations, dates, areas.
CHECKS: dict[str, Check] = {
    c.id: c
    for c in [
        Check(
            "invalid-geometry",
            MUST_FIX,
            _("Invalid polygon"),
            _(
                "The polygon breaks the OGC validity rules (self-intersection, crossing rings, …): "
                "its area and overlays are wrong."
            ),
        ),
        Check(
            "too-few-vertices",
            MUST_FIX,
            _("Fewer than three distinct vertices"),
            _("A ring with fewer than three distinct vertices encloses no area."),
        ),
        Check(
            "latlon-swap",
            MUST_FIX,
            _("Latitude and longitude swapped"),
            _("With latitude and longitude exchanged the geometry lands in its country; as stored it does not."),
        ),
        Check(
            "outside-country",
            MUST_FIX,
            _("Outside the country"),
            _("The geometry reaches beyond its country's border by more than the border tolerance."),
        ),
        Check(
            "duplicate-geometry",
            MUST_FIX,
            _("Duplicate geometry"),
            _("Two hazards, or two products, have the same polygon: the same ground counted twice."),
        ),
        Check(
            "duplicate-code",
            MUST_FIX,
            _("Duplicate code"),
            _("Two records' codes differ only in letter case or surrounding spaces."),
        ),
        Check(
            "vertex-gap",
            ADVISORY,
            _("Vertices far apart"),
            _("Consecutive vertices farther apart than the threshold: often a mistyped coordinate."),
        ),
        Check(
            "hazard-overlap",
            MUST_FIX,
            _("Overlapping hazards"),
            _("Two hazards cover the same ground above the area and share thresholds: contamination counted twice."),
        ),
        Check(
            "product-outside-hazard",
            MUST_FIX,
            _("Product outside its hazard"),
            _(
                "Part of a land release product lies outside the hazard it is filed under: must fix where it lies "
                "outside every hazard, advisory where it lies in a neighbouring hazard."
            ),
        ),
        Check(
            "product-without-hazard-overlaps",
            MUST_FIX,
            _("Product without a hazard in a hazard"),
            _(
                "A product filed under no hazard (released outside every hazard) lies partly in a hazard, "
                "recorded since: file it under that hazard."
            ),
        ),
        Check(
            "product-overlap",
            MUST_FIX,
            _("Overlapping products"),
            _("Two land release products cover the same ground: released land counted twice if summed."),
        ),
        Check(
            "device-outside-product",
            MUST_FIX,
            _("Device outside its product"),
            _("A device found in clearance lies outside the product it is recorded on."),
        ),
        Check(
            "date-order",
            MUST_FIX,
            _("Dates out of order"),
            _("Dates that cannot all be true: released before the work started, found outside the activity's dates, …"),
        ),
        Check(
            "future-date",
            MUST_FIX,
            _("Date in the future"),
            _("A survey, release or find dated after today: a typing error (the importer refuses it too)."),
        ),
        Check(
            "organisation-country",
            MUST_FIX,
            _("Organisation of another country"),
            _(
                "The record's organisation works in another country than the one its geometry lies in: "
                "filed in the wrong programme, or drawn in the wrong place."
            ),
        ),
        Check(
            "implausible-area",
            MUST_FIX,
            _("Implausible hazard area"),
            _(
                "A hazard larger than the set limit for one hazard (must fix), or than all but the largest "
                "0.1 percent of the programme's recorded hazards (advisory)."
            ),
        ),
        Check(
            "area-mismatch",
            ADVISORY,
            _("Reported area differs"),
            _(
                "The area the operator reported differs from the area computed from the polygon "
                "by more than the tolerance."
            ),
        ),
        Check(
            "stored-area",
            MUST_FIX,
            _("Stored area out of date"),
            _("The stored area no longer matches the polygon (it was changed without the services recomputing it)."),
        ),
    ]
}


@dataclass(frozen=True)
class Thresholds:
    """The tunable limits; the defaults are GICHD geocheck's where it has one."""

    vertex_gap_m: float = 5000.0
    overlap_m2: float = 100.0  # hazard overlaps: both this area …
    overlap_share: float = 0.01  # … and this share of the smaller hazard
    min_area_m2: float = 1.0  # product overlaps and parts outside a hazard smaller than this are noise
    area_tolerance: float = 0.05  # reported vs computed
    stored_area_tolerance: float = 0.01  # stored vs computed


@dataclass
class Finding:
    check: str
    severity: str
    record_type: str
    code: str
    message: str
    fix: str
    lon: float | None = None
    lat: float | None = None
    country: str | None = None
    hazard_code: str | None = None  # the hazard page that shows the record, where there is one
    related: list[str] = field(default_factory=list)  # codes of the other records involved

    def as_dict(self) -> dict:
        return asdict(self)

    def sort_key(self) -> tuple:
        return (self.severity != MUST_FIX, ORDER[self.check], self.record_type, self.code, self.message)


ORDER = {check_id: n for n, check_id in enumerate(CHECKS)}
