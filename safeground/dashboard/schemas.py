"""Out schemas of the dashboard API: the figures of `queries.dashboard` with areas in hectares."""

from __future__ import annotations

from ninja import Schema


class RemainingFigures(Schema):
    """`remaining_ha` (and its SHA/CHA split) and `estimated_ha` never count ground twice: where hazards
    overlap, the shared ground counts once, for the hazard recorded first. `*_sum_ha` is the plain sum
    of the hazards' own figures, `*_overlap_ha` = sum − unique."""

    hazards: int
    open_hazards: int
    open_sha: int
    open_cha: int
    estimated_ha: float
    estimated_sum_ha: float
    estimated_overlap_ha: float
    released_ha: float
    remaining_ha: float
    remaining_sum_ha: float
    remaining_overlap_ha: float
    remaining_sha_ha: float
    remaining_cha_ha: float


class RemainingCountry(RemainingFigures):
    country: str


class RemainingProvince(RemainingFigures):
    country: str
    province_code: str | None
    province_name: str | None


class RemainingClass(RemainingFigures):
    hazard_class: str


class Remaining(Schema):
    total: RemainingFigures
    by_country: list[RemainingCountry]
    by_province: list[RemainingProvince]
    by_class: list[RemainingClass]


class HazardCountry(Schema):
    country: str
    open: int
    closed: int


class HazardCounts(Schema):
    """Every hazard, point hazards included; `open_points`: the open ones known only as a point."""

    open: int
    closed: int
    recorded_in_year: int
    closed_in_year: int
    open_points: int
    by_status: dict[str, int]
    by_country: list[HazardCountry]


class ReleasedAreas(Schema):
    cancelled_ha: float
    reduced_ha: float
    cleared_ha: float
    released_ha: float


class ReleasedTotal(ReleasedAreas):
    products: int
    hazards: int


class ReleasedCountry(ReleasedAreas):
    country: str


class ReleasedProvince(ReleasedTotal):
    country: str
    province_code: str | None
    province_name: str | None


class ReleasedOrganisation(ReleasedTotal):
    organisation: str | None
    organisation_name: str | None


class Released(Schema):
    total: ReleasedTotal
    by_country: list[ReleasedCountry]
    by_province: list[ReleasedProvince]
    by_organisation: list[ReleasedOrganisation]


class DeviceTotal(Schema):
    records: int
    found: int
    destroyed: int
    area_clearance: int
    eod_spot_tasks: int


class DeviceCategory(DeviceTotal):
    category: str


class DeviceGroup(Schema):
    found: int
    destroyed: int
    by_category: dict[str, int]


class DeviceProvince(DeviceGroup):
    country: str | None
    province_code: str | None
    province_name: str | None


class DeviceOrganisation(DeviceGroup):
    organisation: str | None


class Devices(Schema):
    total: DeviceTotal
    by_category: list[DeviceCategory]
    by_province: list[DeviceProvince]
    by_organisation: list[DeviceOrganisation]


class LargestHazard(Schema):
    code: str
    country: str
    province_name: str | None
    hazard_class: str
    status: str
    contamination_type: str
    estimated_ha: float
    remaining_ha: float


class PublicDashboard(Schema):
    year: int
    country: str | None
    area_unit: str = "ha"
    remaining: Remaining
    hazards: HazardCounts
    released: Released
    devices: Devices


class Dashboard(PublicDashboard):
    largest_hazards: list[LargestHazard]
