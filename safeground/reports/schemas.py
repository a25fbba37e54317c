"""Schemas of `GET /api/v1/reports` and `GET /api/v1/reports/{report}`."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import Choice, Country, Year


class ReportListIn(Schema):
    country: Country


class ReportKindOut(Schema):
    report: str
    title: str
    description: str


class ReportListOut(Schema):
    country: str
    reports: list[ReportKindOut]


class ReportIn(Schema):
    country: Country
    year: Year
    lang: Annotated[str, Field(max_length=10)] = "en"
    format: Choice = "json"


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class RowOut(Schema):
    key: list[str]
    total: bool
    cells: dict[str, Any]
    text: dict[str, str]


class TableOut(Schema):
    key: str
    title: str
    note: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class SectionOut(Schema):
    key: str
    title: str
    recorded: bool
    tables: list[TableOut]


class ReportOut(Schema):
    report: str
    title: str
    country: str
    country_name: str
    year: int
    lang: str
    generated_at: str
    as_of: str
    figures_hash: str
    notes: list[str]
    sections: list[SectionOut]
