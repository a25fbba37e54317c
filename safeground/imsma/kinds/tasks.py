"""NG `task` → tasking.Task (a task order: one hazard given to one organisation), through tasking.services.

A task can't exist without its organisation and its hazard: when either did not migrate (refused, or absent
from NG) the task is refused ('missing-link', naming the NG column and GUID). NG's task type is the task's
method (`tasktypeenum_guid` → an accreditation method; refused when unmapped: SafeGround needs one), its
name goes in the notes, its start and end dates are the plan (end = start when NG has none). It is issued
as a past task (its hazard may have closed since), then walked along SafeGround's task life to NG's
status (`status_guid`; issued when unmapped): issued → accepted → in progress → completed, or declined or
cancelled, one history row per step, dated by NG where it can be.

A re-run: a changed plan (dates, method, name) through `update_task` (one history row; refused by the
service when the task is closed), a status further along its life through `change_status`; a changed
organisation or hazard, or a status that SafeGround's life can't reach from the current one, is refused
('no-update'): a task keeps the organisation and hazards it was issued with.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safeground.imsma import schema
from safeground.imsma.kinds.base import Refuse, Run, day, required
from safeground.organisations.models import ACCREDITATION_METHODS
from safeground.tasking import services
from safeground.tasking.models import NEEDS_REASON, TASK_STATUS_CHOICES, TRANSITIONS, Task

TABLE = "task"
#: The choices with the words NG's task types and statuses use, for the starting guess (keys unchanged):
#: a plain "Clearance" task is manual clearance; "Open" is issued, "Closed" completed.
METHODS = [(k, "Battle area (BAC)" if k == "bac" else label) for k, label in ACCREDITATION_METHODS]
WORDS = {"issued": "open, planned", "declined": "rejected", "in_progress": "ongoing, started", "completed": "closed"}
STATUSES = [(k, f"{label}, {WORDS[k]}" if k in WORDS else label) for k, label in TASK_STATUS_CHOICES]
ENUMS = {("task", "tasktypeenum_guid"): ("methods", METHODS), ("task", "status_guid"): ("status", STATUSES)}
USED = {"taskname", "organisation_guid", "hazard_guid", "tasktypeenum_guid", "status_guid", "startdate", "enddate"}
PLAN = ("planned_start", "planned_end", "methods", "notes")


def steps(current: str, wanted: str) -> list[str] | None:
    """The statuses a task passes through from `current` to `wanted` (TRANSITIONS); None: unreachable."""
    paths: dict[str, list[str]] = {current: []}
    queue = [current]
    while queue:
        status = queue.pop(0)
        if status == wanted:
            return paths[status]
        for following in TRANSITIONS[status]:
            if following not in paths:
                paths[following] = [*paths[status], following]
                queue.append(following)
    return None


def _link(run: Run, table: str, row: dict, column: str, what: str):
    guid = row.get(column)
    found = run.target(table, guid)
    if found is None:
        why = f"{column} {guid}: that {what} did not migrate" if guid else f"{column} is empty"
        raise Refuse("missing-link", f"{why}; a task can't exist without its {what}")
    return found


def _aware(value) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return timezone.make_aware(value, dt.UTC) if timezone.is_naive(value) else value


def migrate(run: Run, table: str) -> None:
    key, local = schema.key(table), schema.localid(table)

    def build(row: dict) -> dict:
        organisation = _link(run, "organisation", row, "organisation_guid", "organisation")
        hazard = _link(run, "hazard", row, "hazard_guid", "hazard")
        method = run.enum(table, "tasktypeenum_guid", row.get("tasktypeenum_guid"), METHODS)
        required(method, table, "tasktypeenum_guid", "method")
        start = required(day(row.get("startdate")), table, "startdate", "start date")
        return {
            "organisation": organisation.acronym,
            "hazards": [hazard.code],
            "methods": [method],
            "planned_start": start,
            "planned_end": day(row.get("enddate")) or start,
            "notes": (row.get("taskname") or "").strip(),
            "status": run.enum(table, "status_guid", row.get("status_guid"), STATUSES, default="issued"),
            "source_attributes": run.attributes(table, row, USED),
        }

    def walk(task: Task, wanted: str, row: dict) -> Task:
        path = steps(task.status, wanted)
        if path is None:
            raise Refuse("no-update", f"status: a task that is {task.status} can't become {wanted} in SafeGround")
        for status in path:
            when = row.get("enddate") if status in ("completed", "cancelled") else row.get("startdate")
            task = services.change_status(
                task,
                status,
                reason=f"{status.replace('_', ' ')} in IMSMA NG" if status in NEEDS_REASON else "",
                user=run.user,
                at=_aware(when or row.get("dataentrydate")),
            )
        return task

    def create(values: dict, row: dict) -> Task:
        issued = Task.objects.filter(source_id=row[key]).first()
        if issued is not None:  # its trace lost it when a change was refused: never issued twice
            raise Refuse("no-update", f"issued as {issued.code} by an earlier run; its change in NG was refused")
        task = services.issue_task(
            organisation=values["organisation"],
            hazards=values["hazards"],
            methods=values["methods"],
            planned_start=values["planned_start"],
            planned_end=values["planned_end"],
            notes=values["notes"],
            user=run.user,
            reason=f"migrated from IMSMA NG ({row.get(local) or row[key]})"[:100],
            source_id=row[key],
            source_attributes=values["source_attributes"],
            past=True,
        )
        return walk(task, values["status"], row)

    def update(task: Task, values: dict, row: dict) -> Task:
        if task.organisation.acronym != values["organisation"] or sorted(h.code for h in task.hazards.all()) != sorted(
            values["hazards"]
        ):
            raise Refuse("no-update", "organisation or hazard changed in NG: a task keeps those it was issued with")
        changes = {k: values[k] for k in PLAN if getattr(task, k) != values[k]}
        if changes:
            task = services.update_task(
                task,
                user=run.user,
                reason=f"changed in IMSMA NG ({row.get(local) or row[key]})"[:100],
                **changes,
            )
        if task.status != values["status"]:
            task = walk(task, values["status"], row)
        return task

    run.each(table, run.rows(table), build=build, create=create, update=update)
