"""`safeground token create USERNAME [--name N] [--expires DAYS|never]` prints a new API token (shown once);
`safeground token list USERNAME`; `safeground token revoke PREFIX`.

Tokens last settings.SAFEGROUND_TOKEN_DAYS (90 by default) unless `--expires` says otherwise;
`never` is for service accounts whose token is rotated by hand. Signed-in users manage their own
tokens on the "API tokens" page too.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.core.models import ApiToken


def lifetime(value: str) -> int:
    """`--expires`: a whole number of days from 1, or `never` (0 inside)."""
    if value.strip().lower() == "never":
        return 0
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 1:
        raise CommandError(f"--expires takes a number of days (1 or more) or 'never', not {value!r}")
    return days


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for")
        create.add_argument(
            "--expires",
            metavar="DAYS|never",
            default=None,
            help=f"lifetime in days, or 'never' (default {settings.SAFEGROUND_TOKEN_DAYS}, SAFEGROUND_TOKEN_DAYS)",
        )
        listing = sub.add_parser("list", help="List a user's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "revoke":
            count = ApiToken.objects.filter(prefix=options["prefix"], revoked=False).update(revoked=True)
            if not count:
                raise CommandError(f"no active token with prefix {options['prefix']!r}")
            self.stdout.write(f"revoked {count} token(s)")
            return
        days = lifetime(options["expires"]) if action == "create" and options["expires"] is not None else None
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}; create one with `safeground createsuperuser`")
        if action == "create":
            token, raw = ApiToken.issue(user, name=options["name"], days=days)
            self.stdout.write(raw)
            until = f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "never expires"
            self.stderr.write(f"{token.prefix}… {until}")
        else:
            for token in user.api_tokens.order_by("created_at"):
                until = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
                self.stdout.write(
                    f"{token.prefix}…  {token.state}  created {token.created_at:%Y-%m-%d}  {until}  {token.name}"
                )
