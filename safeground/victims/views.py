"""Pages: casualty statistics (/victims/, public, suppressed), the pseudonymised register and a
victim's page for the roles allowed, and the restricted personal-data view (VA role, stated
purpose, audited, never cached).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from safeground.core import crypto
from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.gazetteer.queries import country_choices
from safeground.victims import access, disclosure, queries, services
from safeground.victims.access import Actor
from safeground.victims.models import NEED_CHOICES, Accident, Referral, Victim

#: The one-dimension tables of the statistics page, in order.
TABLES = ["province", "sex", "age_group", "victim_type", "device_category", "accident_type", "amputation"]
REGISTER_PAGE = 50
ACCIDENT_LIMIT = 30
SMALL_BAR = 2.5  # how long (in people) a "<5" bar is drawn: it must not hint at the true count


def _labels() -> dict[str, dict]:
    """Display labels of every dimension's values (translated at request time)."""
    from safeground.victims.models import DEVICE_CATEGORY_CHOICES

    return {
        "sex": {k: _(v) for k, v in Victim.SEX_CHOICES},
        "age_group": {k: _(v) for k, v in Victim.AGE_GROUP_CHOICES},
        "victim_type": {k: _(v) for k, v in Victim.TYPE_CHOICES},
        "outcome": {k: _(v) for k, v in Victim.OUTCOME_CHOICES},
        "device_category": {k: _(v) for k, v in DEVICE_CATEGORY_CHOICES},
        "accident_type": {k: _(v) for k, v in Accident.TYPE_CHOICES},
        "amputation": {True: _("Amputation"), False: _("No amputation")},
        "activity": {k: _(v) for k, v in Victim.ACTIVITY_CHOICES},
        "device_tampered": {"yes": _("Yes"), "no": _("No"), "unknown": _("Unknown")},
        "need": {k: _(v) for k, v in NEED_CHOICES},
        "status": {k: _(v) for k, v in Referral.STATUS_CHOICES},
        "evidence_status": {k: _(v) for k, v in Accident.EVIDENCE_CHOICES},
    }


def _headings() -> dict[str, str]:
    return {
        "province": _("Province"),
        "sex": _("Sex"),
        "age_group": _("Age"),
        "victim_type": _("Civilian, deminer or military"),
        "device_category": _("Device"),
        "accident_type": _("Accident type"),
        "amputation": _("Amputations"),
        "need": _("Needs assessed"),
    }


def _number(value) -> float:
    return float(value) if isinstance(value, int) else SMALL_BAR


def _rows(table: disclosure.Table, dim: str, names: dict | None = None) -> list[dict]:
    """One table's rows for display: label, shown count, bar width in % of the largest shown."""
    labels = _labels().get(dim, {})
    rows = table.rows()
    largest = max((_number(r["count"]) for r in rows), default=1) or 1
    out = []
    for r in sorted(rows, key=lambda r: (-_number(r["count"]), str(r[dim]))):
        value = r[dim]
        if dim == "province":
            label = (names or {}).get(value, value) if value else _("Not recorded")
            secondary = value or ""
        else:
            label, secondary = labels.get(value, value if value is not None else _("Not recorded")), ""
        shown = r["count"]
        out.append(
            {
                "label": label,
                "secondary": secondary,
                "count": shown,
                "hidden": not isinstance(shown, int),
                "width": f"{100 * _number(shown) / largest:.1f}",
            }
        )
    return out


def _year_chart(table: disclosure.Table) -> list[dict]:
    """Bars by year split into killed and injured, from the suppressed year × outcome table.

    A hidden segment is drawn hatched and shares what the visible figures leave of the year's total
    (itself derivable from the table), so the chart tells no more than the table.
    """
    years = sorted(table.margins_shown.get(0, {}))
    totals = {y: table.margins_shown[0][y] for y in years}
    largest = max((_number(t) for t in totals.values()), default=1) or 1
    bars = []
    for year in years:
        total = totals[year]
        parts = {o: table.shown.get((year, o)) for o in ("killed", "injured") if (year, o) in table.shown}
        visible = sum(v for v in parts.values() if isinstance(v, int))
        hidden = [o for o, v in parts.items() if not isinstance(v, int)]
        share = (max(_number(total) - visible, 0) / len(hidden)) if hidden else 0
        segments, x = [], 0.0
        for outcome in ("killed", "injured"):
            if outcome not in parts:
                continue
            value = parts[outcome]
            width = 100 * (value if isinstance(value, int) else share) / largest
            segments.append(
                {"key": outcome, "x": f"{x:.2f}", "width": f"{width:.2f}", "count": value, "hidden": outcome in hidden}
            )
            x += width
        bars.append({"year": year, "total": total, "segments": segments})
    return bars


def _country(request, names: dict[str, str]) -> str | None:
    value = (request.GET.get("country") or "").strip().upper()
    return value if value in names else None


def _login_url(request) -> str:
    return f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"


