"""Every quality management write: visits and their checklists, non-conformities, QC sampling, hand-overs.

A critical non-conformity suspends what it names (the visited team, or the inspected organisation's
accreditation for a method) through `organisations.services.suspend`; the accreditation gate then
refuses that team or method, naming the non-conformity, until closing it lifts the suspension
(decision 0030). A failed QC sample proposes the product's area as a hazard in the review workbench,
for the IM officer to confirm.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.codes import next_code
from safeground.core.contracts import TEXT_MAX, check_choice, check_code, check_date, check_text
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.organisations import services as organisation_services
from safeground.organisations.models import Organisation, Team
from safeground.qm.models import (
    ChecklistAnswer,
    ChecklistItem,
    ChecklistTemplate,
    Handover,
    NonConformity,
    SamplingPlan,
    SamplingRule,
    Visit,
)
from safeground.workbench import services as workbench

VISIT_TYPES = dict(Visit.TYPE_CHOICES)
CATEGORIES = dict(NonConformity.CATEGORY_CHOICES)
SEVERITIES = dict(NonConformity.SEVERITY_CHOICES)
ANSWERS = dict(ChecklistAnswer.ANSWER_CHOICES)
LEVELS = dict(SamplingRule.LEVEL_CHOICES)
#: Days a non-conformity's owner has to correct it when the QA officer gives no due date.
DEFAULT_DUE_DAYS = {"critical": 7, "major": 14, "minor": 30}


# ------------------------------------------------------------------------------------------------
# Small checks
# ------------------------------------------------------------------------------------------------


def _choice(value: str, choices: dict, field: str) -> str:
    return check_choice(field, value, choices, reason="choice")


def _text(value, field: str, max_length: int = TEXT_MAX, required: bool = False) -> str:
    return check_text(field, value, max_length, required)


def _as_date(value, field: str):
    """A date given as text (YYYY-MM-DD) read as a date; anything else as it came."""
    if not isinstance(value, str):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationFailed(
            _("%(field)s must be a date YYYY-MM-DD; got %(value)r") % {"field": field, "value": value},
            field=field,
            reason="format",
        ) from exc


def _past(value, field: str, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
        return None
    value = _as_date(value, field)
    check_date(value, field)
    if value > timezone.localdate():
        raise ValidationFailed(
            _("%(field)s %(date)s is in the future") % {"field": field, "date": value.isoformat()},
            field=field,
            reason="future",
        )
    return value


def _required_past(value, field: str) -> dt.date:
    day = _past(value, field)
    assert day is not None  # required: _past refuses a missing value
    return day


def _planned(value, field: str) -> dt.date:
    value = _as_date(value, field)
    if value is None:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
    return check_date(value, field, planned=True)  # type: ignore[return-value]


def _lookup(model, key: str, value, field: str):
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    row = model.objects.filter(**{key: value}).first()
    if row is None:
        raise ValidationFailed(
            _("no %(what)s %(code)r") % {"what": _(model._meta.verbose_name), "code": value},
            field=field,
            reason="unknown",
        )
    return row


def _code(model, country: str, kind: str, code: str | None) -> str:
    check_code(code)
    if code:
        if model.objects.filter(code=code).exists():
            raise ValidationFailed(_("code %(code)s is taken") % {"code": code}, field="code", reason="duplicate")
        return code
    return next_code(model, country, kind)


# ------------------------------------------------------------------------------------------------
# Visits and checklists
# ------------------------------------------------------------------------------------------------


def default_template() -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.filter(is_default=True).order_by("name").first()


def _answers(template: ChecklistTemplate | None, answers) -> list[tuple[ChecklistItem, str, str]]:
    """Checked answers [(item, answer, remark)]; `answers` is a list of {item, answer, remark}."""
    if not answers:
        return []
    if template is None:
        raise ValidationFailed(_("answers need a checklist template"), field="template", reason="required")
    if not isinstance(answers, list):
        raise ValidationFailed(_("answers must be a list"), field="answers", reason="type")
    items = {i.key: i for i in template.items.all()}
    out, seen = [], set()
    for n, row in enumerate(answers):
        where = f"answers[{n}]"
        if not isinstance(row, dict):
            raise ValidationFailed(_("%(field)s must be an object") % {"field": where}, field=where, reason="type")
        key = str(row.get("item", ""))
        if key not in items:
            raise ValidationFailed(
                _("%(field)s: %(template)s has no item %(item)r")
                % {"field": f"{where}.item", "template": template.key, "item": key},
                field=f"{where}.item",
                reason="unknown",
            )
        if key in seen:
            raise ValidationFailed(
                _("%(field)s: item %(item)s is answered twice") % {"field": f"{where}.item", "item": key},
                field=f"{where}.item",
                reason="duplicate",
            )
        seen.add(key)
        answer = _choice(str(row.get("answer", "")), ANSWERS, f"{where}.answer")
        remark = _text(row.get("remark"), f"{where}.remark", 500)
        out.append((items[key], answer, remark))
    return out


def _write_answers(visit: Visit, checked: list) -> None:
    for item, answer, remark in checked:
        ChecklistAnswer.objects.update_or_create(visit=visit, item=item, defaults={"answer": answer, "remark": remark})


@transaction.atomic
def record_visit(
    *,
    visit_type: str,
    inspecting_organisation,
    visited_on,
    inspector: str,
    activity=None,
    product=None,
    team=None,
    inspected_organisation=None,
    findings: str = "",
    template=None,
    answers=None,
    code: str | None = None,
    user=None,
    source_id: str | None = None,
    source_attributes: dict | None = None,
    reason: str | None = None,
) -> Visit:
    """Record a QA/QC visit to an activity or a product (codes or rows), with its checklist answers.
    `source_id`, `source_attributes` and the history `reason`: an import's or a migration's provenance."""
    _choice(visit_type, VISIT_TYPES, "visit_type")
    activity = _lookup(Activity, "code", activity, "activity")
    product = _lookup(Product, "code", product, "product")
    if activity is None and product is None:
        raise ValidationFailed(_("name the activity or the product visited"), field="activity", reason="required")
    if product is not None and activity is not None and product.activity_id != activity.pk:
        raise ValidationFailed(
            _("product %(product)s is not a product of %(activity)s")
            % {"product": product.code, "activity": activity.code},
            field="product",
            reason="mismatch",
        )
    work = activity or product.activity
    inspecting = _lookup(Organisation, "acronym", inspecting_organisation, "inspecting_organisation")
    if inspecting is None:
        raise ValidationFailed(
            _("%(field)s is required") % {"field": "inspecting_organisation"},
            field="inspecting_organisation",
            reason="required",
        )
    inspected = _lookup(Organisation, "acronym", inspected_organisation, "inspected_organisation") or work.organisation
    team = _lookup(Team, "code", team, "team")
    if team is not None and team.organisation_id != inspected.pk:
        raise ValidationFailed(
            _("team %(team)s belongs to %(org)s, not to the inspected %(inspected)s")
            % {"team": team.code, "org": team.organisation.acronym, "inspected": inspected.acronym},
            field="team",
            reason="mismatch",
        )
    template = _lookup(ChecklistTemplate, "key", template, "template")
    if template is None and answers:
        template = default_template()
    checked = _answers(template, answers)
    visit = Visit(
        code=_code(Visit, work.country, "QMV", code),
        visit_type=visit_type,
        country=work.country,
        activity=activity,
        product=product,
        team=team,
        inspecting_organisation=inspecting,
        inspected_organisation=inspected,
        visited_on=_required_past(visited_on, "visited_on"),
        inspector=_text(inspector, "inspector", 150, required=True),
        findings=_text(findings, "findings"),
        template=template,
        source_id=source_id or None,
        source_attributes=source_attributes or None,
    )
    if user is not None or reason:
        record_author(visit, user, reason[:100] if reason else None)
    visit.save()
    _write_answers(visit, checked)
    return visit


@transaction.atomic
def update_visit(
    visit: Visit, *, expected_version: int | None = None, user=None, reason: str | None = None, **changes
) -> Visit:
    """Change a visit's findings, inspector or checklist answers (others stay as they are); a migration
    also its `source_attributes`, with the history `reason`."""
    unknown = set(changes) - {"findings", "inspector", "answers", "source_attributes"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(_("%(field)s cannot be changed") % {"field": name}, field=name, reason="unknown")
    versions.lock(visit, expected_version, f"visit {visit.code}")
    checked = _answers(visit.template or default_template(), changes.get("answers"))
    if checked and visit.template is None:
        visit.template = default_template()
    if "findings" in changes:
        visit.findings = _text(changes["findings"], "findings")
    if "inspector" in changes:
        visit.inspector = _text(changes["inspector"], "inspector", 150, required=True)
    if "source_attributes" in changes:
        visit.source_attributes = changes["source_attributes"] or None
    if user is not None or reason:
        record_author(visit, user, reason[:100] if reason else None)
    visit.save()
    _write_answers(visit, checked)
    return visit


# ------------------------------------------------------------------------------------------------
# Non-conformities
# ------------------------------------------------------------------------------------------------


def _suspension_target(visit: Visit, suspends: str, method: str) -> tuple[str, str]:
    """What a critical non-conformity suspends: the visited team, or the inspected organisation for a method."""
    work = visit.activity or (visit.product.activity if visit.product else None)
    methods = list(work.methods or []) if work else []
    if not suspends:
        suspends = "team" if visit.team_id else "method"
    if suspends == "team":
        if not visit.team_id:
            raise ValidationFailed(
                _("%(visit)s names no team: a critical non-conformity then suspends a method; name it")
                % {"visit": visit.code},
                field="suspends",
                reason="no_team",
            )
        return "team", ""
    _choice(suspends, {"team": 1, "method": 1}, "suspends")
    if not method and len(methods) == 1:
        method = methods[0]
    method = organisation_services.ACCREDITATION_FOR.get(method, method)
    if method not in organisation_services.METHOD_LABELS:
        raise ValidationFailed(
            _("name the method whose accreditation is suspended: one of %(choices)s")
            % {"choices": ", ".join(organisation_services.METHOD_LABELS)},
            field="method",
            reason="required",
        )
    return "method", method


@transaction.atomic
def raise_non_conformity(
    visit: Visit,
    *,
    category: str,
    severity: str,
    description: str,
    corrective_action: str = "",
    owner=None,
    due_on=None,
    raised_on=None,
    suspends: str = "",
    method: str = "",
    code: str | None = None,
    user=None,
) -> NonConformity:
    """Raise a non-conformity found on `visit`. A critical one suspends the team (or the organisation's
    accreditation for a method) from the day it is raised until it is closed."""
    _choice(category, CATEGORIES, "category")
    _choice(severity, SEVERITIES, "severity")
    description = _text(description, "description", required=True)
    owner_row = _lookup(Organisation, "acronym", owner, "owner") or visit.inspected_organisation
    raised = _past(raised_on, "raised_on", required=False) or visit.visited_on
    if raised < visit.visited_on:
        raise ValidationFailed(
            _("raised_on %(date)s is before the visit (%(visit)s)")
            % {"date": raised.isoformat(), "visit": visit.visited_on.isoformat()},
            field="raised_on",
            reason="before_visit",
        )
    due = _planned(due_on, "due_on") if due_on not in (None, "") else raised + dt.timedelta(DEFAULT_DUE_DAYS[severity])
    if due < raised:
        raise ValidationFailed(
            _("due_on %(due)s is before raised_on %(raised)s") % {"due": due.isoformat(), "raised": raised.isoformat()},
            field="due_on",
            reason="dates_reversed",
        )
    target, suspended_method = ("", "")
    if severity == "critical":
        target, suspended_method = _suspension_target(visit, suspends, method)
    nc = NonConformity(
        code=_code(NonConformity, visit.country, "NC", code),
        visit=visit,
        category=category,
        severity=severity,
        description=description,
        corrective_action=_text(corrective_action, "corrective_action"),
        owner=owner_row,
        raised_on=raised,
        due_on=due,
        suspends=target,
        method=suspended_method,
    )
    if user is not None:
        record_author(nc, user)
    nc.save()
    if target == "team":
        organisation_services.suspend(
            reference=nc.code,
            reason=f"critical non-conformity: {description[:200]}",
            on=raised,
            team=visit.team,
            user=user,
        )
    elif target == "method":
        organisation_services.suspend(
            reference=nc.code,
            reason=f"critical non-conformity: {description[:200]}",
            on=raised,
            organisation=visit.inspected_organisation,
            method=suspended_method,
            user=user,
        )
    return nc


@transaction.atomic
def close_non_conformity(
    nc: NonConformity, *, evidence: str, closed_by: str, closed_on=None, expected_version: int | None = None, user=None
) -> NonConformity:
    """Close a non-conformity with the evidence of its correction; a critical one's suspension is lifted."""
    versions.lock(nc, expected_version, f"non-conformity {nc.code}")
    if nc.status == "closed":
        raise ValidationFailed(
            _("%(code)s was already closed on %(date)s") % {"code": nc.code, "date": str(nc.closed_on)},
            field="status",
            reason="closed",
        )
    evidence = _text(evidence, "evidence", required=True)
    closed_by = _text(closed_by, "closed_by", 150, required=True)
    on = _past(closed_on, "closed_on", required=False) or timezone.localdate()
    if on < nc.raised_on:
        raise ValidationFailed(
            _("closed_on %(date)s is before the non-conformity was raised (%(raised)s)")
            % {"date": on.isoformat(), "raised": nc.raised_on.isoformat()},
            field="closed_on",
            reason="before_raised",
        )
    nc.status, nc.closed_on, nc.closure_evidence, nc.closed_by = "closed", on, evidence, closed_by
    if user is not None:
        record_author(nc, user)
    nc.save()
    if nc.suspends:
        organisation_services.lift(nc.code, on, reason=f"closed: {evidence[:200]}", user=user)
    return nc


