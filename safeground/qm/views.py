"""Quality management pages: the QA home (visits, open non-conformities, statistics, samples, hand-overs),
the visit form, one visit (its checklist, raise and close non-conformities) and the hand-over certificate.

Writes go through `qm.services`, as the CLI and the API do. Operators see their own organisation's
visits and non-conformities (read only); the QA and IM officers record them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.operations.models import METHOD_CHOICES, Activity
from safeground.organisations.models import ACCREDITATION_METHODS, Organisation, Team
from safeground.qm import queries, services
from safeground.qm.models import ChecklistAnswer, Handover, NonConformity, SamplingPlan, Visit

LATEST = 30
METHOD_LABELS = dict(METHOD_CHOICES)
ACCREDITATION_LABELS = dict(ACCREDITATION_METHODS)


def _labels(choices) -> list[tuple[str, str]]:
    return [(k, _(v)) for k, v in choices]


def _rate_rows(rows: list[dict], labels: dict | None = None) -> list[dict]:
    """Rows with a label and a bar width (percent of the largest rate) for the server-drawn SVG bars."""
    largest = max((r["per_visit"] or 0 for r in rows), default=0) or 1
    return [
        {
            **r,
            "label": _(labels[r["group"]]) if labels and r["group"] in labels else r["group"],
            "width": f"{100 * (r['per_visit'] or 0) / largest:.1f}",
        }
        for r in rows
    ]


def method_label(method: str) -> str:
    return _(ACCREDITATION_LABELS.get(method) or METHOD_LABELS.get(method) or method)


@page("qm.view_visit")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    stats = queries.statistics(user)
    severity_labels = dict(_labels(NonConformity.SEVERITY_CHOICES))
    context = {
        "visits": queries.visits(user)[:LATEST],
        "visit_count": queries.visits(user).count(),
        "open_ncs": queries.non_conformities(user, status="open")[:LATEST],
        "stats": stats,
        "by_organisation": _rate_rows(stats["by_organisation"]),
        "by_method": _rate_rows(stats["by_method"], METHOD_LABELS),
        "by_severity": [{**r, "label": severity_labels[r["group"]]} for r in stats["by_severity"]],
        "plans": queries.sampling_plans()[:LATEST],
        "handovers": queries.handovers()[:LATEST],
        "can_add": user.has_perm("qm.add_visit"),
        "can_plan": user.has_perm("qm.add_samplingplan"),
        "can_hand_over": user.has_perm("qm.add_handover"),
        "can_rule": user.has_perm("qm.change_samplingrule"),
        "can_review": user.has_perm("workbench.view_submission"),
    }
    return render(request, "qm/home.html", context)


def _form_choices() -> dict:
    return {
        "types": _labels(Visit.TYPE_CHOICES),
        "organisations": Organisation.objects.filter(is_active=True).order_by("acronym"),
        "activities": Activity.objects.filter(status__in=("planned", "ongoing", "suspended"))
        .select_related("organisation")
        .order_by("code")[:500],
        "teams": Team.objects.select_related("organisation").order_by("code")[:1000],
        "template": services.default_template(),
        "answer_choices": _labels(ChecklistAnswer.ANSWER_CHOICES),
    }


@page("qm.add_visit")
def visit_new(request: HttpRequest) -> HttpResponse:
    """The visit form: what was visited, by whom, and the checklist's answers."""
    error, field, status = "", "", 200
    form: dict = {"visit_type": "monitoring", "visited_on": dt.date.today().isoformat()}
    choices = _form_choices()
    if request.method == "POST":
        keys = (
            "visit_type",
            "activity",
            "product",
            "team",
            "inspecting_organisation",
            "visited_on",
            "inspector",
            "findings",
        )
        form = {k: request.POST.get(k, "").strip() for k in keys}
        template = choices["template"]
        answers = []
        for item in template.items.all() if template else []:
            answer = request.POST.get(f"answer-{item.key}", "").strip()
            if answer:
                answers.append(
                    {"item": item.key, "answer": answer, "remark": request.POST.get(f"remark-{item.key}", "")}
                )
        form["answers"] = {a["item"]: a for a in answers}
        try:
            visit = services.record_visit(
                visit_type=form["visit_type"],
                activity=form["activity"] or None,
                product=form["product"] or None,
                team=form["team"] or None,
                inspecting_organisation=form["inspecting_organisation"] or None,
                visited_on=form["visited_on"],
                inspector=form["inspector"],
                findings=form["findings"],
                template=template,
                answers=answers,
                user=request.user,
            )
            messages.success(request, _("Visit %(code)s recorded.") % {"code": visit.code})
            return redirect("qm-visit", code=visit.code)
        except ValidationFailed as exc:
            error, field, status = str(exc), exc.field or "", 422
    items = []
    template = choices["template"]
    for item in template.items.all() if template else []:
        given = form.get("answers", {}).get(item.key, {})
        items.append({"item": item, "answer": given.get("answer", ""), "remark": given.get("remark", "")})
    context = {**choices, "form": form, "error": error, "field": field, "items": items}
    return render(request, "qm/visit_form.html", context, status=status)


