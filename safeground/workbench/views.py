"""Workbench pages: the queue, one submission against the current record, the submit forms.

Every form carries a one-time signed token (core.formtokens) besides Django's CSRF token: a
creating form's nonce is stored with its submission, so posting it twice queues nothing new; a
decision form names the submission's revision, so replaying it after a decision is refused.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeground.core import formtokens
from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.gazetteer.queries import map_countries
from safeground.hazards.models import Hazard
from safeground.organisations.models import Organisation
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.workbench import checks, queries, services
from safeground.workbench.forms import FORMS
from safeground.workbench.models import Submission

PAGE_SIZE = 50


@page("workbench.view_submission")
def queue(request: HttpRequest) -> HttpResponse:
    """Submissions the account may see, newest first, filtered by status and kind."""
    status = request.GET.get("status", "pending")
    kind = request.GET.get("kind", "")
    rows = queries.visible(request.user)
    if status in dict(Submission.STATUS_CHOICES):
        rows = rows.filter(status=status)
    if kind in dict(Submission.KIND_CHOICES):
        rows = rows.filter(kind=kind)
    paginator = Paginator(rows.order_by("-created_at"), PAGE_SIZE)
    counts = queries.counts(request.user)
    context = {
        "page_obj": paginator.get_page(request.GET.get("page")),
        "status": status,
        "kind": kind,
        "statuses": [(k, _(v), counts.get(k, 0)) for k, v in Submission.STATUS_CHOICES],
        "kinds": [(k, _(v)) for k, v in Submission.KIND_CHOICES],
        "can_submit": request.user.has_perm("workbench.add_submission"),
    }
    return render(request, "workbench/queue.html", context)


def _visible_or_404(request, code: str) -> Submission:
    return get_object_or_404(queries.visible(request.user), code=code)


@page("workbench.view_submission")
def detail(request: HttpRequest, code: str) -> HttpResponse:
    submission = _visible_or_404(request, code)
    return render(request, "workbench/detail.html", _detail_context(request, submission))


def _detail_context(request, submission: Submission, error: str = "") -> dict:
    user = request.user
    token = formtokens.issue(user, f"review:{submission.pk}:{submission.revision}")
    findings = queries.findings_now(submission)
    return {
        "submission": submission,
        "findings": findings,
        "must_fix": len(checks.must_fix(findings)),
        "location": queries.location(submission),
        "comparison": queries.comparison(submission),
        "devices": queries.devices(submission),
        "evidence": queries.evidence(submission),
        "origin": queries.origin(submission),
        "features": json.dumps(queries.map_features(submission)),
        "can_review": queries.can_review(user, submission),
        "is_submitter": submission.submitted_by_id == user.pk and submission.status in ("pending", "returned"),
        "token": token,
        "error": error or submission.last_error,
        "api": get_script_prefix() + "api/v1",
        "history": submission.history.select_related("history_user").order_by("-history_date")[:20],
    }


@page("workbench.view_submission")
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    """Approve, return or withdraw: the form's token must name this submission's current revision."""
    submission = _visible_or_404(request, code)
    action = request.POST.get("action", "")
    try:
        formtokens.check(request.user, f"review:{submission.pk}:{submission.revision}", request.POST.get("token"))
        revision = submission.revision
        comment = request.POST.get("comment", "")
        if action == "approve":
            services.approve(
                submission,
                user=request.user,
                revision=revision,
                comment=comment,
                override_reason=request.POST.get("override_reason", ""),
            )
            messages.success(request, _("%(code)s approved.") % {"code": submission.code})
        elif action == "return":
            services.return_for_changes(submission, user=request.user, comment=comment, revision=revision)
            messages.success(request, _("%(code)s returned to the submitter.") % {"code": submission.code})
        elif action == "withdraw":
            services.withdraw(submission, user=request.user, revision=revision)
            messages.success(request, _("%(code)s withdrawn.") % {"code": submission.code})
        else:
            raise ValidationFailed(_("Unknown action."), field="action")
    except formtokens.FormTokenInvalid as exc:
        return _refused(request, submission, str(exc), status=409)
    except services.ReviewRefused as exc:
        return _refused(request, submission, str(exc), status=409)
    except ValidationFailed as exc:
        submission.refresh_from_db()
        return _refused(request, submission, _("Not applied: %(error)s") % {"error": exc}, status=422)
    return redirect("workbench-detail", code=submission.code)


def _refused(request, submission: Submission, error: str, status: int) -> HttpResponse:
    submission.refresh_from_db()
    return render(request, "workbench/detail.html", _detail_context(request, submission, error), status=status)


def _target(request, kind: str):
    """The hazard a change is proposed for (`?target=CODE`), or None for a new record."""
    code = request.GET.get("target") or request.POST.get("target")
    if not code:
        return None
    if kind != "hazard":
        raise Http404(_("Only hazards can be changed through the workbench."))
    return get_object_or_404(Hazard, code=code)


def _initial(target) -> dict:
    if target is None:
        return {}
    return {
        "name": target.name,
        "hazard_class": target.hazard_class,
        "contamination_type": target.contamination_type,
        "recorded_on": target.recorded_on,
        "geometry": target.shape.geojson,  # a polygon, or a point hazard's point
    }


def _changes(target, payload: dict) -> dict:
    """Only what differs from the current record (the geometry when its area moved by 1 m² or more)."""
    import shapely

    from safeground.core.geojson import to_shapely
    from safeground.core.geometry import area_m2

    changed = {k: v for k, v in payload.items() if k != "geometry" and str(getattr(target, k, None)) != str(v)}
    proposed = shapely.geometry.shape(payload["geometry"])
    current = to_shapely(target.geom)
    if area_m2(proposed.symmetric_difference(current)) >= 1.0:
        changed["geometry"] = payload["geometry"]
    return changed


def _on_field(form, exc: ValidationFailed) -> bool:
    """A refusal that names one of the form's fields is shown beside it, in the field's own words
    ("Clearance depth (cm) is required…", not "clearance_depth_cm is required…")."""
    name = (exc.field or "").split(".")[0]
    message = str(exc)
    if name == "geometry" and "vertices" in form.fields:  # the drawn perimeter is a hidden field
        name = "vertices"
    elif name in form.fields:
        message = message.replace(name, str(form.fields[name].label))
    if name not in form.fields or form.fields[name].widget.is_hidden:
        return False
    form.add_error(name, message)
    return True


def _organisations_for(user):
    """The organisations a new submission may be made for: the user's own, or every operator; active ones only."""
    if is_scoped(user):
        return Organisation.objects.filter(pk__in=organisation_ids(user), is_active=True)
    return Organisation.objects.filter(kind="operator", is_active=True).order_by("acronym")


