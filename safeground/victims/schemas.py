"""API schemas of accidents, victims and victim assistance. Personal fields appear only in the
`*In` schemas (to record them) and in PersonalDataOut (the audited restricted view)."""

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import AnyDate, Choice, Code, Country, Finite, Name, Note, PastDate, PatchIn, Ref, Year


class AccidentIn(Schema):
    """A new accident. `point` is GeoJSON (Point, WGS 84 lon/lat)."""

    point: dict[str, Any] = Field(examples=[{"type": "Point", "coordinates": [103.05, 13.05]}])
    occurred_on: PastDate
    occurred_on_precision: Note = Field("day", description="day, month or year: how much of occurred_on is known")
    occurred_time: dt.time | None = None
    accident_type: Note = Field(examples=["mine_erw"], description="mine_erw or demining")
    device_category: Note = "unknown"
    device_model: Note | None = Field(None, description="Ordnance model name, e.g. PMN-2")
    hazard: Ref | None = Field(None, description="Hazard code; without one the accident is proposed as evidence")
    organisation: Ref | None = Field(None, description="Reporting organisation acronym")
    activity: Ref | None = Field(None, description="Activity code, for demining accidents")
    country: Country | None = None
    code: Code | None = None
    victim_activity: Note = Field("unknown", description="What the people were doing, e.g. farming, travelling")
    reported_casualties: dict[str, int] | None = Field(
        None,
        description="Counts without personal data when people are not registered one by one: "
        "killed_men, killed_women, killed_boys, killed_girls, killed_unknown, injured_… (same groups)",
        examples=[{"killed_men": 1, "injured_boys": 2}],
    )


class EvidenceDecisionIn(Schema):
    action: Choice = Field(
        examples=["link"], description="link (to `hazard`), new_hazard (a CHA around the point), dismiss"
    )
    hazard: Ref | None = None
    radius_m: Finite = 50.0


class VictimIn(Schema):
    accident: Ref = Field(description="Accident code")
    outcome: Choice = Field(examples=["injured"], description="killed or injured")
    purpose: Note = Field(description="Why this person's data is recorded (audited)", examples=["casualty report"])
    name: Name = ""
    date_of_birth: PastDate | None = None
    address: Note = Field("", description="Village and address")
    medical_notes: Note = ""
    sex: Choice = "unknown"
    age_years: int | None = None
    injuries: list[str] = []
    victim_type: Note = "unknown"
    activity: Ref = "unknown"
    device_tampered: Note = "unknown"
    needs: list[str] = []
    code: Code | None = None


class VictimPatch(PatchIn):
    """A rectification on request. `purpose` says whose request and why (audited)."""

    purpose: Note
    name: Name | None = None
    date_of_birth: PastDate | None = None
    address: Note | None = None
    medical_notes: Note | None = None
    sex: Choice | None = None
    age_years: int | None = None
    injuries: list[str] | None = None
    victim_type: Note | None = None
    activity: Ref | None = None
    device_tampered: Note | None = None
    needs: list[str] | None = None


class PurposeIn(Schema):
    purpose: Note = Field(description="Why you need this personal data (recorded in the access audit)")


class ExportIn(Schema):
    purpose: Note
    country: Country | None = None
    year: Year | None = None
    admin_area: Ref | None = None
    format: Choice = Field("json", description="json or csv")


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
    assessed_on: PastDate
    needs: list[str]
    notes: Note = ""


class ReferralIn(Schema):
    need: Note
    provider: Note
    referred_on: PastDate
    status: Choice = "referred"
    notes: Note = ""


class ReferralPatch(PatchIn):
    status: Choice | None = None
    outcome_on: AnyDate | None = None
    notes: Note | None = None


class FollowUpIn(Schema):
    followed_up_on: PastDate
    referral: Note | None = None
    notes: Note = ""


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
