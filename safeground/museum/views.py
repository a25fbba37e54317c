"""Museum pages. Staff (signed in): the collection with its filters, an exhibit (provenance linking the device
record, the find, the certificate, photos, movements, loans and the forms that change them), add and edit an
exhibit, visits with their monthly totals, and the open and overdue loans. Writes need museum.* (national
roles) and go through `museum.services`.

Public (no sign-in): the catalogue of public exhibits and a page per exhibit (museum/public.py says what it
may show), and their images re-encoded without EXIF.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image

from safeground.core import ratelimit
from safeground.core.access import page
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.eore.models import Session
from safeground.museum import public, queries, services
from safeground.museum.models import Exhibit, Loan, Museum
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel

FILTERS = ("museum", "model", "category", "status", "on_loan", "overdue")
EXHIBIT_FIELDS = (
    "museum",
    "inventory_number",
    "model",
    "title",
    "description",
    "device",
    "found_on",
    "found_place",
    "acquired_on",
    "demil_certificate",
    "demil_certified_on",
    "demil_certified_by",
    "condition",
    "status",
    "location",
    "safety_message",
)


def _date(value: str, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("%(field)s must be a date (YYYY-MM-DD); got %(value)s") % {"field": field, "value": repr(value[:20])},
            field=field,
        ) from exc


def _int(value: str, field: str) -> int:
    value = (value or "").strip() or "0"
    try:
        return int(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("%(field)s must be a whole number; got %(value)s") % {"field": field, "value": repr(value[:20])},
            field=field,
        ) from exc


def _exhibit(code: str) -> Exhibit:
    found = queries.exhibits().filter(code=code).first()
    if found is None:
        raise Http404(f"no exhibit {code}")
    return found


def _choices(pairs) -> list[tuple[str, str]]:
    return [(k, _(label)) for k, label in pairs]


def _needs(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(f"this change needs the permission {permission}")


# --- the collection ---------------------------------------------------------------------------------------


@page("museum.view_exhibit")
def collection(request: HttpRequest) -> HttpResponse:
    chosen = {f: (request.GET.get(f) or "").strip() for f in FILTERS}
    on_loan = True if chosen["on_loan"] == "1" else None
    overdue = True if chosen["overdue"] == "1" else None
    rows = list(
        queries.exhibits(
            museum=chosen["museum"] or None,
            model=chosen["model"] or None,
            category=chosen["category"] or None,
            status=chosen["status"] or None,
            on_loan=on_loan,
            overdue=overdue,
        )[:500]
    )
    thumbs: dict[str, object] = {}
    for a in _thumbnails(rows):
        thumbs.setdefault(a.object_id, a)
    context = {
        "rows": [{"exhibit": e, "thumb": thumbs.get(str(e.pk))} for e in rows],
        "chosen": chosen,
        "museums": queries.museums(),
        "models": OrdnanceModel.objects.filter(exhibits__isnull=False).distinct().order_by("name"),
        "categories": _choices(CATEGORY_CHOICES),
        "statuses": _choices(Exhibit.STATUS_CHOICES),
        "can_add": request.user.has_perm("museum.add_exhibit"),
        "has_synthetic": any(e.is_synthetic for e in rows),
    }
    return render(request, "museum/collection.html", context)


def _thumbnails(exhibits: list[Exhibit]):
    from safeground.attachments import queries as attachment_queries

    return attachment_queries.of_many(exhibits).filter(media_type__startswith="image/").exclude(thumbnail="")


def _exhibit_context(request: HttpRequest, exhibit: Exhibit, **extra) -> dict:
    today = timezone.localdate()
    loans = list(exhibit.loans.select_related("borrower_organisation").order_by("-lent_on"))
    return {
        "exhibit": exhibit,
        "device": exhibit.device,
        "product_code": exhibit.device.product.code if exhibit.device and exhibit.device.product else None,
        "movements": exhibit.movements.select_related("recorded_by").order_by("-moved_on", "-id"),
        "loans": [{"loan": x, "overdue": x.returned_on is None and x.due_on < today} for x in loans],
        "open_loan": next((x for x in loans if x.returned_on is None), None),
        "conditions": _choices(Exhibit.CONDITION_CHOICES),
        "borrower_kinds": _choices(Loan.BORROWER_CHOICES),
        "can_change": request.user.has_perm("museum.change_exhibit"),
        "can_lend": request.user.has_perm("museum.add_loan"),
        "today": today.isoformat(),
        "has_synthetic": exhibit.is_synthetic,
        **extra,
    }


@page("museum.view_exhibit")
def exhibit_detail(request: HttpRequest, code: str) -> HttpResponse:
    exhibit = _exhibit(code)
    return render(request, "museum/exhibit.html", _exhibit_context(request, exhibit))


def _form_values(request: HttpRequest) -> dict:
    values: dict = {f: (request.POST.get(f) or "").strip() for f in EXHIBIT_FIELDS}
    values["public"] = request.POST.get("public") == "on"
    return values


def _exhibit_form(request: HttpRequest, exhibit: Exhibit | None, form: dict, error: str = "", field: str = ""):
    context = {
        "exhibit": exhibit,
        "form": form,
        "error": error,
        "field": field,
        "museums": queries.museums(),
        "models": OrdnanceModel.objects.order_by("name").only("slug", "name"),
        "conditions": _choices(Exhibit.CONDITION_CHOICES),
        "statuses": _choices([c for c in Exhibit.STATUS_CHOICES if c[0] in services.SETTABLE_STATUS]),
    }
    return render(request, "museum/exhibit_form.html", context, status=400 if error else 200)


@page("museum.add_exhibit")
def exhibit_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _exhibit_form(request, None, {"condition": "good", "status": "store"})
    form = _form_values(request)
    try:
        museum = Museum.objects.filter(code=form["museum"]).first()
        if museum is None:
            raise ValidationFailed(
                _("unknown %(field)s %(code)s") % {"field": "museum", "code": repr(form["museum"])}, field="museum"
            )
        exhibit = services.add_exhibit(
            museum=museum,
            inventory_number=form["inventory_number"],
            model=form["model"],
            device=form["device"] or None,
            found_on=_date(form["found_on"], "found_on"),
            found_place=form["found_place"],
            title=form["title"],
            description=form["description"],
            acquired_on=_date(form["acquired_on"], "acquired_on"),
            demil_certificate=form["demil_certificate"],
            demil_certified_on=_date(form["demil_certified_on"], "demil_certified_on"),
            demil_certified_by=form["demil_certified_by"],
            condition=form["condition"] or "good",
            status=form["status"] or "store",
            location=form["location"],
            public=form["public"],
            safety_message=form["safety_message"],
            user=request.user,
        )
    except ValidationFailed as exc:
        return _exhibit_form(request, None, form, str(exc), exc.field or "")
    messages.success(request, _("Exhibit %(code)s added.") % {"code": exhibit.code})
    return redirect("museum-exhibit", code=exhibit.code)


@page("museum.change_exhibit")
def exhibit_edit(request: HttpRequest, code: str) -> HttpResponse:
    exhibit = _exhibit(code)
    if request.method != "POST":
        form: dict = {f: getattr(exhibit, f, "") for f in EXHIBIT_FIELDS if f not in ("museum", "device", "model")}
        for f in ("found_on", "acquired_on", "demil_certified_on"):
            day = getattr(exhibit, f)
            form[f] = day.isoformat() if day else ""
        form.update(model=exhibit.model.slug, public=exhibit.public, version=exhibit.version)
        return _exhibit_form(request, exhibit, form)
    form = _form_values(request)
    form["version"] = request.POST.get("version", "")
    changes = {
        f: form[f]
        for f in ("inventory_number", "model", "title", "description", "found_place", "demil_certificate")
        + ("demil_certified_by", "condition", "location", "safety_message", "public")
    }
    try:
        changes["acquired_on"] = _date(form["acquired_on"], "acquired_on")
        changes["demil_certified_on"] = _date(form["demil_certified_on"], "demil_certified_on")
        if exhibit.status != "loan":
            changes["status"] = form["status"] or exhibit.status
        version = _int(form["version"], "version")
        if not version:  # the form always carries the version it showed: a change to an unknown one is refused
            raise ValidationFailed(_("version: reload the page and make the change again"), field="version")
        services.update_exhibit(
            exhibit,
            expected_version=version,
            user=request.user,
            reason=(request.POST.get("reason") or "").strip()[:100] or None,
            **changes,
        )
    except (ValidationFailed, StaleVersion) as exc:
        return _exhibit_form(request, exhibit, form, str(exc), getattr(exc, "field", "") or "")
    messages.success(request, _("Exhibit %(code)s saved.") % {"code": exhibit.code})
    return redirect("museum-exhibit", code=exhibit.code)


@page("museum.change_exhibit")
def exhibit_move(request: HttpRequest, code: str) -> HttpResponse:
    exhibit = _exhibit(code)
    if request.method != "POST":
        return redirect("museum-exhibit", code=code)
    try:
        services.move_exhibit(
            exhibit,
            moved_on=_date(request.POST.get("moved_on", ""), "moved_on"),
            to_location=request.POST.get("to_location", ""),
            condition=request.POST.get("condition", ""),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except ValidationFailed as exc:
        context = _exhibit_context(request, _exhibit(code), error=str(exc), field=exc.field or "")
        return render(request, "museum/exhibit.html", context, status=400)
    messages.success(request, _("Movement recorded."))
    return redirect("museum-exhibit", code=code)


@page("museum.add_loan")
def exhibit_lend(request: HttpRequest, code: str) -> HttpResponse:
    exhibit = _exhibit(code)
    if request.method != "POST":
        return redirect("museum-exhibit", code=code)
    try:
        loan = services.lend(
            exhibit,
            borrower=request.POST.get("borrower", ""),
            borrower_kind=request.POST.get("borrower_kind", ""),
            borrower_organisation=(request.POST.get("borrower_organisation") or "").strip() or None,
            purpose=request.POST.get("purpose", ""),
            lent_on=_date(request.POST.get("lent_on", ""), "lent_on"),
            due_on=_date(request.POST.get("due_on", ""), "due_on"),
            user=request.user,
        )
    except ValidationFailed as exc:
        context = _exhibit_context(request, _exhibit(code), error=str(exc), field=exc.field or "")
        return render(request, "museum/exhibit.html", context, status=400)
    messages.success(request, _("Loan %(code)s recorded.") % {"code": loan.code})
    return redirect("museum-exhibit", code=code)


@page("museum.change_loan")
def loan_return(request: HttpRequest, code: str) -> HttpResponse:
    loan = Loan.objects.select_related("exhibit").filter(code=code).first()
    if loan is None:
        raise Http404(f"no loan {code}")
    if request.method != "POST":
        return redirect("museum-exhibit", code=loan.exhibit.code)
    try:
        services.return_loan(
            loan,
            returned_on=_date(request.POST.get("returned_on", ""), "returned_on"),
            condition_back=request.POST.get("condition_back", ""),
            status=request.POST.get("status") or "store",
            user=request.user,
        )
    except ValidationFailed as exc:
        context = _exhibit_context(request, _exhibit(loan.exhibit.code), error=str(exc), field=exc.field or "")
        return render(request, "museum/exhibit.html", context, status=400)
    messages.success(request, _("Loan %(code)s returned.") % {"code": loan.code})
    return redirect("museum-exhibit", code=loan.exhibit.code)


@page("museum.view_loan")
def loans(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [{"loan": x, "overdue": x.due_on < today} for x in queries.loans()]
    return render(request, "museum/loans.html", {"rows": rows, "overdue": sum(r["overdue"] for r in rows)})


# --- visits -----------------------------------------------------------------------------------------------


VISIT_FIELDS = ("museum", "visited_on", "group", "guide", "audience", "notes", "girls", "boys", "women", "men")


@page("museum.view_visit")
def visits(request: HttpRequest) -> HttpResponse:
    form: dict = {"audience": "general", "visited_on": timezone.localdate().isoformat()}
    error = field = ""
    if request.method == "POST":
        _needs(request, "museum.add_visit")
        form = {f: (request.POST.get(f) or "").strip() for f in VISIT_FIELDS}
        form["guided"] = request.POST.get("guided") == "on"
        form["is_eore"] = request.POST.get("is_eore") == "on"
        try:
            museum = Museum.objects.filter(code=form["museum"]).first()
            if museum is None:
                raise ValidationFailed(
                    _("unknown %(field)s %(code)s") % {"field": "museum", "code": repr(form["museum"])},
                    field="museum",
                )
            visit = services.record_visit(
                museum,
                visited_on=_date(form["visited_on"], "visited_on"),
                group=form["group"],
                guide=form["guide"],
                audience=form["audience"] or "general",
                notes=form["notes"],
                guided=form["guided"],
                is_eore=form["is_eore"],
                user=request.user,
                girls=_int(form["girls"], "girls"),
                boys=_int(form["boys"], "boys"),
                women=_int(form["women"], "women"),
                men=_int(form["men"], "men"),
            )
        except ValidationFailed as exc:
            error, field = str(exc), exc.field or ""
        else:
            messages.success(request, _("Visit %(code)s recorded.") % {"code": visit.code})
            return redirect("museum-visits")
    chosen = (request.GET.get("museum") or "").strip() or None
    context = {
        "visits": queries.visits(museum=chosen)[:100],
        "months": queries.visit_totals("month", museum=chosen),
        "years": queries.visit_totals("year", museum=chosen),
        "museums": queries.museums(),
        "audiences": _choices(Session.AUDIENCE_CHOICES),
        "can_add": request.user.has_perm("museum.add_visit"),
        "form": form,
        "error": error,
        "field": field,
    }
    return render(request, "museum/visits.html", context, status=400 if error else 200)


# --- the public catalogue ---------------------------------------------------------------------------------


def _limited(request: HttpRequest) -> HttpResponse | None:
    try:
        ratelimit.check(request, "catalogue")
    except ratelimit.RateLimited as exc:
        response = HttpResponse(str(exc), status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(exc.retry_after)
        return response
    return None


def _image_url(exhibit: Exhibit, attachment) -> str:
    return reverse("museum-public-image", kwargs={"code": exhibit.code, "attachment_id": attachment.pk})


def _public_exhibit(code: str) -> Exhibit:
    found = queries.public_exhibits().filter(code=code).first()
    if found is None:
        raise Http404(f"no public exhibit {code}")
    return found


@page(public=True)
def public_collection(request: HttpRequest) -> HttpResponse:
    refused = _limited(request)
    if refused:
        return refused
    language = get_language()
    cards = [public.card(e, language, _image_url) for e in queries.public_exhibits()[:500]]
    return render(request, "museum/public_collection.html", {"cards": cards})


@page(public=True)
def public_exhibit(request: HttpRequest, code: str) -> HttpResponse:
    refused = _limited(request)
    if refused:
        return refused
    exhibit = _public_exhibit(code)
    return render(request, "museum/public_exhibit.html", {"card": public.card(exhibit, get_language(), _image_url)})


@page(public=True)
def public_image(request: HttpRequest, code: str, attachment_id) -> HttpResponse:
    """An image of a public exhibit (or of its model), re-encoded without EXIF; 404 for anything else."""
    refused = _limited(request)
    if refused:
        return refused
    exhibit = queries.exhibits().filter(code=code).first()
    image = public.image_of(exhibit, attachment_id) if exhibit is not None else None
    if image is None:
        raise Http404("no such image")
    try:
        content = public.reencoded(image)
    except (OSError, ValueError, Image.DecompressionBombError):  # a file gone from storage or not decodable
        raise Http404("no such image") from None
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
