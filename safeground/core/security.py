"""Production safety: the Content-Security-Policy header and the deploy check on the secret key.

Django 5.2 has no CSP support of its own (6.0 adds it), and the policy is one fixed header, so a
few lines here instead of a dependency. The policy lives in settings.SAFEGROUND_CSP.
"""

from django.conf import settings
from django.core import checks


def csp_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds settings.SAFEGROUND_CSP to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = csp_header(settings.SAFEGROUND_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


SECRET_KEY_HELP = (
    "Set SAFEGROUND_SECRET_KEY in the environment to a long random value, for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, and keep it the same across restarts."
)


def uses_built_in_secret_key() -> bool:
    return settings.SECRET_KEY == getattr(settings, "INSECURE_DEFAULT_SECRET_KEY", None)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    """Django's own W009 misses the built-in key (it is long and not `django-insecure-`)."""
    if not uses_built_in_secret_key():
        return []
    return [
        checks.Error(
            "SECRET_KEY is SafeGround's built-in development key, which is public: "
            "anyone could forge sessions and password-reset links.",
            hint=SECRET_KEY_HELP,
            id="safeground.E001",
        )
    ]
