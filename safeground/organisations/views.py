"""Organisation pages for the IM officer: the list with an add form, and one organisation with its
teams and assets, an edit form (carrying the version: a change made to an older version is refused
instead of overwriting someone's edit), deactivation, and forms to add a team or an asset.

Every write goes through `organisations.structure`, as the CLI and the API do.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.gazetteer.queries import country_choices
from safeground.organisations import structure
from safeground.organisations.models import Asset, Organisation, Team


def _kinds(model) -> list[tuple[str, str]]:
    return [(k, _(v)) for k, v in model.KIND_CHOICES]


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(f"this needs the permission {permission}")


@page("organisations.view_organisation")
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every organisation (a programme's, with `?country=`); POST adds one."""
    country = request.GET.get("country", "")
    error, status, form = "", 200, {}
    if request.method == "POST":
        _require(request, "organisations.add_organisation")
        form = {k: request.POST.get(k, "").strip() for k in ("acronym", "name", "kind", "country")}
        try:
            org = structure.create_organisation(**form)
            messages.success(request, _("Organisation %(acronym)s added.") % {"acronym": org.acronym})
            return redirect("organisation-detail", acronym=org.acronym)
        except ValidationFailed as exc:
            error, status = str(exc), 422
    rows = Organisation.objects.order_by("country", "acronym")
    if country:
        rows = rows.filter(country=country)
    context = {
        "organisations": rows.prefetch_related("teams"),
        "country": country,
        "countries": country_choices(),
        "kinds": _kinds(Organisation),
        "form": form,
        "error": error,
        "can_add": request.user.has_perm("organisations.add_organisation"),
    }
    return render(request, "organisations/list.html", context, status=status)


@page("organisations.view_organisation")
def organisation_detail(request: HttpRequest, acronym: str) -> HttpResponse:
    """One organisation; POST `action` = edit, deactivate, activate, team or asset."""
    org = Organisation.objects.filter(acronym=acronym).first()
    if org is None:
        raise Http404(_("No such organisation."))
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(request, org, action)
            messages.success(request, done)
            return redirect("organisation-detail", acronym=org.acronym)
        except StaleVersion as exc:
            error, status = str(exc), 409
        except ValidationFailed as exc:
            error, status = str(exc), 422
        org.refresh_from_db()
    teams = Team.objects.filter(organisation=org).order_by("code")
    context = {
        "org": org,
        "teams": teams,
        "assets": Asset.objects.filter(team__organisation=org).select_related("team").order_by("kind", "identifier"),
        "countries": country_choices(),
        "kinds": _kinds(Organisation),
        "team_kinds": _kinds(Team),
        "asset_kinds": _kinds(Asset),
        "error": error,
        "can_change": request.user.has_perm("organisations.change_organisation"),
        "can_add_team": request.user.has_perm("organisations.add_team") and org.is_active,
        "can_add_asset": request.user.has_perm("organisations.add_asset") and teams.exists(),
    }
    return render(request, "organisations/detail.html", context, status=status)


def _act(request, org: Organisation, action: str) -> str:
    post = request.POST
    version = post.get("version", "")
    expected = int(version) if version.isdigit() else None
    if action == "edit":
        _require(request, "organisations.change_organisation")
        changes = {k: post.get(k, "").strip() for k in ("name", "kind", "country")}
        structure.edit_organisation(org.acronym, expected_version=expected, **changes)
        return _("%(acronym)s saved.") % {"acronym": org.acronym}
    if action in ("deactivate", "activate"):
        _require(request, "organisations.change_organisation")
        structure.edit_organisation(org.acronym, expected_version=expected, is_active=action == "activate")
        if action == "activate":
            return _("%(acronym)s is active again.") % {"acronym": org.acronym}
        return _("%(acronym)s deactivated: it stays in the records and takes no new work.") % {"acronym": org.acronym}
    if action == "team":
        _require(request, "organisations.add_team")
        size = post.get("size", "")
        team = structure.create_team(
            org.acronym, post.get("code", ""), post.get("kind", ""), int(size) if size.isdigit() else size
        )
        return _("Team %(code)s added.") % {"code": team.code}
    if action == "asset":
        _require(request, "organisations.add_asset")
        team_code = post.get("team", "")
        if not Team.objects.filter(organisation=org, code=team_code).exists():
            raise ValidationFailed(_("choose one of this organisation's teams"), field="team")
        asset = structure.create_asset(
            post.get("kind", ""), post.get("identifier", ""), post.get("name", ""), team_code
        )
        return _("Asset %(identifier)s added.") % {"identifier": asset.identifier}
    raise ValidationFailed(_("Unknown action."), field="action")
