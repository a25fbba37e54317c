"""Set-based purge of synthetic rows: the rows of a model matching a filter, what depends on them, and
their simple-history rows, in dependency order, a few statements per related table and none per row.

Only for rows that never described anything real (the demo's `is_synthetic` rows): no signals, no
"deleted" history rows. Before anything is deleted every dependant is checked: a row that is not
synthetic and would cascade or is protected refuses the whole purge (`PurgeRefused`), so real data is
never lost with the demo's. Rows that are merely SET_NULL on a purged row are cleared, as the database
would. The batches (`core.Batch`) the purged rows were written in go too once no row points at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from safeground.core.models import Batch

#: How deep dependants of dependants are followed (a guard against a cycle of cascades).
MAX_DEPTH = 8


class PurgeRefused(RuntimeError):
    """A real (non-synthetic) row depends on a row being purged; nothing was deleted."""


@dataclass
class _Plan:
    """What to do, in order: checks first, then deletes (dependants before what they depend on)."""

    refusals: list[tuple[str, QuerySet]] = field(default_factory=list)
    deletes: list[tuple[str, QuerySet]] = field(default_factory=list)
    nulls: list[tuple[QuerySet, str]] = field(default_factory=list)
    batch_ids: set = field(default_factory=set)


def _is_history(model) -> bool:
    return hasattr(model, "instance_type")  # simple_history's historical models


def _has_synthetic_flag(model) -> bool:
    return any(f.name == "is_synthetic" for f in model._meta.concrete_fields)


def _history_model(model):
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None) if manager is not None and not _is_history(model) else None


def _label(model) -> str:
    return model._meta.db_table


def _links(plan: _Plan, model, rows: QuerySet, through, fk_name: str, other_name: str | None) -> None:
    """Rows of an auto-created many-to-many table that point at the purged rows; when another model's
    field declares the link (`other_name`), a non-synthetic row of that model depends on them and refuses."""
    links = through._default_manager.filter(**{f"{fk_name}__in": rows.values("pk")})
    if other_name is not None:
        other = through._meta.get_field(other_name).related_model
        if other is not model and _has_synthetic_flag(other):
            plan.refusals.append((_label(other), links.filter(**{f"{other_name}__is_synthetic": False})))
    plan.deletes.append((_label(through), links))


def _relations_to(model) -> list:
    """Every relation pointing at `model`, hidden ones (related_name="+") included: they cascade too."""
    return [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]


def _plan(plan: _Plan, model, rows: QuerySet, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise PurgeRefused(f"dependants of {_label(model)} nest deeper than {MAX_DEPTH} tables")
    batch = next((f for f in model._meta.concrete_fields if f.name == "batch" and f.related_model is Batch), None)
    if batch is not None and not _is_history(model):
        plan.batch_ids |= set(rows.exclude(batch=None).values_list("batch_id", flat=True).distinct())
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        if through._meta.auto_created:
            _links(plan, model, rows, through, m2m.m2m_field_name(), None)  # the purged rows link out: no dependant
    for rel in _relations_to(model):
        related = rel.related_model
        if rel.many_to_many:
            if rel.through._meta.auto_created:
                f = rel.field
                _links(plan, model, rows, rel.through, f.m2m_reverse_field_name(), f.m2m_field_name())
            continue
        if related._meta.auto_created:
            continue  # an auto-created many-to-many table: handled with its field above
        if _is_history(related) and not _is_history(model):
            continue  # a history row's copy of a foreign key (no constraint); purged with its own rows
        on_delete = rel.on_delete
        if on_delete is models.DO_NOTHING:
            continue
        keys = rows.values(rel.field.target_field.name)
        dependants = related._default_manager.filter(**{f"{rel.field.name}__in": keys})
        if on_delete is models.SET_NULL:
            plan.nulls.append((dependants, rel.field.name))
            continue
        if on_delete is not models.CASCADE:  # PROTECT, RESTRICT, SET_DEFAULT, SET(...): any dependant refuses
            plan.refusals.append((_label(related), dependants))
            continue
        if _has_synthetic_flag(related):
            plan.refusals.append((_label(related), dependants.filter(is_synthetic=False)))
        _plan(plan, related, dependants, depth + 1)
    history = _history_model(model)
    if history is not None:
        _plan(plan, history, history._default_manager.filter(id__in=rows.values("pk")), depth + 1)
    plan.deletes.append((_label(model), rows))


def purge(model, *filters: Q, **lookups) -> dict[str, int]:
    """Delete the rows of `model` matching the filter, their dependants and history; rows deleted per table.

    Raises `PurgeRefused` (naming the table) before deleting anything if a non-synthetic row would
    cascade from, or protects, a purged row.
    """
    rows = model._default_manager.filter(*filters, **lookups)
    plan = _Plan()
    _plan(plan, model, rows, 0)
    for table, qs in plan.refusals:
        if qs.exists():
            raise PurgeRefused(
                f"real records in {table} depend on the {_label(model)} rows being purged; nothing was deleted"
            )
    counts: dict[str, int] = {}
    for qs, name in plan.nulls:
        qs.update(**{name: None})
    for table, qs in plan.deletes:
        n = qs._raw_delete(qs.db)
        counts[table] = counts.get(table, 0) + n
    if plan.batch_ids:
        counts[_label(Batch)] = delete_unused_batches(Batch.objects.filter(id__in=plan.batch_ids))
    return {k: v for k, v in counts.items() if v}


def purge_synthetic(model, *filters: Q, **lookups) -> dict[str, int]:
    """`purge` of the model's synthetic rows (narrowed by the filter), then of the synthetic history rows
    left (those of rows already gone), so that none of the demo's history stays behind."""
    counts = purge(model, *filters, is_synthetic=True, **lookups)
    history = _history_model(model)
    if history is not None:
        for table, n in purge(history, *filters, is_synthetic=True, **lookups).items():
            counts[table] = counts.get(table, 0) + n
    return counts


def delete_unused_batches(batches: QuerySet) -> int:
    """Delete the given batches that no row of any table (history included) points at any more."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Batch:
                batches = batches.filter(~Exists(model._default_manager.filter(**{f.name: OuterRef("pk")})))
    return batches._raw_delete(batches.db)