def _act(request, visit: Visit, action: str) -> str:
    if action == "raise":
        if not request.user.has_perm("qm.add_nonconformity"):
            raise PermissionDenied("this needs the permission qm.add_nonconformity")
        nc = services.raise_non_conformity(
            visit,
            category=request.POST.get("category", ""),
            severity=request.POST.get("severity", ""),
            description=request.POST.get("description", ""),
            corrective_action=request.POST.get("corrective_action", ""),
            due_on=request.POST.get("due_on", "").strip() or None,
            suspends=request.POST.get("suspends", "").strip(),
            method=request.POST.get("method", "").strip(),
            user=request.user,
        )
        return _("Non-conformity %(code)s raised.") % {"code": nc.code}
    if action == "close":
        if not request.user.has_perm("qm.change_nonconformity"):
            raise PermissionDenied("this needs the permission qm.change_nonconformity")
        nc = visit.non_conformities.filter(code=request.POST.get("nc", "")).first()
        if nc is None:
            raise ValidationFailed(_("no such non-conformity on this visit"), field="nc", reason="unknown")
        version = request.POST.get("version", "")
        services.close_non_conformity(
            nc,
            evidence=request.POST.get("evidence", ""),
            closed_by=request.POST.get("closed_by", ""),
            closed_on=request.POST.get("closed_on", "").strip() or None,
            expected_version=int(version) if version.isdigit() else None,
            user=request.user,
        )
        return _("Non-conformity %(code)s closed.") % {"code": nc.code}
    raise ValidationFailed(_("unknown action"), field="action", reason="unknown")


@page("qm.view_visit")
def visit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One visit; POST `action` = raise (a non-conformity) or close (one, with its evidence)."""
    visit = queries.visit(request.user, code)
    if visit is None:
        raise Http404(_("No such visit."))
    error, field, status, kept = "", "", 200, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(request, visit, action)
            messages.success(request, done)
            return redirect("qm-visit", code=visit.code)
        except StaleVersion:
            error, status = _("Someone else changed this non-conformity since you opened the page: reload it."), 412
        except ValidationFailed as exc:
            error, field, status = str(exc), exc.field or "", 422
            kept = {**request.POST.dict(), "action": action}
    context = {
        "visit": visit,
        "checklist": queries.answers(visit),
        "ncs": [
            {"nc": n, "method_label": method_label(n.method) if n.method else ""}
            for n in visit.non_conformities.select_related("owner").order_by("raised_on", "code")
        ],
        "plans": visit.sampling_plans.all(),
        "categories": _labels(NonConformity.CATEGORY_CHOICES),
        "severities": _labels(NonConformity.SEVERITY_CHOICES),
        "answer_labels": dict(_labels(ChecklistAnswer.ANSWER_CHOICES)),
        "can_raise": request.user.has_perm("qm.add_nonconformity"),
        "can_close": request.user.has_perm("qm.change_nonconformity"),
        "error": error,
        "field": field,
        "kept": kept,
        "today": dt.date.today().isoformat(),
    }
    return render(request, "qm/visit.html", context, status=status)


@page("qm.view_handover")
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The printable hand-over certificate (IMAS 08.30): a page with a print stylesheet."""
    handover = get_object_or_404(Handover.objects.select_related("handed_over_by"), code=code)
    context = {
        "h": handover,
        "props": queries.handover_properties(handover),
        "products": handover.products.order_by("code"),
    }
    return render(request, "qm/certificate.html", context)


