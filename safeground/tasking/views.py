"""Tasking pages: the task list with plan against actual per organisation and province, a task's page
(accept or decline, start, complete, cancel, link activities, change the plan), the issue form, the
priorities ranking with its weights and kept snapshots, and development requests.

Every write goes through `tasking.services`, as the API and the CLI do; a refused change comes back
as a form error naming the field (422), a change made to an older version as 409.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.gazetteer.queries import country_choices
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.operations.models import Activity
from safeground.organisations.models import ACCREDITATION_METHODS, Organisation
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.tasking import priorities, queries, services
from safeground.tasking.models import (
    DEVELOPMENT_PURPOSE_CHOICES,
    DEVELOPMENT_STATUS_CHOICES,
    OPERATOR_MOVES,
    PRIORITY_CHOICES,
    TASK_STATUS_CHOICES,
    TRANSITIONS,
    PrioritySnapshot,
)

RANKED_SHOWN = 50


def _labels(choices) -> dict[str, str]:
    return {k: _(v) for k, v in choices}


def _country(request: HttpRequest, default_first: bool = False) -> tuple[str | None, list]:
    choices = country_choices()
    value = (request.GET.get("country") or request.POST.get("country") or "").strip().upper()
    names = dict(choices)
    if value in names:
        return value, choices
    return (choices[0][0] if default_first and choices else None), choices


def _country_links(request: HttpRequest, country: str | None, choices, all_link: bool = True) -> list[dict]:
    links = [{"label": _("All"), "url": request.path, "current": country is None}] if all_link else []
    return links + [
        {"label": str(name), "url": f"{request.path}?country={code}", "current": country == code}
        for code, name in choices
    ]


def _number(value: str, field: str, kind=float):
    value = (value or "").strip().replace(",", "")
    if value == "":
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValidationFailed(
            _("%(field)s must be a number; got %(value)s") % {"field": field, "value": repr(value)}, field=field
        ) from None


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _stale(exc: StaleVersion) -> str:
    return _(
        "Someone else changed this since you opened the page; it is now at version %(version)s. "
        "Check it and apply your change again."
    ) % {"version": exc.current}


# --- task list ------------------------------------------------------------------------------------


@page("tasking.view_task")
def task_list(request: HttpRequest) -> HttpResponse:
    country, choices = _country(request)
    status = request.GET.get("status", "").strip()
    if status and status != "open" and status not in dict(TASK_STATUS_CHOICES):
        status = ""
    rows = queries.tasks(request.user, country=country, status=status or None)
    listed = list(rows[:200])
    done = queries.actuals([t.pk for t in listed])
    statuses = _labels(TASK_STATUS_CHOICES)
    priorities_ = _labels(PRIORITY_CHOICES)
    tasks = []
    for t in listed:
        p = queries.task_properties(t, done.get(t.pk, {}))
        p["status_label"] = statuses[t.status]
        p["priority_label"] = priorities_[t.priority]
        p["bar"] = min(100.0, p["area_percent"] or 0.0)
        tasks.append(p)
    all_rows = queries.tasks(request.user, country=country)
    by_org = queries.aggregate(all_rows, "organisation")
    by_province = queries.aggregate(all_rows, "province")
    for g in by_org + by_province:
        g["bar"] = min(100.0, g["area_percent"] or 0.0)
    status_links = [
        {"key": "", "label": _("All"), "current": not status},
        {"key": "open", "label": _("Open"), "current": status == "open"},
    ]
    status_links += [{"key": k, "label": v, "current": status == k} for k, v in statuses.items()]
    context = {
        "country": country,
        "country_links": _country_links(request, country, choices),
        "status_links": status_links,
        "status": status,
        "tasks": tasks,
        "count": rows.count(),
        "by_org": by_org,
        "by_province": by_province,
        "scoped": is_scoped(request.user),
        "can_issue": request.user.has_perm("tasking.add_task"),
    }
    return render(request, "tasking/list.html", context)


# --- issue form -----------------------------------------------------------------------------------


@page("tasking.add_task")
def task_new(request: HttpRequest) -> HttpResponse:
    """The issue form; `?hazards=CODE&hazards=CODE` preselects hazards (from the priorities page)."""
    error, status = "", 200
    form: dict = {
        "hazards": " ".join(request.GET.getlist("hazards")),
        "organisation": "",
        "methods": [],
        "priority": "high" if request.GET.getlist("hazards") else "medium",
        "planned_start": "",
        "planned_end": "",
        "planned_area_m2": "",
        "funding_source": "",
        "budget_amount": "",
        "budget_currency": "USD",
        "notes": "",
    }
    if request.method == "POST":
        post = request.POST
        form = {k: post.get(k, "").strip() for k in form if k != "methods"}
        form["methods"] = post.getlist("methods")
        try:
            task = services.issue_task(
                organisation=form["organisation"],
                hazards=form["hazards"].replace(",", " ").split(),
                methods=form["methods"],
                priority=form["priority"],
                planned_start=form["planned_start"],
                planned_end=form["planned_end"],
                planned_area_m2=_number(form["planned_area_m2"], "planned_area_m2"),
                funding_source=form["funding_source"],
                budget_amount=form["budget_amount"] or None,
                budget_currency=form["budget_currency"] if form["budget_amount"] else "",
                notes=form["notes"],
                user=request.user,
            )
            messages.success(
                request,
                _("Task %(code)s issued to %(organisation)s.")
                % {"code": task.code, "organisation": task.organisation.acronym},
            )
            return redirect("task-detail", code=task.code)
        except ValidationFailed as exc:
            error, status = str(exc), 422
    codes = form["hazards"].replace(",", " ").split()
    chosen = list(Hazard.objects.filter(code__in=codes).values("code", "name", "hazard_class", "area_m2", "country"))
    countries = {h["country"] for h in chosen}
    organisations = (
        Organisation.objects.filter(is_active=True).exclude(kind__in=services.NOT_TASKED).order_by("country", "acronym")
    )
    if len(countries) == 1:
        organisations = organisations.filter(country__in=countries)
    context = {
        "form": form,
        "error": error,
        "chosen": chosen,
        "organisations": organisations,
        "methods": _labels(ACCREDITATION_METHODS).items(),
        "priorities": _labels(PRIORITY_CHOICES).items(),
    }
    return render(request, "tasking/new.html", context, status=status)


# --- one task -------------------------------------------------------------------------------------


def _may_respond(request: HttpRequest, task) -> bool:
    """Whether the user may act on this task: the national authority, or the task's own operator."""
    user = request.user
    if not user.has_perm("tasking.respond_task"):
        return False
    return not is_scoped(user) or task.organisation_id in organisation_ids(user)


