"""Pydantic schemas of the exchange API (names prefixed Exchange: OpenAPI names are unique)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import AnyDate


class ExchangeKeyIn(Schema):
    partner: str = Field(max_length=30, description="The partner's code in the cooperation register")
    key: str = Field(max_length=2000, description="The partner's public key: `ed25519:<base64>` or a PEM")


class ExchangeKeyOut(Schema):
    partner: str
    fingerprint: str
    public_key: str
    registered_at: dt.datetime
    revoked_at: dt.datetime | None = None


class ExchangeOwnKey(Schema):
    fingerprint: str | None
    public_key: str | None
    problem: str | None


class ExchangeKeysOut(Schema):
    own: ExchangeOwnKey
    keys: list[ExchangeKeyOut]


class ExchangePolicyOut(Schema):
    name: str
    version: int
    builtin: bool
    description: str
    rules: dict
    limits: list[str]


class ExchangePolicyIn(Schema):
    text: str = Field(max_length=20000, description="The policy as YAML or JSON (see docs/exchange.md)")


class ExchangeExportIn(Schema):
    partner: str = Field(max_length=30, description="The partner's code in the cooperation register")
    policy: str = Field(max_length=40, description="A redaction policy's name (GET policies)")
    programme: str | None = Field(None, max_length=3, description="ISO3 (default: this installation's programme)")
    date_from: AnyDate | None = Field(None, description="First day of the period (default: no start)")
    date_to: AnyDate | None = Field(None, description="Last day of the period (default: no end)")
    library: bool = Field(
        False, description="Also carry the reference library (library.json and its images; never procedures)"
    )


class ExchangeExportOut(Schema):
    id: str
    partner: str
    programme: str
    period_from: dt.date | None
    period_to: dt.date | None
    policy: str
    policy_version: int
    counts: dict[str, int]
    package_id: str
    file_name: str
    signer: str
    created_at: dt.datetime


class ExchangeLayerCount(Schema):
    name: str
    rows: int | None
    geometry: bool


class ExchangePackageOut(Schema):
    id: str
    package_id: str
    partner: str
    partner_name: str
    signer: str
    key_revoked: bool
    programme: str
    programme_name: str
    period_from: dt.date | None
    period_to: dt.date | None
    exported_at: dt.datetime | None
    imported_at: dt.datetime
    file_name: str
    policy: str
    policy_version: int | None
    limits: list[str]
    layers: list[ExchangeLayerCount]


class ExchangeImportOut(Schema):
    created: bool
    message: str
    package: ExchangePackageOut


class ExchangeVerifyOut(Schema):
    package_id: str
    signer: str
    partner: str
    programme: dict
    period: dict
    policy: str | None
    limits: list[str]
    layers: dict[str, int]
    imported: bool


class ExchangeRefusedOut(Schema):
    detail: str
    refused: bool = True


class ExchangeSide(Schema):
    programme: str
    programme_name: str
    source: str
    period_from: dt.date | None = Field(None, description="Our records from this day (none: no start)")
    period_to: dt.date | None = Field(None, description="Our records to this day (none: no end)")
    period_from_package: bool = Field(False, description="The period is the partner package's (none was asked)")


class ExchangePartnerSource(Schema):
    programme: str
    programme_name: str
    package: str
    dataset: str
    period_from: dt.date | None
    period_to: dt.date | None
    exported_at: dt.datetime | None
    policy: str
    limits: list[str]


class ExchangeProductivityRow(Schema):
    method: str
    unit: str
    ours: float | None
    theirs: float | None
    ours_area_m2: float | None
    theirs_area_m2: float | None
    ours_cost_per_m2: float | None
    theirs_cost_per_m2: float | None


class ExchangeMixRow(Schema):
    outcome: str
    ours: float | None
    theirs: float | None


class ExchangeSummaryRow(Schema):
    figure: str
    unit: str
    ours: float | None
    theirs: float | None
    ours_suppressed: bool
    theirs_suppressed: bool


class ExchangeComparisonOut(Schema):
    partner: str
    partner_name: str
    ours: ExchangeSide
    theirs: ExchangePartnerSource | None
    productivity: list[ExchangeProductivityRow]
    release_mix: list[ExchangeMixRow]
    summary: list[ExchangeSummaryRow]
