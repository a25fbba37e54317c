"""Exchange pages: keys, policies, exports made and packages imported (with the forms national roles
use to register or revoke a partner's key and to import a package), the package-import review, and
the comparison with a partner.

Every write goes through `exchange.services`, as the API and the CLI do; a refused package or a bad
key comes back on the page with its reason (422), nothing written.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safeground.cooperation.models import Partner
from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.core.packages import PackageRefused
from safeground.exchange import queries, services
from safeground.gazetteer.queries import country_choices
from safeground.operations.models import METHOD_CHOICES

FIGURE_LABELS = {
    "devices_per_ha": N_("Devices per hectare cleared"),
    "cost_per_m2": N_("Cost per m²"),
    "demining_accidents": N_("Demining accidents"),
    "accidents_per_million_m2": N_("Accidents per million m² searched"),
    "accidents_per_1000_deminer_days": N_("Accidents per 1,000 deminer-days"),
}
OUTCOME_LABELS = {"cancelled": N_("Cancelled"), "reduced": N_("Reduced"), "cleared": N_("Cleared")}


#: The permission each form's action needs (the API's operations need the same).
NEEDS = {
    "trust": "exchange.add_partnerkey",
    "revoke": "exchange.change_partnerkey",
    "export": "exchange.add_exportlog",
    "policy": "exchange.add_redactionpolicy",
}
MAX_POLICY_CHARS = 20000


def _form_date(request: HttpRequest, name: str) -> dt.date | None:
    """A date field of the form (YYYY-MM-DD, empty: none); ValidationFailed names the field."""
    value = (request.POST.get(name) or request.GET.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("a date is YYYY-MM-DD; got %(value)s") % {"value": repr(value[:20])}, field=name, reason="invalid"
        ) from exc


def _policy_text(request: HttpRequest) -> str:
    """The policy's text: the uploaded file when one is chosen, else the textarea."""
    upload = request.FILES.get("policy_file")
    if upload is not None:
        if upload.size and upload.size > MAX_POLICY_CHARS:
            raise ValidationFailed(_("the policy file is too long"), field="text", reason="too long")
        return upload.read().decode("utf-8", errors="replace")
    return request.POST.get("text", "")[: MAX_POLICY_CHARS + 1]