def _moves(request: HttpRequest, task) -> list[dict]:
    """The status changes this user may make to this task now."""
    if not _may_respond(request, task):
        return []
    scoped = is_scoped(request.user)
    labels = {
        "accepted": _("Accept"),
        "declined": _("Decline"),
        "in_progress": _("Start work"),
        "completed": _("Mark completed"),
        "cancelled": _("Cancel the task"),
    }
    out = []
    for status in TRANSITIONS[task.status]:
        if scoped and status not in OPERATOR_MOVES:
            continue
        out.append({"status": status, "label": labels[status], "needs_reason": status in ("declined", "cancelled")})
    return out


@page("tasking.view_task")
def task_detail(request: HttpRequest, code: str) -> HttpResponse:
    task = queries.tasks(request.user).filter(code=code).first()
    if task is None:
        raise Http404(_("No such task."))
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "status":
                if not request.user.has_perm("tasking.respond_task"):
                    raise PermissionDenied("this needs the permission tasking.respond_task")
                services.change_status(
                    task,
                    request.POST.get("status", ""),
                    reason=request.POST.get("reason", ""),
                    user=request.user,
                    expected_version=_version(request),
                )
                messages.success(request, _("Task %(code)s updated.") % {"code": task.code})
            elif action == "link":
                if not request.user.has_perm("tasking.respond_task"):
                    raise PermissionDenied("this needs the permission tasking.respond_task")
                services.link_activities(
                    task,
                    request.POST.get("activities", "").replace(",", " ").split(),
                    user=request.user,
                    expected_version=_version(request),
                )
                messages.success(request, _("Activities linked to %(code)s.") % {"code": task.code})
            elif action == "plan":
                if not request.user.has_perm("tasking.change_task"):
                    raise PermissionDenied("this needs the permission tasking.change_task")
                post = request.POST
                services.update_task(
                    task,
                    user=request.user,
                    expected_version=_version(request),
                    priority=post.get("priority", task.priority),
                    planned_start=post.get("planned_start", ""),
                    planned_end=post.get("planned_end", ""),
                    planned_area_m2=_number(post.get("planned_area_m2", ""), "planned_area_m2"),
                )
                messages.success(request, _("The plan of %(code)s was changed.") % {"code": task.code})
            else:
                raise ValidationFailed(_("unknown action %(action)s") % {"action": repr(action)}, field="action")
            return redirect("task-detail", code=task.code)
        except StaleVersion as exc:
            error, status = _stale(exc), 409
        except ValidationFailed as exc:
            error, status = str(exc), 422
        task = queries.tasks(request.user).filter(code=code).first()
    p = queries.task_properties(task)
    statuses = _labels(TASK_STATUS_CHOICES)
    history = {
        h.version: {
            "at": h.history_date,
            "status": statuses.get(h.status, h.status),
            "by": h.history_user.get_username() if h.history_user else "",
            "reason": h.history_change_reason or "",
            "version": h.version,
        }
        # One row per version: a change of the hazard or activity links writes a row of its own.
        for h in task.history.select_related("history_user").order_by("history_date")
    }
    if task.batch_id and 1 not in history:  # written in bulk (an import, the demo): its batch says when and who
        batch = task.batch
        history = {
            0: {
                "at": batch.created_at,
                "status": _("Written in bulk"),
                "by": batch.user.get_username() if batch.user else "",
                "reason": batch.source,
                "version": 1,
            },
            **history,
        }
    bars = []
    largest = max(p["planned_area_m2"], p["released_m2"], 1.0)
    for key, label, value in (
        ("planned", _("Planned"), p["planned_area_m2"]),
        ("cleared", _("Cleared"), p["cleared_m2"]),
        ("reduced", _("Reduced"), p["reduced_m2"]),
        ("cancelled", _("Cancelled"), p["cancelled_m2"]),
    ):
        bars.append({"key": key, "label": label, "value": value, "width": round(100 * value / largest, 2)})
    hazards = list(task.hazards.values("code", "name", "hazard_class", "status", "area_m2").order_by("code"))
    types, activity_statuses = _labels(Activity.TYPE_CHOICES), _labels(Activity.STATUS_CHOICES)
    activities = [
        {
            **a,
            "type_label": types.get(a["activity_type"], a["activity_type"]),
            "status_label": activity_statuses.get(a["status"], a["status"]),
        }
        for a in task.activities.values("code", "activity_type", "status", "start_date", "end_date").order_by("code")
    ]
    hazard_statuses = _labels(Hazard.STATUS_CHOICES)
    for h in hazards:
        h["status_label"] = hazard_statuses.get(h["status"], h["status"])
    context = {
        "task": task,
        "p": p,
        "status_label": statuses[task.status],
        "priority_label": _labels(PRIORITY_CHOICES)[task.priority],
        "methods": [_labels(ACCREDITATION_METHODS).get(m, m) for m in task.methods],
        "bars": bars,
        "hazards": hazards,
        "activities": activities,
        "history": list(history.values()),
        "moves": _moves(request, task),
        "can_link": _may_respond(request, task) and task.status not in ("declined", "cancelled"),
        "can_plan": request.user.has_perm("tasking.change_task")
        and task.status in ("issued", "accepted", "in_progress"),
        "priorities": _labels(PRIORITY_CHOICES).items(),
        "error": error,
    }
    return render(request, "tasking/detail.html", context, status=status)