# --- forms for the writes the CLI and API already had: hand-over, QC sampling, sampling rules ----------


def _field(exc: ValidationFailed) -> str:
    """The form field a refusal names: `products[1]` is the products box."""
    return (exc.field or "").split("[", 1)[0]


def _int(value: str, field: str) -> int | None:
    value = (value or "").strip()
    if value == "":
        return None
    if not value.isdigit():
        raise ValidationFailed(
            _("%(field)s must be a whole number of 0 or more") % {"field": field}, field=field, reason="type"
        )
    return int(value)


def _float(value: str, field: str) -> float | None:
    value = (value or "").strip().replace(",", "")
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise ValidationFailed(_("%(field)s must be a number") % {"field": field}, field=field, reason="type") from None


@page("qm.add_handover")
def handover_new(request: HttpRequest) -> HttpResponse:
    """Record a hand-over (IMAS 08.30) through `services.record_handover`, then show its certificate."""
    error, field, status = "", "", 200
    form: dict = {"handed_over_on": dt.date.today().isoformat()}
    if request.method == "POST":
        keys = (
            "products",
            "handed_over_on",
            "handed_over_by",
            "received_by_name",
            "received_by_role",
            "community",
            "residual_risk",
            "witnesses",
        )
        form = {k: request.POST.get(k, "").strip() for k in keys}
        try:
            handover = services.record_handover(
                products=form["products"].replace(",", " ").split(),
                handed_over_on=form["handed_over_on"] or None,
                handed_over_by=form["handed_over_by"] or None,
                received_by_name=form["received_by_name"],
                received_by_role=form["received_by_role"],
                community=form["community"],
                residual_risk=form["residual_risk"],
                witnesses=form["witnesses"],
                user=request.user,
            )
            messages.success(request, _("Hand-over %(code)s recorded.") % {"code": handover.code})
            return redirect("qm-certificate", code=handover.code)
        except ValidationFailed as exc:
            error, field, status = str(exc), _field(exc), 422
    context = {
        "form": form,
        "error": error,
        "field": field,
        "organisations": Organisation.objects.filter(is_active=True).order_by("acronym"),
    }
    return render(request, "qm/handover_form.html", context, status=status)


@page("qm.add_samplingplan")
def sample_new(request: HttpRequest) -> HttpResponse:
    """Plan the QC sample of a released product (`services.plan_sample` applies its programme's rule)."""
    error, field, status = "", "", 200
    form: dict = {"product": request.GET.get("product", "").strip(), "planned_on": dt.date.today().isoformat()}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("product", "planned_on", "visit")}
        try:
            plan = services.plan_sample(
                form["product"] or None,
                planned_on=form["planned_on"] or None,
                visit=form["visit"] or None,
                user=request.user,
            )
            messages.success(request, _("QC sample %(code)s planned.") % {"code": plan.code})
            return redirect("qm-sample", code=plan.code)
        except ValidationFailed as exc:
            error, field, status = str(exc), _field(exc), 422
    context = {
        "form": form,
        "error": error,
        "field": field,
        "rules": [queries.rule_properties(r) for r in queries.sampling_rules().filter(enabled=True)],
    }
    return render(request, "qm/sample_form.html", context, status=status)


