"""The migration from IMSMA NG v6: check the source, then every NG table in order, in one transaction.

Read-only on NG (source.py). Every record goes through its SafeGround service (kinds/*); every row read
ends in one outcome on the reconciliation (reconcile.py), which is stored with the run and written as
HTML and CSV (report.py). A dry run does all of it, then rolls back: the report says what would happen.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.gazetteer.models import Programme
from safeground.imsma import kinds, schema, totals
from safeground.imsma.enums import EnumMapping, starting_mapping
from safeground.imsma.kinds.base import Run
from safeground.imsma.models import MigrationRun
from safeground.imsma.reconcile import Reconciliation
from safeground.imsma.source import NgSource, SourceError, redact


class _DryRun(Exception):
    """Undo a dry run's writes."""


def check_country(country: str) -> str:
    country = (country or "").upper()
    if not Programme.objects.filter(iso3=country).exists():
        known = ", ".join(Programme.objects.order_by("iso3").values_list("iso3", flat=True)) or _("none")
        raise SourceError(
            _("no programme for country %(country)s here (programmes: %(known)s); load its reference data first")
            % {"country": country or "''", "known": known}
        )
    return country


def migrate(
    url: str,
    *,
    country: str,
    mapping: str | None = None,
    dry_run: bool = False,
    user=None,
    far_m: float = 5000.0,
    progress=None,
) -> MigrationRun:
    """Migrate the NG database at `url` into `country`'s programme; returns the run with its report.

    Raises SourceError (UnknownSchema among them) or MappingError before anything is written."""
    country = check_country(country)
    enum_mapping = EnumMapping.load(mapping)
    enum_mapping.check(kinds.enums())
    with NgSource(url) as source:
        source.check()
        report = Reconciliation(source=redact(url), country=country, dry_run=dry_run)
        try:
            with transaction.atomic():
                row = MigrationRun.objects.create(
                    source=redact(url)[:300], country=country, user=user, mapping=enum_mapping.text()
                )
                run = Run(source, enum_mapping, report, row, country, user=user, far_m=far_m)
                for table in schema.ORDER:
                    if progress:
                        progress(table)
                    kinds.module(table).migrate(run, table)
                    if report.table(table).read != source.count(table):
                        report.notes.append(
                            f"{table}: {report.table(table).read} rows handled, {source.count(table)} in NG"
                        )
                report.totals = totals.compare(run)
                if dry_run:
                    raise _DryRun
                row.status, row.finished_at, row.report = "done", timezone.now(), report.as_dict()
                row.save(update_fields=["status", "finished_at", "report"])
        except _DryRun:
            row = MigrationRun.objects.create(
                source=redact(url)[:300],
                country=country,
                user=user,
                mapping=enum_mapping.text(),
                status="dry-run",
                finished_at=timezone.now(),
                report=report.as_dict(),
            )
    return row


def write_mapping(url: str) -> str:
    """A starting mapping file: every NG value in use in a mapped column, with a guessed choice."""
    with NgSource(url) as source:
        source.check()
        in_use: dict[tuple[str, str], tuple[str, list, list[str]]] = {}
        for (table, column), (field, choices) in kinds.enums().items():
            values = {
                source.enum_value(row[column])
                for row in source.rows(table)
                if row.get(column) and source.enum_value(row[column])
            }
            in_use[(table, column)] = (field, list(choices), sorted(v for v in values if v))
    return starting_mapping(in_use)
