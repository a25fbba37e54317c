"""`safeground demo [--scale tiny|small|national] [--seed N] [--no-serve] [--host H] [--port P]`

Migrates the database, loads the reference gazetteer if it is empty, replaces the synthetic dataset
(one transaction), makes sure the `admin` / `safeground-demo` superuser exists, prints a summary and
serves the site with gunicorn (`safeground serve`). Without SAFEGROUND_SECRET_KEY it serves with a
random key made for this run (`serve` refuses the public built-in one): sign-ins end when it stops.
"""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from safeground.core.security import uses_built_in_secret_key
from safeground.demo.profiles import SCALES

ADMIN_USER = "admin"
ADMIN_PASSWORD = "safeground-demo"


def _short(message: str, limit: int = 240) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


class Command(BaseCommand):
    help = "Build the synthetic demo dataset on the real Cambodian and Azerbaijani geography, then serve it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="small",
            help="; ".join(f"{s.name}: {s.description}" for s in SCALES.values()),
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same dataset)")
        parser.add_argument("--no-serve", action="store_true", help="build the dataset and stop")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, scale, seed, no_serve, host, port, **options):
        from safeground.demo import dependents, generator
        from safeground.gazetteer.models import AdminArea

        started = time.perf_counter()
        out = self.stdout
        out.write("SafeGround demo: migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        if not AdminArea.objects.exists():
            out.write(f"Loading the reference gazetteer from {settings.SHARED_DATA_DIR} …")
            from safeground.gazetteer.loaders import load_reference

            load_reference(settings.SHARED_DATA_DIR, report=lambda message: out.write(f"  {_short(message)}"))
        out.write(f"Building the {scale} synthetic dataset (seed {seed}) …")
        try:
            with transaction.atomic():
                dependents.delete()  # their rows point at the core dataset that build() replaces
                result = generator.build(scale, seed, report=out.write)
                accounts = dependents.build(seed, scale, report=out.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:
            raise CommandError(
                "real (non-demo) records refer to demo records, so the previous demo dataset can't be replaced; "
                f"nothing was changed ({exc})"
            ) from exc
        if result.missing_models:
            out.write(
                "  note: not in the ordnance catalogue, devices/hazards keep only their category: "
                + ", ".join(result.missing_models)
            )
        if result.short:
            out.write(f"  note: {result.short} hazards could not be placed without overlaps")
        self._admin()
        out.write(f"  demo sign-ins (password {ADMIN_PASSWORD}): {', '.join(accounts)}")
        elapsed = time.perf_counter() - started
        out.write("")
        out.write(self.style.SUCCESS(f"Synthetic dataset ready ({scale}, seed {seed}) in {elapsed:.1f} s:"))
        counts = result.counts
        out.write(
            f"  {counts['organisations']} organisations, {counts['teams']} teams, {counts['assets']:,} assets; "
            f"{counts['hazards']:,} hazards, {counts['evidence']:,} evidence items, "
            f"{counts['beneficiaries']:,} beneficiary rows"
        )
        for line in generator.summary():
            out.write(f"  {line}")
        out.write("  All demo records are marked is_synthetic; they describe no real place's contamination.")
        if no_serve:
            return
        out.write("")
        out.write(
            self.style.SUCCESS(
                f"SafeGround demo: http://{host}:{port}  sign in at /accounts/login/: {ADMIN_USER} / {ADMIN_PASSWORD}"
            )
        )
        out.write(f"  one account per role, same password: {', '.join(accounts)}")
        if not settings.DEBUG and uses_built_in_secret_key():
            settings.SECRET_KEY = secrets.token_urlsafe(50)
            out.write("  no SAFEGROUND_SECRET_KEY set: this run uses a random one (sign-ins end when it stops)")
        out.flush()
        call_command("serve", host=host, port=port)

    def _admin(self) -> None:
        User = get_user_model()
        user = User.objects.filter(username=ADMIN_USER).first()
        if user is None:
            User.objects.create_superuser(ADMIN_USER, "admin@example.org", ADMIN_PASSWORD)
            self.stdout.write(f"  created superuser {ADMIN_USER}")
            return
        user.set_password(ADMIN_PASSWORD)
        user.is_superuser = user.is_staff = user.is_active = True
        user.save()
        self.stdout.write(f"  reset the password of {ADMIN_USER}")
