"""Pieces the record pages of every app share: the readable change history and GeoJSON features.

The history is generic over the model and also names the members of many-to-many fields (an
activity's hazards and teams); the hazard, activity and product pages render it with
core/_history.html.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

from django.contrib.gis.db.models import GeometryField
from django.db.models import ForeignKey, ManyToManyField
from django.utils.translation import gettext as _

HISTORY_LIMIT = 100


def feature(geom, **properties) -> dict:
    """A GeoJSON Feature of a GEOS geometry (for the maps drawn by static/js/map.js)."""
    return {"type": "Feature", "geometry": json.loads(geom.geojson), "properties": properties}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def history_rows(record, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The record's history, newest first, each row with its changes against the row before it.

    Rows are paired in Python (`prev_record` would query once per row); the names of foreign keys
    and many-to-many members in the changes are fetched with one query per related model.
    """
    model = type(record)
    records = list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))
    records = records[: limit + 1]  # one more, so the oldest shown still has one to compare with
    rows, pending = [], {}
    for index, row in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            for change in row.diff_against(previous).changes:
                field = model._meta.get_field(change.field)
                changes.append((field, change.old, change.new))
                for value in (change.old, change.new):
                    for pk in _related_pks(field, value):
                        pending.setdefault(field.related_model, set()).add(pk)
        rows.append({"record": row, "changes": changes})

    names: dict = {}
    for related, pks in pending.items():
        queryset = related._default_manager.filter(pk__in=pks)
        deferred = [f.name for f in related._meta.concrete_fields if isinstance(f, GeometryField)]
        names.update({obj.pk: str(obj) for obj in queryset.defer(*deferred)})
    for row in rows:
        row["changes"] = [
            {"label": field.verbose_name, **_describe(field, old, new, names)} for field, old, new in row["changes"]
        ]
    if getattr(record, "batch_id", None) and len(records) <= limit and all(r.history_type != "+" for r in records):
        rows.append({"record": _created_by_batch(record.batch), "changes": []})
    return rows


def _created_by_batch(batch) -> SimpleNamespace:
    """The "created" row of a record written in bulk: it has no history row of its own (decision 0015)."""
    reason = _("Written in bulk: %(kind)s, %(rows)s rows, from %(source)s") % {
        "kind": batch.kind,
        "rows": batch.rows,
        "source": batch.source or batch.reason or "—",
    }
    return SimpleNamespace(
        history_date=batch.created_at, history_user=batch.user, history_type="+", history_change_reason=reason
    )


def _related_pks(field, value) -> list:
    if isinstance(field, ForeignKey):
        return [value] if value is not None else []
    if isinstance(field, ManyToManyField):
        key = field.related_model._meta.model_name
        return [item.get(key) for item in value or [] if isinstance(item, dict) and item.get(key) is not None]
    return []


def _describe(field, old, new, names: dict) -> dict:
    if isinstance(field, GeometryField):
        return {"old": "", "new": _("geometry changed"), "geometry": True}
    if isinstance(field, ForeignKey):
        return {"old": names.get(old, old or "—"), "new": names.get(new, new or "—")}
    if isinstance(field, ManyToManyField):
        return {"old": _members(field, old, names), "new": _members(field, new, names)}
    if field.choices:
        labels = dict(field.flatchoices)
        return {"old": labels.get(old, _plain(old)), "new": labels.get(new, _plain(new))}
    return {"old": _plain(old), "new": _plain(new)}


def _members(field, value, names: dict) -> str:
    labels = sorted(str(names.get(pk, pk)) for pk in _related_pks(field, value))
    return ", ".join(labels) if labels else "—"


def _plain(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
