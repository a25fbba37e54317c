"""Pydantic schemas of the quality management API (/api/v1/qm)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import AnyDate, Choice, Code, Finite, Name, Note, PastDate, PatchIn, Ref

Remark = Annotated[str, Field(max_length=500)]


class AnswerIn(Schema):
    item: Choice = Field(description="The checklist item's key, e.g. sop")
    answer: Choice = Field(description="yes, no or na (not applicable)")
    remark: Remark = ""


class VisitIn(Schema):
    """A QA/QC visit to an activity (work under way) or a product (released land)."""

    visit_type: Choice = Field(
        examples=["monitoring"], description="accreditation, monitoring, qc_sampling, post_clearance"
    )
    inspecting_organisation: Ref = Field(description="Acronym of the organisation that inspects")
    visited_on: PastDate
    inspector: Name
    activity: Ref | None = None
    product: Ref | None = None
    team: Ref | None = None
    inspected_organisation: Ref | None = Field(None, description="Default: the activity's organisation")
    findings: Note = ""
    template: Choice | None = Field(None, description="Checklist template key; default: the default template")
    answers: list[AnswerIn] = Field([], max_length=200)
    code: Code | None = None


class VisitPatch(PatchIn):
    findings: Note | None = None
    inspector: Name | None = None
    answers: list[AnswerIn] | None = Field(None, max_length=200)


class VisitOut(Schema):
    code: str
    visit_type: str
    country: str
    activity: str | None
    product: str | None
    team: str | None
    inspecting_organisation: str
    inspected_organisation: str
    visited_on: dt.date
    inspector: str
    findings: str
    template: str | None
    version: int


class AnswerOut(Schema):
    item: str
    text: str
    answer: str | None
    remark: str


class NonConformityIn(Schema):
    category: Choice = Field(examples=["medical"])
    severity: Choice = Field(examples=["minor"], description="critical, major or minor")
    description: Note
    corrective_action: Note = ""
    owner: Ref | None = Field(None, description="Organisation acronym; default: the inspected organisation")
    due_on: AnyDate | None = None
    raised_on: PastDate | None = None
    suspends: Choice = Field("", description="critical only: team (default when the visit names one) or method")
    method: Choice = ""
    code: Code | None = None


class NonConformityOut(Schema):
    code: str
    visit: str
    category: str
    severity: str
    description: str
    corrective_action: str
    owner: str
    raised_on: dt.date
    due_on: dt.date
    suspends: str | None
    method: str | None
    team: str | None
    status: str
    closed_on: dt.date | None
    closure_evidence: str
    closed_by: str
    version: int


class VisitDetailOut(VisitOut):
    checklist: list[AnswerOut]
    non_conformities: list[NonConformityOut]


class CloseIn(Schema):
    evidence: Note
    closed_by: Name
    closed_on: PastDate | None = None


class TemplateItemOut(Schema):
    key: str
    order: int
    text: str


class TemplateOut(Schema):
    key: str
    name: str
    reference: str
    is_default: bool
    items: list[TemplateItemOut]


class RuleOut(Schema):
    country: str
    enabled: bool
    unit_m2: float
    inspection_level: str
    acceptance_number: int
    source: str
    version: int = Field(description='0: the default, never stored; send it back as If-Match: "<version>"')


class RulePatch(PatchIn):
    enabled: bool | None = None
    unit_m2: Finite | None = Field(None, ge=1, le=10_000)
    inspection_level: Choice | None = None
    acceptance_number: int | None = Field(None, ge=0, le=100)
    source: Name | None = None


class PlanIn(Schema):
    product: Ref
    planned_on: AnyDate | None = None
    visit: Ref | None = None
    code: Code | None = None


class SampleResultIn(Schema):
    failed_units: int = Field(ge=0, le=1_000_000, description="Sample units where a device or defect was found")
    result_on: PastDate | None = None
    searched_m2: Finite | None = Field(None, ge=0, le=1e10)
    remarks: Note = ""


class SamplingPlanOut(Schema):
    code: str
    product: str
    country: str
    visit: str | None
    planned_on: dt.date
    lot_units: int
    unit_m2: float
    inspection_level: str
    code_letter: str
    sample_units: int
    sample_area_m2: float
    acceptance_number: int
    rule_source: str
    result: str
    failed_units: int | None
    searched_m2: float | None
    result_on: dt.date | None
    remarks: str
    proposal: str | None = Field(description="The workbench submission reopening the area (failed samples)")
    version: int


class HandoverIn(Schema):
    products: list[Ref] = Field(min_length=1, max_length=500)
    handed_over_on: PastDate
    received_by_name: Name
    received_by_role: Name
    residual_risk: Note
    handed_over_by: Ref | None = None
    community: Name = ""
    witnesses: Name = ""
    code: Code | None = None


class HandoverOut(Schema):
    code: str
    country: str
    products: list[str]
    area_m2: float
    handed_over_on: dt.date
    handed_over_by: str
    received_by_name: str
    received_by_role: str
    community: str
    residual_risk: str
    witnesses: str


class RateRow(Schema):
    group: str
    visits: int
    non_conformities: int
    critical: int
    major: int
    minor: int
    per_visit: float | None


class SeverityRow(Schema):
    group: str
    non_conformities: int
    per_visit: float | None


class QmStatisticsOut(Schema):
    unit: str
    total: RateRow
    by_organisation: list[RateRow]
    by_method: list[RateRow]
    by_severity: list[SeverityRow]
    open: int


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


class NonConformityPage(Schema):
    count: int
    items: list[NonConformityOut]


class PlanPage(Schema):
    count: int
    items: list[SamplingPlanOut]


class HandoverPage(Schema):
    count: int
    items: list[HandoverOut]
