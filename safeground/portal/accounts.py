"""Sign-in and sign-out pages. The sign-in page lists the demo accounts (organisations' roles) when the
database holds synthetic demo data (hazards), so it spans apps and lives in the portal."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.hazards.queries import has_synthetic
from safeground.organisations.roles import DEMO_ACCOUNTS, DEMO_PASSWORD, ROLES


def _demo_accounts() -> list[dict]:
    """The demo sign-ins, listed on the sign-in page only when the database holds synthetic demo data."""
    if not has_synthetic():
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