# --- priorities -----------------------------------------------------------------------------------


def _criteria() -> list[dict]:
    return [{"key": k, "label": _(label)} for k, label in priorities.CRITERIA]


def _ranked_rows(rows: list[dict], weights: dict) -> list[dict]:
    """Each row with one bar per criterion: its contribution as a share of the largest possible (its weight)."""
    total = sum(weights.get(k, 0.0) for k in priorities.KEYS) or 1.0
    types = _labels(CONTAMINATION_CHOICES)
    out = []
    for r in rows:
        cells = []
        x = 0.0
        stack = []
        for k in priorities.KEYS:
            c = r["contributions"][k]
            share = weights.get(k, 0.0) / total
            cells.append(
                {
                    "key": k,
                    "raw": r["raw"][k],
                    "normalised": r["normalised"][k],
                    "contribution": c,
                    "width": round(100 * r["normalised"][k], 2) if share else 0.0,
                    "weighted": share > 0,
                }
            )
            stack.append({"key": k, "x": round(100 * x, 3), "width": round(100 * c, 3)})
            x += c
        out.append(
            {
                **r,
                "cells": cells,
                "stack": stack,
                "type_label": types.get(r["contamination_type"], r["contamination_type"]),
                "score_percent": round(100 * r["score"], 1),
            }
        )
    return out