@page("workbench.add_submission")
def new(request: HttpRequest, kind: str) -> HttpResponse:
    """The submit form of one kind; a valid post is queued for review (never applied directly)."""
    form_class = FORMS.get(kind)
    if form_class is None:
        raise Http404(kind)
    target = _target(request, kind)
    purpose = f"submit:{kind}:{target.code if target else ''}"
    organisations = _organisations_for(request.user)
    error = ""
    form = form_class(request.POST or None, initial=_initial(target))
    if request.method == "POST":
        try:
            nonce = formtokens.check(request.user, purpose, request.POST.get("token"))
        except formtokens.FormTokenInvalid as exc:
            error, form = str(exc), form_class(request.POST)
            form.is_valid()
        else:
            if form.is_valid():
                payload = form.payload()
                chosen = request.POST.get("organisation", "")
                if chosen and organisations.filter(acronym=chosen).exists() and kind in ("hazard", "activity"):
                    payload["reporting_organisation" if kind == "hazard" else "organisation"] = chosen
                action, target_code = ("update", target.code) if target else ("create", "")
                if target:
                    payload = _changes(target, payload)
                if target and not payload:
                    error = _("Nothing changed: edit a field or the perimeter first.")
                else:
                    try:
                        submission = services.submit(
                            kind=kind,
                            payload=payload,
                            user=request.user,
                            nonce=nonce,
                            action=action,
                            target_code=target_code,
                        )
                    except ValidationFailed as exc:
                        if not _on_field(form, exc):
                            error = _("Not submitted: %(error)s") % {"error": exc}
                    else:
                        messages.success(request, _("%(code)s submitted for review.") % {"code": submission.code})
                        return redirect("workbench-detail", code=submission.code)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": _(dict(Submission.KIND_CHOICES)[kind]),
        "target": target,
        "token": formtokens.issue(request.user, purpose),
        "organisations": organisations,
        "error": error,
        "draw": kind in ("hazard", "product"),
        "countries": [{**c, "bbox": ",".join(map(str, c["bbox"]))} for c in map_countries()],
        "api": get_script_prefix() + "api/v1",
        "queue_url": reverse("workbench"),
    }
    return render(request, "workbench/new.html", context, status=422 if error or form.errors else 200)