@page()
def home(request: HttpRequest) -> HttpResponse:
    """Casualty statistics for everyone; the register and accidents for the roles that may see them."""
    choices = country_choices()  # the programmes, read once for the selector and the check
    names = dict(choices)
    country = _country(request, names)
    requested = (request.GET.get("country") or "").strip()
    by_year = queries.casualty_table(["year", "outcome"], country=country)
    tables = []
    for dim in TABLES:
        table = queries.casualty_table([dim], country=country)
        names = queries.province_names([k[0] for k in table.cells]) if dim == "province" else None
        tables.append(
            {"dim": dim, "heading": _headings()[dim], "rows": _rows(table, dim, names), "total": table.total_shown}
        )
    assistance = queries.assistance_table(country=country)
    user = request.user
    context = {
        "country": country,
        "country_name": names.get(country, _("All countries")) if country else _("All countries"),
        "country_links": [{"label": _("All"), "url": request.path, "current": country is None}]
        + [
            {"label": str(name), "url": f"{request.path}?country={code}", "current": country == code}
            for code, name in choices
        ],
        "unknown_country": requested if requested and country is None else "",
        "years": _year_chart(by_year),
        "total": by_year.total_shown,
        "killed": by_year.margins_shown.get(1, {}).get("killed", 0),
        "injured": by_year.margins_shown.get(1, {}).get("injured", 0),
        "tables": tables,
        "needs": _rows(assistance["needs"], "need"),
        "threshold": disclosure.THRESHOLD,
        "has_synthetic": Victim.objects.filter(is_synthetic=True).exists()
        or Accident.objects.filter(is_synthetic=True).exists(),
        "login_url": _login_url(request),
        "can_register": access.can_view_pseudonymised(user),
        "can_accidents": user.is_authenticated and user.has_perm("victims.view_accident"),
        "can_personal": access.can_view_personal(user),
        "statistics_api": f"{get_script_prefix()}api/v1/victims/statistics",
    }
    if context["can_accidents"]:
        accidents = queries.accidents(country=country)
        labels = _labels()
        context["accidents"] = [
            {
                **queries.accident_properties(a),
                "type_label": labels["accident_type"].get(a.accident_type, a.accident_type),
                "device_label": labels["device_category"].get(a.device_category, a.device_category),
                "evidence_label": labels["evidence_status"].get(a.evidence_status, a.evidence_status),
            }
            for a in accidents[:ACCIDENT_LIMIT]
        ]
        context["accident_count"] = accidents.count()
        context["proposal_count"] = accidents.filter(evidence_status="proposed").count()
    if context["can_register"]:
        paginator = Paginator(queries.victims(country=country), REGISTER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        labels = _labels()
        context["register"] = [
            {
                **queries.victim_properties(v),
                "sex_label": labels["sex"].get(v.sex, v.sex),
                "age_label": labels["age_group"].get(v.age_group, v.age_group),
                "outcome_label": labels["outcome"].get(v.outcome, v.outcome),
                "type_label": labels["victim_type"].get(v.victim_type, v.victim_type),
                "url": reverse("victim-detail", args=[v.code]),
            }
            for v in page.object_list
        ]
        context["register_page"] = page
        context["page_query"] = f"country={country}&" if country else ""
    return render(request, "victims/home.html", context)


def _victim(code: str) -> Victim:
    return get_object_or_404(queries.victims(), code=code)


@page()
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """A victim's pseudonymised record; the VA role gets the form that opens the personal data."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_view_pseudonymised(request.user):
        raise PermissionDenied(_("Your role does not include victims' records."))
    victim = _victim(code)
    return render(request, "victims/detail.html", _detail_context(request, victim))


def _detail_context(request, victim: Victim) -> dict:
    labels = _labels()
    props = queries.victim_properties(victim)
    accident = queries.accidents().get(pk=victim.accident_id)
    return {
        "victim": props,
        "accident": queries.accident_properties(accident),
        "accident_record": accident,
        "labels": {
            "sex": labels["sex"].get(victim.sex),
            "age_group": labels["age_group"].get(victim.age_group),
            "outcome": labels["outcome"].get(victim.outcome),
            "victim_type": labels["victim_type"].get(victim.victim_type),
            "activity": labels["activity"].get(victim.activity),
            "device_tampered": labels["device_tampered"].get(victim.device_tampered),
            "device_category": labels["device_category"].get(accident.device_category),
            "accident_type": labels["accident_type"].get(accident.accident_type),
            "evidence_status": labels["evidence_status"].get(accident.evidence_status),
            "injuries": [_(dict(Victim.INJURY_CHOICES).get(i, i)) for i in victim.injuries],
            "needs": [labels["need"].get(n, n) for n in victim.needs],
        },
        "can_personal": access.can_view_personal(request.user),
        "min_purpose": access.MIN_PURPOSE,
        "has_synthetic": victim.is_synthetic,
    }


@page()
@never_cache
def personal(request: HttpRequest, code: str) -> HttpResponse:
    """The restricted view: personal data for the VA role, after a stated purpose; audited.

    Only POST opens it (the purpose comes from the form); a GET goes back to the victim's page.
    """
    if request.method != "POST":
        return redirect("victim-detail", code=code)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("victim-detail", args=[code]))
    victim = _victim(code)
    actor = Actor(user=request.user, channel="page", purpose=request.POST.get("purpose", ""))
    context = _detail_context(request, victim)
    try:
        data = services.reveal(victim, actor)
    except ValidationFailed as exc:
        return render(request, "victims/detail.html", {**context, "purpose_error": str(exc)}, status=422)
    except crypto.FieldKeyError as exc:
        return render(request, "victims/detail.html", {**context, "key_error": str(exc)}, status=503)
    labels = _labels()
    for r in data["referrals"]:
        r["need_label"] = labels["need"].get(r["need"], r["need"])
        r["status_label"] = labels["status"].get(r["status"], r["status"])
    for a in data["assessments"]:
        a["need_labels"] = [labels["need"].get(n, n) for n in a["needs"]]
    response = render(
        request,
        "victims/personal.html",
        {**context, "personal": data, "purpose": actor.purpose, "audit_user": actor.username},
    )
    response["Cache-Control"] = "no-store"
    return response