@page("tasking.view_priorityweights")
def priorities_page(request: HttpRequest) -> HttpResponse:
    country, choices = _country(request, default_first=True)
    if country is None:
        raise Http404(_("No programme yet."))
    error, status = "", 200
    record = queries.weights(country)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "weights":
                if not request.user.has_perm("tasking.change_priorityweights"):
                    raise PermissionDenied("this needs the permission tasking.change_priorityweights")
                post = request.POST
                weights = {k: _number(post.get(f"w-{k}", ""), f"weights.{k}") for k in priorities.KEYS}
                services.set_weights(
                    country,
                    weights={k: v for k, v in weights.items() if v is not None},
                    casualty_distance_m=_number(post.get("casualty_distance_m", ""), "casualty_distance_m"),
                    casualty_years=_number(post.get("casualty_years", ""), "casualty_years", int),
                    village_distance_m=_number(post.get("village_distance_m", ""), "village_distance_m"),
                    user=request.user,
                    expected_version=_version(request),
                )
                messages.success(request, _("Weights saved: the ranking below uses them."))
            elif action == "snapshot":
                if not request.user.has_perm("tasking.add_prioritysnapshot"):
                    raise PermissionDenied("this needs the permission tasking.add_prioritysnapshot")
                snap = services.take_snapshot(country, note=request.POST.get("note", ""), user=request.user)
                messages.success(request, _("Ranking kept as %(code)s.") % {"code": snap.code})
            else:
                raise ValidationFailed(_("unknown action %(action)s") % {"action": repr(action)}, field="action")
            return redirect(f"{reverse('priorities')}?country={country}")
        except StaleVersion as exc:
            error, status = _stale(exc), 409
        except ValidationFailed as exc:
            error, status = str(exc), 422
        record = queries.weights(country)
    ranking = queries.ranking(country, record)
    shown = ranking.rows[:RANKED_SHOWN]
    tasked = queries.tasked_hazards([r["code"] for r in shown])
    rows = _ranked_rows(shown, ranking.weights)
    for r in rows:
        r["tasks"] = tasked.get(r["code"], [])
    total = sum(ranking.weights.get(k, 0.0) for k in priorities.KEYS) or 1.0
    criteria = [
        {
            **c,
            "weight": ranking.weights.get(c["key"], 0.0),
            "share": round(100 * ranking.weights.get(c["key"], 0.0) / total, 1),
            "largest": ranking.maxima.get(c["key"], 0.0),
            "counted": c["key"] in priorities.COUNTED,
        }
        for c in _criteria()
    ]
    context = {
        "country": country,
        "country_links": _country_links(request, country, choices, all_link=False),
        "record": record,
        "criteria": criteria,
        "rows": rows,
        "count": len(ranking.rows),
        "shown": len(rows),
        "parameters": ranking.parameters,
        "snapshots": list(queries.snapshots(country)[:20]),
        "can_weigh": request.user.has_perm("tasking.change_priorityweights"),
        "can_snapshot": request.user.has_perm("tasking.add_prioritysnapshot"),
        "can_issue": request.user.has_perm("tasking.add_task"),
        "error": error,
    }
    return render(request, "tasking/priorities.html", context, status=status)


