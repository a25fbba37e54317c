"""The import as one transaction: check the file, read the layer, validate every row, then write.

`on_error="refuse"` (the default) is all or nothing: one bad row and nothing is written.
`on_error="quarantine"` writes the valid rows and holds the others in the quarantine
(`interop.quarantine`), in the same transaction: nothing of the file is lost.

Shared by `safeground import`, the API upload and the import page, so all three refuse the same
files for the same reasons and write the same records.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from safeground.interop import importers as importer
from safeground.interop import quarantine
from safeground.interop.csv_text import utf8_copy
from safeground.interop.formats import UnsafeFile, prepare
from safeground.interop.importers import KINDS, Context, RowError
from safeground.interop.layers import COMPUTED
from safeground.interop.progress import Silent
from safeground.interop.reader import ImportError_, Mapping, read

#: What an import does with bad rows: refuse the whole file, or write the rest and hold them.
ON_ERROR = ("refuse", "quarantine")
#: What a products import does with a product that overlaps no hazard: refuse the row, or rebuild a
#: closed hazard from its footprint (flagged reconstructed). docs/interop.md says why not more.
ORPHANS = ("refuse", "outside", "historical-hazard")


class ImportFailed(ValueError):
    """The file as a whole was refused (unsafe, unreadable, wrong layer or mapping); nothing was written."""


@dataclass
class ImportResult:
    kind: str
    source: str
    layer: str = ""
    rows: int = 0
    written: int = 0
    dry_run: bool = False
    codes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    report_path: str | None = None
    on_error: str = "refuse"
    quarantined: int = 0
    quarantine_causes: dict[str, int] = field(default_factory=dict)  # rows per cause
    repaired: dict[str, int] = field(default_factory=dict)  # rows per kind of repair
    import_id: str = ""

    @property
    def ok(self) -> bool:
        """Whether the file was taken: without errors, or with its bad rows held in the quarantine."""
        return not self.errors or self.on_error == "quarantine"

    def as_dict(self, max_errors: int = 1000) -> dict:
        return {
            "kind": self.kind,
            "source": self.source,
            "layer": self.layer,
            "rows": self.rows,
            "written": self.written,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "error_count": len(self.errors),
            "errors": [e.__dict__ for e in self.errors[:max_errors]],
            "notes": self.notes,
            "codes": self.codes[:100],
            "seconds": round(self.seconds, 3),
            "on_error": self.on_error,
            "quarantined": self.quarantined,
            "quarantine_causes": self.quarantine_causes,
            "repaired": self.repaired,
            "import_id": self.import_id,
        }


def errors_csv(errors: list[RowError]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["row", "field", "value", "reason"])
    for e in errors:
        writer.writerow([e.row, e.field, e.value, e.reason])
    return buf.getvalue()


def import_file(
    path: str | Path,
    kind: str,
    *,
    layer: str | None = None,
    crs: str | None = None,
    mapping: Mapping | str | Path | None = None,
    dry_run: bool = False,
    repair: bool = False,
    user=None,
    source_name: str | None = None,
    progress=None,
    encoding: str | None = None,
    decimal: str = ".",
    on_error: str = "refuse",
    orphans: str = "refuse",
) -> ImportResult:
    """Import one layer of `path` as `kind`. Row problems come back in `errors`: with `on_error="refuse"`
    nothing is written; with "quarantine" the valid rows are written and the others held. A file refused
    as a whole raises ImportFailed (nothing written either)."""
    if kind not in KINDS:
        raise ImportFailed(
            _("unknown kind %(kind)s; choose one of %(kinds)s") % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    if on_error not in ON_ERROR:
        raise ImportFailed(
            _("unknown on_error %(value)s; choose one of %(choices)s")
            % {"value": on_error, "choices": ", ".join(ON_ERROR)}
        )
    if orphans not in ORPHANS:
        raise ImportFailed(
            _("unknown orphans %(value)s; choose one of %(choices)s")
            % {"value": orphans, "choices": ", ".join(ORPHANS)}
        )
    started = time.monotonic()
    progress = progress or Silent()
    path = Path(path)
    name = source_name or path.name
    result = ImportResult(kind=kind, source=name, dry_run=dry_run, on_error=on_error)
    try:
        mapping = mapping if isinstance(mapping, Mapping) else Mapping.load(mapping)
        with tempfile.TemporaryDirectory(prefix="safeground-import-") as work:
            opened = prepare(path, Path(work))
            if opened.format == "CSV":  # GDAL reads UTF-8: other encodings through a UTF-8 copy
                text_path, note = utf8_copy(opened.path, Path(work), encoding)
                opened = replace(opened, path=text_path)
                result.notes += [note] if note else []
            progress.stage(_("reading %(name)s") % {"name": name}, 0)
            table = read(opened, kind, mapping, layer=layer, crs=crs, decimal=decimal)
            progress.update(table.n)
            progress.close()
            result.layer, result.rows = table.layer, table.n
            result.notes += table.notes
            ctx = Context(repair=repair, user=user, reason=f"import {name}"[:100], source=name, orphans=orphans)
            with transaction.atomic():
                plan, rows = importer.validate(kind, table, mapping, ctx, progress)
                unused = [c for c in rows.unused_columns() if c not in COMPUTED.get(kind, set())]
                if unused:
                    result.notes.append(_("column(s) not used: %(cols)s") % {"cols": ", ".join(unused)})
                if rows.kept:
                    kept = ", ".join(rows.kept)
                    result.notes.append(
                        _("column(s) kept with each record as source attributes: %(cols)s") % {"cols": kept}
                    )
                result.errors = sorted(rows.errors, key=lambda e: (e.row, e.field))
                held = None
                if result.errors and on_error == "quarantine":
                    held, plan, rows = quarantine.split(kind, table, mapping, ctx, progress, (plan, rows))
                    result.errors = held.errors
                    result.quarantine_causes = quarantine.causes(held.errors)
                    result.quarantined = len(held.held_rows())
                result.repaired = dict(Counter(rows.repairs.values()))
                if (result.errors and held is None) or dry_run:
                    result.codes = [c for c in plan.codes if c]
                    return result
                if held is not None:
                    result.import_id = str(uuid.uuid4())
                    quarantine.hold(table, held, kind=kind, mapping=mapping, ctx=ctx, import_id=result.import_id)
                if held is None or held.keep.size:
                    result.notes += [n for n in importer.write(plan, ctx, progress) if n]
                    importer.record_repairs(kind, plan, rows, ctx, None if held is None else held.keep)
                    result.written = len(plan.codes)
                    result.codes = plan.codes
    except (UnsafeFile, ImportError_) as exc:
        raise ImportFailed(str(exc)) from exc
    except (IntegrityError, DatabaseError) as exc:
        raise ImportFailed(
            _("the database refused the import, nothing was written: %(error)s") % {"error": exc}
        ) from exc
    finally:
        result.seconds = time.monotonic() - started
    return result


def write_report(result: ImportResult, path: str | Path) -> str:
    Path(path).write_text(errors_csv(result.errors), encoding="utf-8")
    result.report_path = str(path)
    return str(path)
