"""API schemas of accidents, victims and victim assistance. Personal fields appear only in the
`*In` schemas (to record them) and in PersonalDataOut (the audited restricted view)."""

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class AccidentIn(Schema):
    """A new accident. `point` is GeoJSON (Point, WGS 84 lon/lat)."""

    point: dict[str, Any] = Field(examples=[{"type": "Point", "coordinates": [103.05, 13.05]}])
    occurred_on: dt.date
    occurred_on_precision: str = Field("day", description="day, month or year: how much of occurred_on is known")
    occurred_time: dt.time | None = None
    accident_type: str = Field(examples=["mine_erw"], description="mine_erw or demining")
    device_category: str = "unknown"
    device_model: str | None = Field(None, description="Ordnance model name, e.g. PMN-2")
    hazard: str | None = Field(None, description="Hazard code; without one the accident is proposed as evidence")
    organisation: str | None = Field(None, description="Reporting organisation acronym")
    activity: str | None = Field(None, description="Activity code, for demining accidents")
    country: str | None = None
    code: str | None = None
    victim_activity: str = Field("unknown", description="What the people were doing, e.g. farming, travelling")
    reported_casualties: dict[str, int] | None = Field(
        None,
        description="Counts without personal data when people are not registered one by one: "
        "killed_men, killed_women, killed_boys, killed_girls, killed_unknown, injured_… (same groups)",
        examples=[{"killed_men": 1, "injured_boys": 2}],
    )


class EvidenceDecisionIn(Schema):
    action: str = Field(
        examples=["link"], description="link (to `hazard`), new_hazard (a CHA around the point), dismiss"
    )
    hazard: str | None = None
    radius_m: float = 50.0


class VictimIn(Schema):
    accident: str = Field(description="Accident code")
    outcome: str = Field(examples=["injured"], description="killed or injured")
    purpose: str = Field(description="Why this person's data is recorded (audited)", examples=["casualty report"])
    name: str = ""
    date_of_birth: dt.date | None = None
    address: str = Field("", description="Village and address")
    medical_notes: str = ""
    sex: str = "unknown"
    age_years: int | None = None
    injuries: list[str] = []
    victim_type: str = "unknown"
    activity: str = "unknown"
    device_tampered: str = "unknown"
    needs: list[str] = []
    code: str | None = None


class VictimPatch(Schema):
    """A rectification on request. `purpose` says whose request and why (audited)."""

    purpose: str
    name: str | None = None
    date_of_birth: dt.date | None = None
    address: str | None = None
    medical_notes: str | None = None
    sex: str | None = None
    age_years: int | None = None
    injuries: list[str] | None = None
    victim_type: str | None = None
    activity: str | None = None
    device_tampered: str | None = None
    needs: list[str] | None = None


class PurposeIn(Schema):
    purpose: str = Field(description="Why you need this personal data (recorded in the access audit)")


class ExportIn(Schema):
    purpose: str
    country: str | None = None
    year: int | None = None
    admin_area: str | None = None
    format: str = Field("json", description="json or csv")


class VictimOut(Schema):
    code: str
    version: int
    accident: str
    year: int
    country: str
    province_code: str | None
    province_name: str | None
    sex: str
    age_group: str
    outcome: str
    injuries: list[str]
    amputation: bool
    victim_type: str
    activity: str
    device_tampered: str
    device_category: str
    needs: list[str]
    personal_data_erased: bool
    is_synthetic: bool


class VictimPage(Schema):
    numberMatched: int
    numberReturned: int
    items: list[VictimOut]


class AssessmentOut(Schema):
    id: str
    assessed_on: dt.date
    needs: list[str]
    notes: str


class ReferralOut(Schema):
    id: str
    need: str
    provider: str
    referred_on: dt.date
    status: str
    outcome_on: dt.date | None
    notes: str


class FollowUpOut(Schema):
    id: str
    referral: str | None
    followed_up_on: dt.date
    notes: str


class PersonalDataOut(Schema):
    code: str
    name: str
    date_of_birth: str
    address: str
    medical_notes: str
    assessments: list[AssessmentOut]
    referrals: list[ReferralOut]
    follow_ups: list[FollowUpOut]
    audit: str = Field(description="The access audit entry this view wrote")


class AssessmentIn(Schema):
    assessed_on: dt.date
    needs: list[str]
    notes: str = ""


class ReferralIn(Schema):
    need: str
    provider: str
    referred_on: dt.date
    status: str = "referred"
    notes: str = ""


class ReferralPatch(Schema):
    status: str | None = None
    outcome_on: dt.date | None = None
    notes: str | None = None


class FollowUpIn(Schema):
    followed_up_on: dt.date
    referral: str | None = None
    notes: str = ""


class RecordedOut(Schema):
    id: str
    victim: str
    version: int | None = None  # of the record written, where it is versioned (a referral)


class StatisticsOut(Schema):
    dimensions: list[str]
    threshold: int
    rows: list[dict[str, Any]]
    margins: dict[str, list[dict[str, Any]]]
    total: int | str
    note: str


class AccessLogOut(Schema):
    at: dt.datetime
    username: str
    action: str
    victim: str
    purpose: str
    fields: list[str]
    channel: str


class ProposalOut(Schema):
    code: str
    occurred_on: dt.date
    country: str
    province_code: str | None
    device_category: str
    residual_contamination: bool
    product: str | None
    point: list[float]
    nearest_hazards: list[dict[str, Any]]
