"""Writes on core's own tables: a signed-in user's API tokens (the "API tokens" page)."""

from __future__ import annotations

from safeground.core.errors import ValidationFailed
from safeground.core.models import ApiToken

#: Lifetimes offered on the page (days; 0 = never). The CLI takes any number of days.
TOKEN_LIFETIMES = (30, 90, 365, 0)
NAME_LENGTH = 100  # ApiToken.name's max_length


def create_token(user, name: str, days: int) -> tuple[ApiToken, str]:
    """A token for `user` and its raw value, to show once. Bad input raises, nothing is written."""
    name = name.strip()
    if len(name) > NAME_LENGTH:
        raise ValidationFailed("the name is too long: at most 100 characters", field="name")
    if days not in TOKEN_LIFETIMES:
        raise ValidationFailed(
            f"the lifetime is one of {', '.join(map(str, TOKEN_LIFETIMES))} days (0: never), not {days}", field="days"
        )
    return ApiToken.issue(user, name=name, days=days)


def revoke_token(user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own active tokens; another user's, a revoked or an unknown one raises."""
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked=False).first()
    if token is None:
        raise ValidationFailed("no active token of yours with that number", field="token")
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token