@page("qm.view_samplingplan")
def sample_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One QC sample; POST records its result (`services.record_sample_result`, with the version shown)."""
    plan = get_object_or_404(SamplingPlan.objects.select_related("product", "visit"), code=code)
    can_record = request.user.has_perm("qm.change_samplingplan")
    error, field, status, form = "", "", 200, {"result_on": dt.date.today().isoformat()}
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("this needs the permission qm.change_samplingplan")
        form = {k: request.POST.get(k, "").strip() for k in ("failed_units", "result_on", "searched_m2", "remarks")}
        version = request.POST.get("version", "")
        try:
            failed = _int(form["failed_units"], "failed_units")
            if failed is None:
                raise ValidationFailed(
                    _("%(field)s is required") % {"field": "failed_units"}, field="failed_units", reason="required"
                )
            plan = services.record_sample_result(
                plan,
                failed_units=failed,
                result_on=form["result_on"] or None,
                searched_m2=_float(form["searched_m2"], "searched_m2"),
                remarks=form["remarks"],
                expected_version=int(version) if version.isdigit() else None,
                user=request.user,
            )
            messages.success(request, _("Result of %(code)s recorded.") % {"code": plan.code})
            return redirect("qm-sample", code=plan.code)
        except StaleVersion:
            error, status = _("Someone else changed this sample since you opened the page: reload it."), 412
            plan.refresh_from_db()
        except ValidationFailed as exc:
            error, field, status = str(exc), _field(exc), 422
            plan.refresh_from_db()
    context = {
        "p": plan,
        "form": form,
        "error": error,
        "field": field,
        "can_record": can_record,
        "can_review": request.user.has_perm("workbench.view_submission"),
    }
    return render(request, "qm/sample.html", context, status=status)


@page("qm.change_samplingrule")
def sampling_rules(request: HttpRequest) -> HttpResponse:
    """Each programme's QC sampling option and rule; POST changes one (`services.set_sampling_rule`)."""
    from safeground.gazetteer.models import Programme

    error, field, status, kept = "", "", 200, {}
    if request.method == "POST":
        post = request.POST
        country = post.get("country", "").strip().upper()
        version = post.get("version", "")
        kept = {k: post.get(k, "").strip() for k in ("country", "unit_m2", "inspection_level", "acceptance_number")}
        kept["source"] = post.get("source", "").strip()
        kept["enabled"] = post.get("enabled") == "on"
        try:
            values: dict = {"enabled": kept["enabled"], "source": kept["source"]}
            unit = _float(kept["unit_m2"], "unit_m2")
            number = _int(kept["acceptance_number"], "acceptance_number")
            if unit is not None:
                values["unit_m2"] = unit
            if number is not None:
                values["acceptance_number"] = number
            if kept["inspection_level"]:
                values["inspection_level"] = kept["inspection_level"]
            services.set_sampling_rule(
                country,
                expected_version=int(version) if version.isdigit() else None,
                user=request.user,
                **values,
            )
            messages.success(request, _("Sampling rule of %(country)s saved.") % {"country": country})
            return redirect("qm-sampling-rules")
        except StaleVersion:
            error, field, status = _("Someone else changed this rule since you opened the page: reload it."), "", 412
        except ValidationFailed as exc:
            error, field, status = str(exc), _field(exc), 422
    rules = []
    for iso3 in Programme.objects.order_by("iso3").values_list("iso3", flat=True):
        rule = services.rule_for(iso3)
        mine = kept.get("country") == iso3
        rules.append({"rule": rule, "kept": kept if mine else None, "error": error if mine else "", "field": field})
    matched = any(r["kept"] for r in rules)
    context = {"rules": rules, "levels": list(services.LEVELS), "error": "" if matched else error}
    return render(request, "qm/sampling_rules.html", context, status=status)
