"""Build a report: check the request, compute every table in the asked language, reconcile every figure
with the independent aggregates, then stamp it (generation time, the data's as-of date, a short hash of
the figures). Renderers take the result; nothing is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safeground.core.errors import ValidationFailed
from safeground.gazetteer.models import Programme
from safeground.reports import definitions, reconcile
from safeground.reports.figures import Context
from safeground.reports.tables import Built, Section

FORMATS = ("pdf", "xlsx", "csv", "json")
FIRST_YEAR = 1990


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def programme_of(country: str | None) -> Programme:
    value = (country or "").strip().upper()
    found = Programme.objects.filter(iso3=value).first() if value else None
    if found is None:
        known = ", ".join(Programme.objects.order_by("iso3").values_list("iso3", flat=True)) or "none"
        raise ValidationFailed(f"country must be a programme's ISO3 code ({known}); got {country!r}", field="country")
    return found


def check_request(kind: str, country: str | None, year: int | None, lang: str | None, fmt: str = "json") -> Programme:
    if kind not in definitions.REPORTS:
        raise ValidationFailed(f"report must be one of {', '.join(definitions.KINDS)}; got {kind!r}", field="report")
    programme = programme_of(country)
    this_year = timezone.localdate().year
    if year is None or not FIRST_YEAR <= int(year) <= this_year:
        raise ValidationFailed(f"year must be from {FIRST_YEAR} to {this_year}; got {year!r}", field="year")
    if lang not in languages():
        raise ValidationFailed(f"lang must be one of {', '.join(languages())}; got {lang!r}", field="lang")
    if fmt not in FORMATS:
        raise ValidationFailed(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}", field="format")
    if not definitions.REPORTS[kind].applies(programme):
        fitting = ", ".join(d.kind for d in definitions.applicable(programme))
        raise ValidationFailed(
            f"{kind} does not apply to {programme.iso3} (see its programme profile's treaty status); "
            f"its reports: {fitting}",
            field="report",
            reason="not_applicable",
        )
    return programme


def as_of(country: str) -> dt.date | None:
    """The data's as-of date: the latest date on any record the reports read."""
    from safeground.eore.models import Session
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product
    from safeground.operations.models import ProgressReport
    from safeground.victims.models import Accident

    dates = [
        Hazard.objects.filter(country=country).aggregate(d=Max("recorded_on"))["d"],
        Product.objects.filter(activity__country=country).aggregate(d=Max("released_on"))["d"],
        Device.objects.filter(activity__country=country).aggregate(d=Max("found_on"))["d"],
        Accident.objects.filter(country=country).aggregate(d=Max("occurred_on"))["d"],
        Session.objects.filter(country=country).aggregate(d=Max("held_on"))["d"],
        ProgressReport.objects.filter(activity__country=country).aggregate(d=Max("date"))["d"],
    ]
    found = [d for d in dates if d]
    return max(found) if found else None


def figures_hash(built: Built) -> str:
    """A short hash of every figure as shown (suppressed where it is shown suppressed), by table, row and
    column: the same in every language, different when any figure differs."""
    cells = []
    for t in built.tables():
        for row in t.rows:
            for c in t.columns:
                if c.kind == "text":
                    continue
                value = row.display(c)
                cells.append([t.key, list(row.key), c.key, round(value, 2) if isinstance(value, float) else value])
    payload = json.dumps([built.kind, built.country, built.year, cells], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def build(kind: str, country: str | None, year: int | None, lang: str | None = "en") -> Built:
    """The report, reconciled; raises ValidationFailed (a bad request) or ReconciliationFailed (a figure
    that does not add up, named)."""
    programme = check_request(kind, country, year, lang)
    assert year is not None and lang is not None
    definition = definitions.REPORTS[kind]
    ctx = Context(programme, int(year))
    with translation.override(lang):
        sections, expected = [], {}
        for s in definition.sections:
            tables = []
            for t in s.tables:
                tables.append(t.query(ctx, key=t.key, title=_(t.title)))
                expected[t.key] = t.check(ctx)
            sections.append(Section(s.key, _(s.title), tables, _(s.intro) if s.intro else "", s.recorded))
        found = as_of(programme.iso3)
        built = Built(
            kind=kind,
            title=_(definition.title),
            country=programme.iso3,
            country_name=_(programme.name),
            year=int(year),
            lang=lang,
            generated_at=timezone.now().replace(microsecond=0).isoformat(),
            as_of=found.isoformat() if found else "—",
            figures_hash="",
            sections=sections,
            labels=labels(),
        )
        reconcile.check(built, expected)
        built.figures_hash = figures_hash(built)
        built.notes = [
            _("Every figure was checked against an independent aggregate over the records before rendering."),
            _("Areas in square metres, computed from the geometries in the local UTM zone."),
        ]
    return built


def labels() -> dict[str, str]:
    """Words the renderers print, in the active language."""
    return {
        "period": _("Reporting period"),
        "generated": _("Generated"),
        "as_of": _("Data as of"),
        "hash": _("Figures hash"),
        "country": _("Country"),
        "not_recorded": _("Not recorded in this system."),
        "contents": _("Contents"),
        "page": _("Page"),
        "source": "SafeGround",
    }