def _export(request: HttpRequest) -> HttpResponse:
    """The signed package as a download, made by the service the CLI's export uses (and logged)."""
    log, data = services.export_download(
        partner=request.POST.get("partner", ""),
        policy=request.POST.get("policy", ""),
        programme=request.POST.get("programme") or None,
        date_from=_form_date(request, "date_from"),
        date_to=_form_date(request, "date_to"),
        user=request.user,
        library=request.POST.get("library") == "on",
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{log.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


def _post(request: HttpRequest) -> str | HttpResponse | None:
    """Run the form's action; the error to show, a response (a download), or None."""
    action = request.POST.get("action", "")
    needed = NEEDS.get(action, "exchange.add_partnerdataset")
    if not request.user.has_perm(needed):
        raise PermissionDenied(f"this needs the permission {needed}")
    try:
        if action == "trust":
            key = services.trust_key(
                partner=request.POST.get("partner", ""), key=request.POST.get("key", ""), user=request.user
            )
            messages.success(
                request,
                _("Key %(fingerprint)s trusted for %(partner)s.")
                % {"fingerprint": key.fingerprint, "partner": key.partner.code},
            )
        elif action == "revoke":
            key = services.revoke_key(request.POST.get("fingerprint", ""), user=request.user)
            messages.success(request, _("Key %(fingerprint)s revoked.") % {"fingerprint": key.fingerprint})
        elif action == "export":
            return _export(request)
        elif action == "policy":
            row = services.add_policy(_policy_text(request), user=request.user)
            messages.success(
                request, _("Policy %(name)s version %(version)s added.") % {"name": row.name, "version": row.version}
            )
        elif action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                return _("Choose a package file (.sgx) to import.")
            if upload.size and upload.size > services.MAX_PACKAGE_BYTES:
                return _("The package is larger than this installation accepts.")
            dataset, created = services.import_package(upload.read(), file_name=upload.name or "", user=request.user)
            if created:
                messages.success(request, _("Package imported."))
            else:
                messages.info(request, _("This package was imported before: nothing done."))
            return "redirect:" + reverse("exchange-package", args=[dataset.id])
        else:
            return _("Unknown action.")
    except ValidationFailed as exc:
        return f"{exc.field}: {exc}" if exc.field else str(exc)
    except PackageRefused as exc:
        return _("Package refused: %(reason)s") % {"reason": exc}
    return None


@page("exchange.view_partnerdataset")
def home(request: HttpRequest) -> HttpResponse:
    error = None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        outcome = _post(request)
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome is None:
            return redirect("exchange-home")
        if outcome.startswith("redirect:"):
            return redirect(outcome.removeprefix("redirect:"))
        error = outcome
    today = timezone.localdate()
    context = {
        "own": queries.own_key_summary(),
        "keys": list(queries.keys()),
        "policies": queries.policy_list(),
        "exports": list(queries.exports()[:100]),
        "datasets": list(queries.datasets()[:100]),
        "partners": list(Partner.objects.order_by("code")),
        "compare_partners": queries.partners_with_data(),
        "can_trust": request.user.has_perm("exchange.add_partnerkey"),
        "can_revoke": request.user.has_perm("exchange.change_partnerkey"),
        "can_import": request.user.has_perm("exchange.add_partnerdataset"),
        "can_export": request.user.has_perm(NEEDS["export"]),
        "can_add_policy": request.user.has_perm(NEEDS["policy"]),
        "programmes": country_choices(),
        "default_programme": queries.default_programme(),
        "export_default_from": today.replace(month=1, day=1),
        "export_default_to": today,
        # A refused export or policy is shown next to its own form, with what was typed kept.
        "error": error if action not in ("export", "policy") else None,
        "export_error": error if action == "export" else None,
        "policy_error": error if action == "policy" else None,
        "posted": request.POST if action in ("export", "policy") else {},
    }
    return render(request, "exchange/home.html", context, status=422 if error else 200)


@page("exchange.view_partnerdataset")
def package_review(request: HttpRequest, dataset_id) -> HttpResponse:
    dataset = queries.dataset(dataset_id)
    if dataset is None:
        raise Http404("no such package")
    summary = queries.dataset_summary(dataset)
    methods = {k: _(v) for k, v in METHOD_CHOICES}
    productivity = [
        {**f.row, "label": methods.get(f.row.get("method"), f.row.get("method"))}
        for f in dataset.figures.filter(table="productivity").order_by("id")
    ]
    context = {
        "p": summary,
        "features": {
            "features": queries.features_geojson(dataset),
            "context": queries.country_outline_geojson(dataset.programme),
        },
        "figures": {"productivity": productivity},
    }
    return render(request, "exchange/package.html", context)


@page("exchange.view_partnerdataset")
def compare(request: HttpRequest, partner: str) -> HttpResponse:
    choices = country_choices()
    programme = (request.GET.get("programme") or "").strip().upper() or None
    if programme and programme not in dict(choices):
        programme = None
    # Our side's period: asked in the form, else (nothing asked) the partner package's period.
    asked = "date_from" in request.GET or "date_to" in request.GET
    period_error = None
    try:
        date_from, date_to = _form_date(request, "date_from"), _form_date(request, "date_to")
        if date_from and date_to and date_from > date_to:
            raise ValidationFailed(_("the period ends before it starts"), field="date_to", reason="invalid")
    except ValidationFailed as exc:
        period_error, date_from, date_to, asked = f"{exc.field}: {exc}", None, None, False
    try:
        c = queries.comparison(partner, programme, date_from, date_to, package_period=not asked)
    except ValidationFailed as exc:
        raise Http404(str(exc)) from exc
    methods = {k: _(v) for k, v in METHOD_CHOICES}
    for row in c["productivity"]:
        row["label"] = methods.get(row["method"], row["method"])
        row["ratio"] = round(row["theirs"] / row["ours"], 2) if row["ours"] and row["theirs"] else None
    for row in c["release_mix"]:
        row["label"] = _(OUTCOME_LABELS[row["outcome"]])
    for row in c["summary"]:
        row["label"] = _(FIGURE_LABELS.get(row["figure"], row["figure"]))
    context = {"c": c, "programmes": choices, "programme": c["ours"]["programme"], "period_error": period_error}
    return render(request, "exchange/compare.html", context, status=422 if period_error else 200)
