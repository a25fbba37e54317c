"""`safeground token create USERNAME [--name N]` prints a new API token (shown once);
`safeground token list USERNAME`; `safeground token revoke PREFIX`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.core.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for")
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
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}; create one with `safeground createsuperuser`")
        if action == "create":
            _, raw = ApiToken.issue(user, name=options["name"])
            self.stdout.write(raw)
        else:
            for token in user.api_tokens.order_by("created_at"):
                state = "revoked" if token.revoked else "active"
                self.stdout.write(f"{token.prefix}…  {state}  created {token.created_at:%Y-%m-%d}  {token.name}")