@page("tasking.view_prioritysnapshot")
def snapshot_detail(request: HttpRequest, code: str) -> HttpResponse:
    snap = PrioritySnapshot.objects.select_related("taken_by").filter(code=code).first()
    if snap is None:
        raise Http404(_("No such snapshot."))
    total = sum(snap.weights.get(k, 0.0) for k in priorities.KEYS) or 1.0
    criteria = [
        {
            **c,
            "weight": snap.weights.get(c["key"], 0.0),
            "share": round(100 * snap.weights.get(c["key"], 0.0) / total, 1),
            "largest": snap.maxima.get(c["key"], 0.0),
            "counted": c["key"] in priorities.COUNTED,
        }
        for c in _criteria()
    ]
    context = {
        "snap": snap,
        "criteria": criteria,
        "rows": _ranked_rows(snap.rows[:200], snap.weights),
        "count": len(snap.rows),
    }
    return render(request, "tasking/snapshot.html", context)


# --- development requests -------------------------------------------------------------------------


@page("tasking.view_developmentrequest")
def request_list(request: HttpRequest) -> HttpResponse:
    country, choices = _country(request)
    error, status = "", 200
    form: dict = {"requested_on": dt.date.today().isoformat(), "purpose": "road"}
    if request.method == "POST":
        if not request.user.has_perm("tasking.add_developmentrequest"):
            raise PermissionDenied("this needs the permission tasking.add_developmentrequest")
        post = request.POST
        form = {
            k: post.get(k, "").strip()
            for k in ("requester", "project", "purpose", "requested_on", "hazards", "notes", "country")
        }
        try:
            r = services.add_development_request(
                requester=form["requester"],
                project=form["project"],
                purpose=form["purpose"],
                requested_on=form["requested_on"],
                hazards=form["hazards"].replace(",", " ").split(),
                country=form["country"] or None,
                notes=form["notes"],
                user=request.user,
            )
            messages.success(request, _("Request %(code)s recorded.") % {"code": r.code})
            return redirect(f"{reverse('devrequest-list')}?country={r.country}")
        except ValidationFailed as exc:
            error, status = str(exc), 422
    purposes = _labels(DEVELOPMENT_PURPOSE_CHOICES)
    statuses = _labels(DEVELOPMENT_STATUS_CHOICES)
    rows = queries.development_requests(country=country)
    listed = [
        {
            **queries.development_request_properties(r),
            "purpose_label": purposes[r.purpose],
            "status_label": statuses[r.status],
        }
        for r in rows[:200]
    ]
    context = {
        "country": country,
        "countries": choices,
        "country_links": _country_links(request, country, choices),
        "requests": listed,
        "count": rows.count(),
        "form": form,
        "error": error,
        "purposes": purposes.items(),
        "can_add": request.user.has_perm("tasking.add_developmentrequest"),
    }
    return render(request, "tasking/requests.html", context, status=status)


@page("tasking.view_developmentrequest")
def request_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One development request: its hazards and status history; POST changes its status (with the version
    shown) through `services.set_development_request_status`, as the API's PATCH does."""
    r = get_object_or_404(queries.development_requests(), code=code)
    can_change = request.user.has_perm("tasking.change_developmentrequest")
    error, field, status, chosen = "", "", 200, r.status
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("this needs the permission tasking.change_developmentrequest")
        chosen = request.POST.get("status", "").strip()
        try:
            services.set_development_request_status(r, chosen, user=request.user, expected_version=_version(request))
            messages.success(request, _("Request %(code)s updated.") % {"code": r.code})
            return redirect("devrequest-detail", code=r.code)
        except StaleVersion as exc:
            error, status = _stale(exc), 409
            r.refresh_from_db()
        except ValidationFailed as exc:
            error, field, status = str(exc), exc.field or "", 422
            r.refresh_from_db()
    statuses = _labels(DEVELOPMENT_STATUS_CHOICES)
    context = {
        "r": r,
        "purpose_label": _labels(DEVELOPMENT_PURPOSE_CHOICES)[r.purpose],
        "status_label": statuses[r.status],
        "statuses": statuses.items(),
        "chosen": chosen,
        "hazards": r.hazards.order_by("code"),
        "history": [
            {**h, "label": statuses.get(h["status"], h["status"])}
            for h in queries.development_request_status_history(r)
        ],
        "can_change": can_change,
        "error": error,
        "field": field,
    }
    return render(request, "tasking/request.html", context, status=status)
