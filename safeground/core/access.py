"""Who may open which page: one decorator per view, and a guard that refuses views without one.

Every page view states its rule with `@page(...)`:

    @page()                          # any signed-in account
    @page("landrelease.view_product") # signed in and holding this permission (through a role)
    @page(public=True)               # anyone, signed in or not (sign-in page, public dashboard)
    @page(token=True)                # also accepts `Authorization: Bearer <token>` (OGC API for QGIS/GDAL)

Anonymous visitors of a non-public page are sent to the sign-in page; signed-in accounts without
the permission get 403. `AccessGuardMiddleware` answers 403 for any view under the site's own
URLs that has no rule, so a page added without one is closed rather than open (the role matrix
test also lists every URL pattern and fails on one without a rule). The admin site, the API and
Django's own views (language switch, static files) carry their own checks and are exempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from ninja.errors import HttpError

#: URL prefixes whose views check access themselves (admin: staff; API: Ninja auth per operation).
EXEMPT_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/media/")


@dataclass(frozen=True)
class Access:
    permission: str | None = None
    public: bool = False

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return self.permission is None or user.has_perm(self.permission)


def _bearer_user(request):
    from safeground.core.auth import BearerToken

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return BearerToken().authenticate(request, header.removeprefix("Bearer ").strip())


def page(permission: str | None = None, *, public: bool = False, token: bool = False):
    """Declare who may open a page view (see the module docstring)."""
    rule = Access(permission, public)

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if token and not request.user.is_authenticated:
                detail = "Unauthorized: sign in or send a bearer token"
                try:
                    request.user = _bearer_user(request) or request.user
                except HttpError as refused:  # an expired token: say so
                    detail = str(refused)
                if not request.user.is_authenticated:
                    response = JsonResponse({"detail": detail}, status=401)
                    response["WWW-Authenticate"] = 'Bearer realm="safeground"'
                    return response
            if not rule.public and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule.allows(request.user):
                raise PermissionDenied(f"this page needs the permission {permission}")
            return view(request, *args, **kwargs)

        guarded.access = rule
        return guarded

    return decorate


def rule_of(view) -> Access | None:
    """The rule a resolved view declared with `@page` (class-based views: wrap their `as_view()`)."""
    return getattr(view, "access", None)


class AccessGuardMiddleware:
    """Refuse (403) any of the site's own views that does not declare an access rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(EXEMPT_PREFIXES):
            return None
        if rule_of(view_func) is None:
            raise PermissionDenied("this page declares no access rule")
        return None
