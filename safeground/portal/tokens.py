"""The "API tokens" page: a signed-in user lists their own tokens, creates one (shown once) and
revokes them, without asking an administrator to run `safeground token`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.core.services import TOKEN_LIFETIMES, create_token, revoke_token


def _lifetimes() -> list[tuple[int, str]]:
    return [
        (days, ngettext("%(n)d day", "%(n)d days", days) % {"n": days} if days else _("Never expires"))
        for days in TOKEN_LIFETIMES
    ]


def _error(exc: ValidationFailed) -> str:
    """The service's reason in the page's language (its own text is English, for the logs and the API)."""
    return {
        "name": _("The name is too long: at most 100 characters."),
        "days": _("Choose one of the lifetimes offered."),
        "token": _("That token is not one of your active tokens; nothing was revoked."),
    }.get(exc.field or "", str(exc))


def _number(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@never_cache  # the new token is in the page once; no cache may keep it
@page()
def api_tokens(request: HttpRequest) -> HttpResponse:
    error, new_token, created = "", "", None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                days = _number(request.POST.get("days", ""))
                name = request.POST.get("name", "")
                created, new_token = create_token(request.user, name, -1 if days is None else days)
            elif action == "revoke":
                token = revoke_token(request.user, _number(request.POST.get("token", "")) or 0)
                messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
                return redirect("api-tokens")
            else:
                error = _("Unknown action.")
        except ValidationFailed as exc:
            error = _error(exc)
    tokens = request.user.api_tokens.order_by("-created_at")
    context = {
        "tokens": tokens,
        "lifetimes": _lifetimes(),
        "default_days": settings.SAFEGROUND_TOKEN_DAYS,
        "new_token": new_token,
        "created": created,
        "error": error,
    }
    return render(request, "portal/api_tokens.html", context, status=422 if error else 200)
