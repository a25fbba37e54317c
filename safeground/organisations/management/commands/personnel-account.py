"""`safeground personnel-account link|unlink|show CODE [USERNAME]`: a person's sign-in.

A person's qualifications count for the account linked to them: an EOD certification opens the
library's render-safe procedures (safeground/library/access.py) to that account and no other.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import services
from safeground.organisations.models import Personnel


class Command(BaseCommand):
    help = "Link a person (staff number) to a sign-in, unlink it, or show the link."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["link", "unlink", "show"])
        parser.add_argument("code", help="the person's staff number")
        parser.add_argument("username", nargs="?", help="the account (link only)")

    def handle(self, *args, **options):
        person = Personnel.objects.filter(code=options["code"]).first()
        if person is None:
            raise CommandError(f"no person with the staff number {options['code']!r}")
        action, username = options["action"], options["username"]
        try:
            if action == "link":
                if not username:
                    raise CommandError("link needs the USERNAME of the account")
                user = get_user_model().objects.filter(username=username).first()
                if user is None:
                    raise CommandError(f"no account named {username!r}")
                services.link_account(person, user, reason="safeground personnel-account link")
                self.stdout.write(f"linked {person.code} to {username}")
            elif action == "unlink":
                services.unlink_account(person, reason="safeground personnel-account unlink")
                self.stdout.write(f"unlinked {person.code}")
            else:
                linked = person.account.get_username() if person.account is not None else "-"
                self.stdout.write(f"{person.code}\t{linked}")
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
