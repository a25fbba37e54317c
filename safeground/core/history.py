"""Change history (django-simple-history) in a form the API and the pages share."""

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def history_entries(record) -> list[dict]:
    """Newest first: who, when, what changed (field, old, new)."""
    entries = []
    rows = list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))
    for i, row in enumerate(rows):
        previous = rows[i + 1] if i + 1 < len(rows) else None
        changes = []
        if previous is not None:
            delta = row.diff_against(previous)
            changes = [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)} for c in delta.changes]
        entries.append(
            {
                "history_id": row.history_id,
                "history_date": row.history_date,
                "history_type": {"+": "created", "~": "changed", "-": "deleted"}.get(
                    row.history_type, row.history_type
                ),
                "history_user": row.history_user.get_username() if row.history_user else None,
                "changes": changes,
            }
        )
    batch_id = getattr(record, "batch_id", None)
    if batch_id and not any(e["history_type"] == "created" for e in entries):
        entries.append(_created_by_batch(record))
    return entries


def _created_by_batch(record) -> dict:
    """A bulk-written record's creation, derived from its batch (decision 0015)."""
    batch = record.batch
    return {
        "history_id": None,
        "history_date": batch.created_at,
        "history_type": "created",
        "history_user": batch.user.get_username() if batch.user else None,
        "changes": [],
        "batch": {"id": str(batch.id), "kind": batch.kind, "source": batch.source, "rows": batch.rows},
    }


def _plain(value):
    if hasattr(value, "wkt"):
        return f"geometry ({value.num_coords} vertices)"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def record_author(instance, user, reason: str | None = None) -> None:
    """Name who (and, if given, why) on the history row that the instance's next save() writes.

    django-simple-history reads these two private attributes; setting them here keeps that detail
    (and the untyped attribute names) in one place.
    """
    instance._history_user = user
    if reason is not None:
        instance._change_reason = reason[:100]  # the history's column holds 100 characters


def add_past_versions(record, versions: list[dict]) -> int:
    """History rows for versions a record had before it came here (a migrated system's own versions).

    Each version is `{"date": datetime, "reason": str, "values": {field: value}}`, oldest first: its row
    is the record as it is now with `values` laid over it, dated when the source recorded it, so the
    record's history reads as the source kept it. The reason names the source's author (a user of the
    old system, not of this one). Rows only: the record itself is not changed.
    """
    if not versions:
        return 0
    model = type(record)
    rows = []
    for version in versions:
        past = model.objects.get(pk=record.pk)
        for field, value in version["values"].items():
            setattr(past, field, value)
        past._history_date = version["date"]
        past._change_reason = version["reason"][:100]
        rows.append(past)
    model.history.bulk_history_create(rows, update=True)
    return len(rows)