# ------------------------------------------------------------------------------------------------
# QC sampling (ISO 2859-1 single sampling over a product split into sample units)
# ------------------------------------------------------------------------------------------------

#: ISO 2859-1 Table 1: lot size → sample size code letter at general inspection levels I, II, III.
CODE_LETTERS = [
    (8, "AAB"),
    (15, "ABC"),
    (25, "BCD"),
    (50, "CDE"),
    (90, "CEF"),
    (150, "DFG"),
    (280, "EGH"),
    (500, "FHJ"),
    (1200, "GJK"),
    (3200, "HKL"),
    (10000, "JLM"),
    (35000, "KMN"),
    (150000, "LNP"),
    (500000, "MPQ"),
    (math.inf, "NQR"),
]
#: ISO 2859-1 Table 2-A: the sample size of each code letter.
SAMPLE_SIZES = dict(
    zip("ABCDEFGHJKLMNPQR", [2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000], strict=True)
)
DEFAULT_RULE_SOURCE = (
    "Default: ISO 2859-1 single sampling, general inspection level II, 100 m² units, acceptance number 0 "
    "(the sampling the withdrawn IMAS 09.20 described; no device is accepted in released land, IMAS 09.10)"
)


def sample_size(lot_units: int, level: str = "II") -> tuple[str, int]:
    """(code letter, sample units) for a lot of `lot_units` units; never more units than the lot holds."""
    column = "I II III".split().index(_choice(level, LEVELS, "inspection_level"))
    letters = next(letters for most, letters in CODE_LETTERS if lot_units <= most)
    letter = letters[column]
    return letter, min(SAMPLE_SIZES[letter], max(lot_units, 1))


