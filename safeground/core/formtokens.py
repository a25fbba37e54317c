"""One-time, signed form tokens: a replayed or altered form post is refused.

CSRF (Django's middleware) proves a post comes from our page; these tokens add what CSRF doesn't:
a token names what the form is for (`purpose`, e.g. "review:<id>:<revision>") and who it was shown
to, so a decision form can't be replayed after the submission changed, nor posted by someone else,
and carries a nonce a creating form stores with its record (a unique column), so posting the
same form twice creates nothing the second time.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.utils.translation import gettext as _

SALT = "safeground.formtoken"
MAX_AGE_S = 12 * 3600  # a working day: a form left open overnight must be reloaded


class FormTokenInvalid(ValueError):
    """The form's token is missing, altered, expired, for another form, or for another account."""


def issue(user, purpose: str) -> str:
    return signing.dumps({"p": purpose, "u": user.pk, "n": secrets.token_hex(16)}, salt=SALT)


def check(user, purpose: str, token: str | None) -> str:
    """The token's nonce if it was issued to `user` for `purpose` within MAX_AGE_S; else FormTokenInvalid."""
    if not token:
        raise FormTokenInvalid(_("the form has no token: reload the page"))
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_S)
    except signing.SignatureExpired as exc:
        raise FormTokenInvalid(_("the form expired: reload the page")) from exc
    except signing.BadSignature as exc:
        raise FormTokenInvalid(_("the form was altered: reload the page")) from exc
    if data.get("u") != user.pk:
        raise FormTokenInvalid(_("the form was shown to another account"))
    if data.get("p") != purpose:
        raise FormTokenInvalid(_("the form is out of date (the record changed or was already decided): reload it"))
    return data["n"]
