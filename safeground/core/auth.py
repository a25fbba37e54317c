"""API authentication: `Authorization: Bearer <token>` from `safeground token create USERNAME`,
or the signed-in session (with CSRF) for the pages."""

import copy
import datetime as dt

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from safeground.core import table_versions
from safeground.core.models import ApiToken

#: `last_used_at` is a token's last write, to the nearest few minutes: recording every request would
#: make each read a write, which on SQLite takes the one write lock (decision 0022).
LAST_USED_EVERY = dt.timedelta(minutes=5)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


#: The tables that decide what a token opens: its own row, its account, the account's roles and
#: permissions. While their change tokens (core.table_versions) stay the same, a process reuses
#: the token's row and account from its last request, permission caches included: one small query
#: instead of a lookup that cost a millisecond of ORM work a request. Revoking a token, changing
#: an account or its roles replaces a change token, so the next request looks again.
ACCOUNT_TABLES = (
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
)
TOKEN_TABLES = ("core_apitoken", *ACCOUNT_TABLES)
_known: dict[str, tuple[str, ApiToken]] = {}  # digest → (the tables' change tokens, the row)
KNOWN_MAX = 1000


def _token_row(digest: str) -> ApiToken | None:
    # Inside an open transaction (a caller's atomic block, a test) a change made in it has not
    # replaced any change token yet: look the token up every time.
    stamp = None if connection.in_atomic_block else "|".join(table_versions.tokens(TOKEN_TABLES).values())
    found = _known.get(digest)
    if stamp is not None and found is not None and found[0] == stamp:
        row = copy.copy(found[1])
        row.user = copy.copy(found[1].user)  # a request may set attributes on its user: never on the shared one
        return row
    row = ApiToken.objects.select_related("user").filter(digest=digest, revoked=False, user__is_active=True).first()
    if row is not None and stamp is not None:
        if len(_known) >= KNOWN_MAX:
            _known.clear()
        _known[digest] = (stamp, row)
    return row


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        row = _token_row(ApiToken.hash(token))
        if row is None:
            return None
        if row.expired:
            raise HttpError(401, f"this API token expired on {row.expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one")
        now = timezone.now()
        if request.method not in SAFE_METHODS and (
            row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY
        ):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


write_auth = [BearerToken(), SessionAuth()]


def has_role_permission(user, perm: str) -> bool:
    """`user.has_perm` without the superuser shortcut: held through a group or granted directly.

    For permissions that expose personal data, where "the administrator can do everything" is not
    acceptable: an account sees names only when it has been given the role that allows it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    app_label, codename = perm.split(".", 1)
    return Permission.objects.filter(
        Q(group__user=user) | Q(user=user), content_type__app_label=app_label, codename=codename
    ).exists()


def _checked(user, perms: tuple[str, ...], by_role: bool = False, request=None, on_refusal=None):
    allowed = has_role_permission if by_role else (lambda u, p: u.has_perm(p))
    if user is not None and not any(allowed(user, p) for p in perms):
        if on_refusal is not None:
            on_refusal(request, user)
        raise HttpError(403, f"{user.get_username()} may not do this: it needs the permission {' or '.join(perms)}")
    return user


class _BearerWithPermission(BearerToken):
    def __init__(self, perms: tuple[str, ...], by_role: bool, on_refusal):
        super().__init__()
        self.perms, self.by_role, self.on_refusal = perms, by_role, on_refusal

    def authenticate(self, request, token: str):
        return _checked(super().authenticate(request, token), self.perms, self.by_role, request, self.on_refusal)


class _SessionWithPermission(SessionAuth):
    def __init__(self, perms: tuple[str, ...], by_role: bool, on_refusal):
        super().__init__()
        self.perms, self.by_role, self.on_refusal = perms, by_role, on_refusal

    def authenticate(self, request, key):
        return _checked(super().authenticate(request, key), self.perms, self.by_role, request, self.on_refusal)


def needs(*perms: str, by_role: bool = False, on_refusal=None) -> list:
    """Auth for an operation that needs one of `perms`: 401 unless signed in or with a token, 403 naming
    the permission otherwise. Checked before the body is read, so a refused caller learns nothing else.

    `by_role=True` ignores the superuser shortcut (personal data: see has_role_permission);
    `on_refusal(request, user)` runs before the 403 (the victims app audits refused attempts)."""
    return [_BearerWithPermission(perms, by_role, on_refusal), _SessionWithPermission(perms, by_role, on_refusal)]


#: Every API operation needs one of these unless it says `auth=None` (public reference data).
read_auth = write_auth


def require_permission(request, perm: str) -> None:
    """403 naming the account and the missing permission (roles give permissions, see organisations.roles)."""
    if not request.user.has_perm(perm):
        raise HttpError(403, f"{request.user.get_username()} may not do this: it needs the permission {perm}")
