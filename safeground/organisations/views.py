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
    error, status, kept = "", 200, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(request, org, action)
            messages.success(request, done)
            return redirect("organisation-detail", acronym=org.acronym)
        except StaleVersion as exc:
            # The form comes back with what the user typed and the newer version: saving again applies it.
            error, status = (
                _(
                    "Someone else changed this since you opened the page; it is now at version "
                    "%(version)s. Your changes are kept below: check them and save again."
                )
                % {"version": exc.current},
                409,
            )
            kept = {
                "action": action,
                "target": request.POST.get("target", ""),
                "version": exc.current,
                **{k: request.POST.get(k, "") for k in ("name", "kind", "country", "size", "team")},
            }
        except ValidationFailed as exc:
            error, status = str(exc), 422
        org.refresh_from_db()
    teams = list(Team.objects.filter(organisation=org).order_by("code"))
    assets = list(Asset.objects.filter(team__organisation=org).select_related("team").order_by("kind", "identifier"))
    context = {
        "org": org,
        "org_form": _shown(kept, "edit", "", org, {"name": org.name, "kind": org.kind, "country": org.country}),
        "teams": [(t, _shown(kept, "edit-team", t.code, t, {"kind": t.kind, "size": t.size})) for t in teams],
        "assets": [
            (a, _shown(kept, "edit-asset", a.identifier, a, {"name": a.name, "team": a.team.code})) for a in assets
        ],
        "countries": country_choices(),
        "kinds": _kinds(Organisation),
        "team_kinds": _kinds(Team),
        "asset_kinds": _kinds(Asset),
        "error": error,
        "kept": kept,
        "can_change": request.user.has_perm("organisations.change_organisation"),
        "can_add_team": request.user.has_perm("organisations.add_team") and org.is_active,
        "can_add_asset": request.user.has_perm("organisations.add_asset") and bool(teams),
        "can_change_team": request.user.has_perm("organisations.change_team"),
        "can_change_asset": request.user.has_perm("organisations.change_asset"),
    }
    return render(request, "organisations/detail.html", context, status=status)


def _shown(kept: dict, action: str, target: str, record, stored: dict) -> dict:
    """What a record's form shows: the stored values, or after a refused stale save of this very form the
    values the user typed (so nothing is lost), with the record's current version either way."""
    values = stored
    if kept.get("action") == action and kept.get("target", "") == target:
        values = {k: kept.get(k, "") for k in stored}
    return {**values, "version": record.version}


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
    if action == "edit-team":
        _require(request, "organisations.change_team")
        team = Team.objects.filter(organisation=org, code=post.get("target", "")).first()
        if team is None:
            raise ValidationFailed(_("choose one of this organisation's teams"), field="team")
        size = post.get("size", "")
        structure.edit_team(
            team.code, expected_version=expected, kind=post.get("kind", ""), size=int(size) if size.isdigit() else size
        )
        return _("Team %(code)s saved.") % {"code": team.code}
    if action == "edit-asset":
        _require(request, "organisations.change_asset")
        asset = Asset.objects.filter(team__organisation=org, identifier=post.get("target", "")).first()
        team_code = post.get("team", "")
        if asset is None or not Team.objects.filter(organisation=org, code=team_code).exists():
            raise ValidationFailed(_("choose one of this organisation's teams"), field="team")
        structure.edit_asset(asset.identifier, expected_version=expected, name=post.get("name", ""), team=team_code)
        return _("Asset %(identifier)s saved.") % {"identifier": asset.identifier}
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