def rule_for(country: str) -> SamplingRule:
    """The programme's stored rule, or the default (sampling off) as an unsaved row with version 0."""
    rule = SamplingRule.objects.filter(country=country).first()
    if rule is None:
        rule = SamplingRule(country=country, source=DEFAULT_RULE_SOURCE, version=0)
    return rule


@transaction.atomic
def set_sampling_rule(country: str, *, expected_version: int | None = None, user=None, **values) -> SamplingRule:
    """Switch QC sampling on or off for a programme and set its rule (fields given change, others stay)."""
    from safeground.gazetteer.models import Programme

    iso3 = str(country or "").strip().upper()
    if not Programme.objects.filter(iso3=iso3).exists():
        raise ValidationFailed(_("no programme %(code)s") % {"code": iso3 or "''"}, field="country", reason="unknown")
    unknown = set(values) - {"enabled", "unit_m2", "inspection_level", "acceptance_number", "source"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(_("unknown field %(field)s") % {"field": name}, field=name, reason="unknown")
    rule = SamplingRule.objects.select_for_update().filter(country=iso3).first()
    if rule is None:
        rule = SamplingRule(country=iso3, source=DEFAULT_RULE_SOURCE, version=0)
    versions.advance(rule, expected_version, f"sampling rule {iso3}")
    if "enabled" in values:
        if not isinstance(values["enabled"], bool):
            raise ValidationFailed(_("enabled must be true or false"), field="enabled", reason="type")
        rule.enabled = values["enabled"]
    if "unit_m2" in values:
        unit = values["unit_m2"]
        if not isinstance(unit, (int, float)) or isinstance(unit, bool) or not math.isfinite(unit):
            raise ValidationFailed(_("unit_m2 must be a number"), field="unit_m2", reason="type")
        if not 1 <= unit <= 10_000:
            raise ValidationFailed(_("unit_m2 must be between 1 and 10,000 m²"), field="unit_m2", reason="range")
        rule.unit_m2 = float(unit)
    if "inspection_level" in values:
        rule.inspection_level = _choice(str(values["inspection_level"]), LEVELS, "inspection_level")
    if "acceptance_number" in values:
        n = values["acceptance_number"]
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 100:
            raise ValidationFailed(
                _("acceptance_number must be a whole number from 0 to 100"), field="acceptance_number", reason="range"
            )
        rule.acceptance_number = n
    if "source" in values:
        rule.source = _text(values["source"], "source", 300)
    if user is not None:
        record_author(rule, user)
    rule.save()
    return rule


@transaction.atomic
def plan_sample(product, *, planned_on=None, visit=None, code: str | None = None, user=None) -> SamplingPlan:
    """The QC sample of a product by its programme's rule: lot units, sample units and area, acceptance number."""
    product = _lookup(Product, "code", product, "product")
    if product is None:
        raise ValidationFailed(_("%(field)s is required") % {"field": "product"}, field="product", reason="required")
    country = product.activity.country
    rule = rule_for(country)
    if not rule.enabled:
        raise ValidationFailed(
            _("QC sampling is not enabled in programme %(country)s: switch it on in its sampling rule first")
            % {"country": country},
            field="product",
            reason="sampling_off",
        )
    visit = _lookup(Visit, "code", visit, "visit")
    if visit is not None and visit.product_id != product.pk:
        raise ValidationFailed(
            _("visit %(visit)s is not a visit to %(product)s") % {"visit": visit.code, "product": product.code},
            field="visit",
            reason="mismatch",
        )
    lot = max(1, math.ceil(product.area_m2 / rule.unit_m2))
    letter, n = sample_size(lot, rule.inspection_level)
    plan = SamplingPlan(
        code=_code(SamplingPlan, country, "QCS", code),
        product=product,
        country=country,
        planned_on=_planned(planned_on or timezone.localdate(), "planned_on"),
        lot_units=lot,
        sample_units=n,
        unit_m2=rule.unit_m2,
        sample_area_m2=min(n * rule.unit_m2, product.area_m2),
        acceptance_number=rule.acceptance_number,
        inspection_level=rule.inspection_level,
        code_letter=letter,
        rule_source=rule.source,
        visit=visit,
    )
    if user is not None:
        record_author(plan, user)
    plan.save()
    return plan


def _reopening_payload(plan: SamplingPlan, product: Product) -> dict:
    """The hazard a failed sample proposes: the product's ground, as the workbench's hazard input."""
    import shapely

    from safeground.core.geojson import to_shapely

    hazard = product.hazard
    return {
        "geometry": json.loads(shapely.to_geojson(to_shapely(product.geom))),
        "hazard_class": "CHA",
        "contamination_type": hazard.contamination_type if hazard else "mixed",
        "recorded_on": str(plan.result_on),
        "name": f"{product.code} reopened: QC sample {plan.code} failed"[:200],
    }


@transaction.atomic
def record_sample_result(
    plan: SamplingPlan,
    *,
    failed_units: int,
    user,
    result_on=None,
    searched_m2: float | None = None,
    remarks: str = "",
    expected_version: int | None = None,
) -> SamplingPlan:
    """Pass when at most `acceptance_number` units failed; a failed sample proposes the product's area as a
    hazard in the review workbench (submitted by `user`; an IM officer confirms or returns it)."""
    versions.lock(plan, expected_version, f"sampling plan {plan.code}")
    if plan.result != "pending":
        raise ValidationFailed(
            _("%(code)s already has its result (%(result)s)") % {"code": plan.code, "result": plan.result},
            field="result",
            reason="decided",
        )
    if not isinstance(failed_units, int) or isinstance(failed_units, bool) or failed_units < 0:
        raise ValidationFailed(
            _("failed_units must be a whole number of 0 or more"), field="failed_units", reason="range"
        )
    if failed_units > plan.sample_units:
        raise ValidationFailed(
            _("failed_units %(n)s is more than the %(units)s units sampled")
            % {"n": failed_units, "units": plan.sample_units},
            field="failed_units",
            reason="range",
        )
    if searched_m2 is not None and (not math.isfinite(searched_m2) or searched_m2 < 0):
        raise ValidationFailed(_("searched_m2 must be 0 or more"), field="searched_m2", reason="range")
    on = _past(result_on, "result_on", required=False) or timezone.localdate()
    if on < plan.product.released_on:
        raise ValidationFailed(
            _("result_on %(date)s is before the product was released (%(released)s)")
            % {"date": on.isoformat(), "released": plan.product.released_on.isoformat()},
            field="result_on",
            reason="before_release",
        )
    plan.failed_units = failed_units
    plan.searched_m2 = searched_m2 if searched_m2 is not None else plan.sample_area_m2
    plan.result_on = on
    plan.remarks = _text(remarks, "remarks")
    plan.result = "pass" if failed_units <= plan.acceptance_number else "fail"
    if plan.result == "fail":
        submission = workbench.submit(kind="hazard", payload=_reopening_payload(plan, plan.product), user=user)
        plan.proposal_code = submission.code
    record_author(plan, user)
    plan.save()
    return plan


# ------------------------------------------------------------------------------------------------
# Hand-over (IMAS 08.30)
# ------------------------------------------------------------------------------------------------


def _handover_blocks(products: list[Product]) -> None:
    """IMAS 08.30: inspections and corrective actions are finished before the formal hand-over."""
    for i, product in enumerate(products):
        failed = product.qm_sampling_plans.exclude(result="pass").order_by("code").first()
        if failed is not None:
            raise ValidationFailed(
                _("%(product)s: QC sample %(plan)s is %(result)s; hand over only land whose sample passed")
                % {"product": product.code, "plan": failed.code, "result": failed.result},
                field=f"products[{i}]",
                reason="sample_not_passed",
            )
        open_nc = NonConformity.objects.filter(visit__product=product, status="open").order_by("code").first()
        if open_nc is not None:
            raise ValidationFailed(
                _("%(product)s: non-conformity %(nc)s is still open; close it before the hand-over")
                % {"product": product.code, "nc": open_nc.code},
                field=f"products[{i}]",
                reason="open_non_conformity",
            )


@transaction.atomic
def record_handover(
    *,
    products: list,
    handed_over_on,
    received_by_name: str,
    received_by_role: str,
    residual_risk: str,
    handed_over_by=None,
    community: str = "",
    witnesses: str = "",
    code: str | None = None,
    user=None,
) -> Handover:
    """Record the hand-over of released land (one or more products of one programme) to its users."""
    if not products:
        raise ValidationFailed(_("name the products handed over"), field="products", reason="required")
    rows = []
    for i, p in enumerate(products):
        row = _lookup(Product, "code", p, f"products[{i}]")
        if row is None:
            raise ValidationFailed(_("name the products handed over"), field=f"products[{i}]", reason="required")
        rows.append(row)
    countries = {r.activity.country for r in rows}
    if len(countries) > 1:
        raise ValidationFailed(
            _("a hand-over covers one programme's land; got %(countries)s")
            % {"countries": ", ".join(sorted(countries))},
            field="products",
            reason="countries",
        )
    on = _required_past(handed_over_on, "handed_over_on")
    late = next((r for r in rows if r.released_on > on), None)
    if late is not None:
        raise ValidationFailed(
            _("%(product)s was released on %(date)s, after the hand-over")
            % {"product": late.code, "date": late.released_on.isoformat()},
            field="handed_over_on",
            reason="before_release",
        )
    _handover_blocks(rows)
    by = _lookup(Organisation, "acronym", handed_over_by, "handed_over_by") or rows[0].activity.organisation
    country = countries.pop()
    handover = Handover(
        code=_code(Handover, country, "HO", code),
        country=country,
        handed_over_on=on,
        handed_over_by=by,
        received_by_name=_text(received_by_name, "received_by_name", 150, required=True),
        received_by_role=_text(received_by_role, "received_by_role", 150, required=True),
        community=_text(community, "community", 200),
        residual_risk=_text(residual_risk, "residual_risk", required=True),
        witnesses=_text(witnesses, "witnesses", 300),
    )
    if user is not None:
        record_author(handover, user)
    handover.save()
    handover.products.set(rows)
    return handover


# ------------------------------------------------------------------------------------------------
# Demo bookkeeping
# ------------------------------------------------------------------------------------------------


def mark_synthetic(visits: list[Visit], handovers: list[Handover] | None = None) -> int:
    """Flag the demo's visits and what hangs off them (made through the services above) as synthetic."""
    ids = [v.pk for v in visits]
    Handover.objects.filter(pk__in=[h.pk for h in handovers or []]).update(is_synthetic=True)
    Handover.history.filter(id__in=[h.pk for h in handovers or []]).update(is_synthetic=True)
    NonConformity.objects.filter(visit_id__in=ids).update(is_synthetic=True)
    plans = list(SamplingPlan.objects.filter(visit_id__in=ids).values_list("pk", flat=True))
    SamplingPlan.objects.filter(pk__in=plans).update(is_synthetic=True)
    SamplingPlan.history.filter(id__in=plans).update(is_synthetic=True)
    NonConformity.history.filter(visit_id__in=ids).update(is_synthetic=True)
    Visit.history.filter(id__in=ids).update(is_synthetic=True)
    codes = list(NonConformity.objects.filter(visit_id__in=ids).values_list("code", flat=True))
    organisation_services.mark_suspensions_synthetic(codes)
    return Visit.objects.filter(pk__in=ids).update(is_synthetic=True)


def delete_synthetic() -> dict[str, int]:
    """Remove the synthetic quality records and their history (the demo's rebuild; `is_synthetic` only)."""
    counts = {"suspensions": organisation_services.delete_synthetic_suspensions()}
    for model in (Handover, SamplingPlan, NonConformity):
        qs = model.objects.filter(is_synthetic=True)
        counts[str(model._meta.model_name)] = qs.delete()[0]
        h = model.history.filter(is_synthetic=True)
        h._raw_delete(h.db)
    ChecklistAnswer.objects.filter(visit__is_synthetic=True).delete()
    counts["visit"] = Visit.objects.filter(is_synthetic=True).delete()[0]
    h = Visit.history.filter(is_synthetic=True)
    h._raw_delete(h.db)
    return counts
