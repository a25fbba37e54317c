"""The refusal page for forms without a valid CSRF token (settings.CSRF_FAILURE_VIEW).

Sign-in and sign-out are in safeground.portal.accounts: the sign-in page lists the demo accounts,
which needs the organisations' roles and the hazards, and `core` imports no app.
"""

from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form posted without a valid CSRF token (tampered, forged or from an expired page): refused, nothing done."""
    return render(request, "registration/csrf_failure.html", {"reason": reason}, status=403)
