"""Request and response schemas of the cooperation API (/api/v1/cooperation). Names start with `Coop`
(OpenAPI schema names are unique across apps)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from safeground.core.contracts import AnyDate, Choice, Country, Finite, Name, Note, PatchIn, Ref, StrictIn, Text

Refs = list[Ref]


class CoopPartnerIn(StrictIn):
    code: Text(30) = Field(examples=["GICHD"], description="Short name in capitals")
    name: Name
    kind: Choice = Field(
        description="national_authority, operator, regional_centre, international, donor, training_centre, other"
    )
    country: Country = ""
    organisation: Ref | None = Field(None, description="Acronym of the same body in this programme's register")
    website: Text(200) = ""
    notes: Text(2000) = ""


class CoopPartnerPatch(PatchIn):
    name: Name | None = None
    kind: Choice | None = None
    country: Country | None = None
    organisation: Ref | None = None
    website: Text(200) | None = None
    notes: Text(2000) | None = None


class CoopPartnerOut(Schema):
    code: str
    name: str
    kind: str
    country: str
    organisation: str | None
    website: str
    notes: str
    version: int


class CoopPartnerPage(Schema):
    count: int
    items: list[CoopPartnerOut]


class CoopAgreementIn(StrictIn):
    country: Country
    title: Name
    parties: Refs = Field(max_length=50, description="Partners' codes")
    kind: Choice = "mou"
    own_authority_party: bool = True
    signed_on: AnyDate | None = None
    valid_from: AnyDate | None = None
    valid_until: AnyDate | None = None
    scope: Note = ""
    status: Choice = "draft"


class CoopAgreementPatch(PatchIn):
    title: Name | None = None
    parties: Refs | None = Field(None, max_length=50)
    kind: Choice | None = None
    own_authority_party: bool | None = None
    signed_on: AnyDate | None = None
    valid_from: AnyDate | None = None
    valid_until: AnyDate | None = None
    scope: Note | None = None
    status: Choice | None = None


class CoopDocumentOut(Schema):
    id: str
    name: str
    media_type: str
    size: int
    sha256: str


class CoopAgreementOut(Schema):
    code: str
    title: str
    kind: str
    country: str
    own_authority_party: bool
    parties: list[str]
    signed_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    scope: str
    status: str
    version: int
    documents: list[CoopDocumentOut] = []


class CoopAgreementPage(Schema):
    count: int
    items: list[CoopAgreementOut]


class CoopParticipantIn(StrictIn):
    name: Name = ""
    role: Text(150) = ""
    partner: Ref | None = None
    person: Ref | None = Field(None, description="Code of a person in this programme's register")


class CoopSiteIn(StrictIn):
    kind: Choice = Field(description="training_centre, museum, field_site, office, other")
    name: Name = ""
    organisation: Ref | None = None
    training_centre: Ref | None = None
    hazard: Ref | None = None
    activity: Ref | None = None
    place: Ref | None = None
    lon: Finite | None = None
    lat: Finite | None = None


class CoopParticipantOut(Schema):
    name: str
    role: str
    partner: str | None
    person: str | None


class CoopSiteOut(Schema):
    kind: str
    name: str
    organisation: str | None
    training_centre: str | None
    hazard: str | None
    activity: str | None
    place: str | None
    lon: float | None
    lat: float | None


class CoopVisitIn(StrictIn):
    country: Country
    title: Name
    direction: Choice = Field(description="hosted or abroad")
    host: Ref
    visitor: Ref
    start_on: AnyDate
    end_on: AnyDate
    agreement: Ref | None = None
    topics: list[Choice] = Field([], max_length=20)
    summary: Note = ""
    participants: list[CoopParticipantIn] = Field([], max_length=200)
    sites: list[CoopSiteIn] = Field([], max_length=100)


class CoopVisitPatch(PatchIn):
    title: Name | None = None
    direction: Choice | None = None
    host: Ref | None = None
    visitor: Ref | None = None
    start_on: AnyDate | None = None
    end_on: AnyDate | None = None
    agreement: Ref | None = None
    topics: list[Choice] | None = Field(None, max_length=20)
    summary: Note | None = None


class CoopActionOut(Schema):
    code: str
    description: str
    visit: str | None
    agreement: str | None
    owner: str
    owner_person: str | None
    owner_partner: str | None
    owner_text: str
    due_on: dt.date
    status: str
    closed_on: dt.date | None
    overdue: bool
    note: str
    version: int


class CoopVisitOut(Schema):
    code: str
    title: str
    country: str
    direction: str
    host: str
    visitor: str
    agreement: str | None
    start_on: dt.date
    end_on: dt.date
    topics: list[str]
    summary: str
    version: int


class CoopVisitDetailOut(CoopVisitOut):
    participants: list[CoopParticipantOut]
    sites: list[CoopSiteOut]
    actions: list[CoopActionOut]
    lessons: list[str]
    joint_trainings: list[str]
    loans: list[str]


class CoopVisitPage(Schema):
    count: int
    items: list[CoopVisitOut]


class CoopActionIn(StrictIn):
    description: Text(500)
    due_on: AnyDate
    visit: Ref | None = None
    agreement: Ref | None = None
    owner_person: Ref | None = None
    owner_partner: Ref | None = None
    owner_text: Text(150) = ""
    note: Note = ""


class CoopActionPatch(PatchIn):
    description: Text(500) | None = None
    due_on: AnyDate | None = None
    owner_person: Ref | None = None
    owner_partner: Ref | None = None
    owner_text: Text(150) | None = None
    status: Choice | None = Field(None, description="open, done, dropped")
    closed_on: AnyDate | None = None
    note: Note | None = None


class CoopActionPage(Schema):
    count: int
    items: list[CoopActionOut]


class CoopTrainingIn(StrictIn):
    country: Country
    session: Ref = Field(description="A training session's code")
    partners: Refs = Field(max_length=50)
    visit: Ref | None = None
    agreement: Ref | None = None
    note: Note = ""


class CoopTrainingPatch(PatchIn):
    session: Ref | None = None
    partners: Refs | None = Field(None, max_length=50)
    visit: Ref | None = None
    agreement: Ref | None = None
    note: Note | None = None


class CoopTrainingOut(Schema):
    code: str
    country: str
    session: str
    course: str
    start_date: dt.date
    end_date: dt.date
    partners: list[str]
    visit: str | None
    agreement: str | None
    note: str
    version: int


class CoopTrainingPage(Schema):
    count: int
    items: list[CoopTrainingOut]


class CoopLoanIn(StrictIn):
    country: Country
    kind: Choice = Field(description="expert, dog or rat")
    lender: Ref
    borrower: Ref
    start_on: AnyDate
    end_on: AnyDate | None = None
    person: Ref | None = None
    asset: Ref | None = Field(None, description="The animal's identifier")
    animal_accreditation: Ref | None = None
    accreditation: Ref | None = None
    visit: Ref | None = None
    agreement: Ref | None = None
    status: Choice = "planned"
    note: Note = ""


class CoopLoanPatch(PatchIn):
    end_on: AnyDate | None = None
    start_on: AnyDate | None = None
    status: Choice | None = Field(None, description="planned, active, returned, cancelled")
    animal_accreditation: Ref | None = None
    accreditation: Ref | None = None
    note: Note | None = None


class CoopLoanOut(Schema):
    code: str
    country: str
    kind: str
    lender: str
    borrower: str
    person: str | None
    asset: str | None
    animal_accreditation: str | None
    accreditation: str | None
    visit: str | None
    agreement: str | None
    start_on: dt.date
    end_on: dt.date | None
    status: str
    note: str
    version: int


class CoopLoanPage(Schema):
    count: int
    items: list[CoopLoanOut]


class CoopEvidenceLink(StrictIn):
    kind: Choice = Field(
        description="hazard, activity, product, qa_visit, non_conformity, accident, training_session, "
        "accreditation or visit"
    )
    code: Ref


class CoopLessonIn(StrictIn):
    country: Country
    title: Name
    text: Note
    language: Text(10) = Field(examples=["en"])
    source_kind: Choice = Field(description="visit, qa_finding, accident, productivity, other")
    source_visit: Ref | None = None
    source_ref: Text(40) = ""
    source_note: Text(300) = ""
    recorded_on: AnyDate | None = None
    tags: list[Choice] = Field([], max_length=30)
    titles: dict[Text(10), Name] = Field({}, description="The title in other languages: {language: title}")
    evidence: list[CoopEvidenceLink] = Field([], max_length=100)


class CoopLessonPatch(PatchIn):
    title: Name | None = None
    text: Note | None = None
    language: Text(10) | None = None
    source_kind: Choice | None = None
    source_visit: Ref | None = None
    source_ref: Text(40) | None = None
    source_note: Text(300) | None = None
    recorded_on: AnyDate | None = None
    tags: list[Choice] | None = Field(None, max_length=30)
    titles: dict[Text(10), Name] | None = None
    evidence: list[CoopEvidenceLink] | None = Field(None, max_length=100)


class CoopEvidenceOut(Schema):
    kind: str
    code: str


class CoopLessonOut(Schema):
    code: str
    title: str
    title_shown: str = Field(description="The title in the request's language where the lesson has one")
    language: str
    titles: dict[str, str]
    text: str
    country: str
    tags: list[str]
    source_kind: str
    source_visit: str | None
    source_ref: str
    source_note: str
    recorded_on: dt.date
    evidence: list[CoopEvidenceOut]
    version: int


class CoopLessonPage(Schema):
    count: int
    items: list[CoopLessonOut]
