"""Sign-in, sign-out and the refusal page for forms without a valid CSRF token."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.roles import DEMO_ACCOUNTS, DEMO_PASSWORD, ROLES


def _demo_accounts() -> list[dict]:
    """The demo sign-ins, listed on the sign-in page only when the database holds synthetic demo data."""
    from django.contrib.auth import get_user_model

    from safeground.hazards.models import Hazard

    if not Hazard.objects.filter(is_synthetic=True).exists():
        return []
    present = set(get_user_model().objects.filter(username__in=DEMO_ACCOUNTS).values_list("username", flat=True))
    return [
        {"username": name, "role": _(ROLES[role].label), "organisation": acronym or ""}
        for name, (role, acronym) in DEMO_ACCOUNTS.items()
        if name in present
    ]


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = _demo_accounts()
        context["demo_password"] = DEMO_PASSWORD
        return context


sign_in = page(public=True)(SignInView.as_view())
sign_out = page(public=True)(auth_views.LogoutView.as_view())


def csrf_failure(request, reason: str = ""):
    """A form posted without a valid CSRF token (tampered, forged or from an expired page): refused, nothing done."""
    return render(request, "registration/csrf_failure.html", {"reason": reason}, status=403)
