"""API authentication: `Authorization: Bearer <token>` from `safeground token create USERNAME`,
or the signed-in session (with CSRF) for the pages."""

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from safeground.core.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


write_auth = [BearerToken(), SessionAuth()]


#: Every API operation needs one of these unless it says `auth=None` (public reference data).
read_auth = write_auth


def require_permission(request, perm: str) -> None:
    """403 naming the account and the missing permission (roles give permissions, see core.roles)."""
    if not request.user.has_perm(perm):
        raise HttpError(403, f"{request.user.get_username()} may not do this: it needs the permission {perm}")
