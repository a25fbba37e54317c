"""`safeground victims …`: casualty statistics, accident proposals, audited personal-data operations,
the field encryption key (status, rotation) and the synthetic demo data.

Personal data is only shown, exported, rectified or erased for a named account (`--user`) whose
role allows it, with a stated purpose (`--purpose`); each operation writes an access audit entry.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from safeground.core import crypto
from safeground.core.errors import ValidationFailed


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


class Command(BaseCommand):
    help = "Casualty statistics, accident proposals, audited personal data, field key rotation, demo data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        p = sub.add_parser("stats", help="casualties by one or two dimensions, counts under 5 suppressed")
        p.add_argument("--by", default="year,outcome", help="e.g. year, province, sex,age_group (default year,outcome)")
        p.add_argument("--country")
        p.add_argument("--year", type=int)
        p.add_argument("--admin-area")
        p.add_argument("--csv", action="store_true", help="CSV on standard output")

        p = sub.add_parser("proposals", help="accidents proposed to the hazard registry as new evidence")
        p.add_argument("--country")

        p = sub.add_parser("decide", help="decide an accident's proposal: link, new hazard or dismiss")
        p.add_argument("code")
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument("--link", metavar="HAZARD", help="add the accident as evidence to this hazard")
        group.add_argument("--new-hazard", action="store_true", help="record a CHA around the accident point")
        group.add_argument("--dismiss", action="store_true")
        p.add_argument("--radius", type=float, default=50.0, help="radius of the new CHA in metres (default 50)")
        p.add_argument("--user", required=True)

        for name, text in (
            ("show", "show one victim's personal data (audited)"),
            ("erase", "erase one victim's personal data on request (audited)"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("code")
            p.add_argument("--user", required=True, help="the account doing it (its role must allow it)")
            p.add_argument("--purpose", required=True, help="why (recorded in the access audit)")

        p = sub.add_parser("rectify", help="correct a victim's record on request (audited)")
        p.add_argument("code")
        p.add_argument("changes", nargs="+", metavar="FIELD=VALUE", help="e.g. name='Sok Dara' sex=female")
        p.add_argument("--user", required=True)
        p.add_argument("--purpose", required=True)

        p = sub.add_parser("export", help="export personal data (one audit entry per person)")
        p.add_argument("--user", required=True)
        p.add_argument("--purpose", required=True)
        p.add_argument("--country")
        p.add_argument("--year", type=int)
        p.add_argument("--format", choices=["csv", "json"], default="csv")
        p.add_argument("--output", type=Path, help="file to write (default: standard output)")

        p = sub.add_parser("audit", help="the access audit, newest first")
        p.add_argument("--victim")
        p.add_argument("--user")
        p.add_argument("--limit", type=int, default=50)

        sub.add_parser("key-status", help="which keys encrypted the stored personal data")
        sub.add_parser("generate-key", help="print a new random field key (base64)")
        p = sub.add_parser("rotate-key", help="re-encrypt all personal data under the current (or a new) key")
        group = p.add_mutually_exclusive_group()
        group.add_argument("--generate", action="store_true", help="make a new key current in the key file first")
        group.add_argument("--new-key-file", type=Path, help="make the key in this file current in the key file first")
        p.add_argument("--keep-old", action="store_true", help="leave the old key in the key file afterwards")

        p = sub.add_parser("roles", help="create or update the role groups")
        p.add_argument("--demo-accounts", action="store_true", help="also the demo sign-ins (demo databases only)")

        p = sub.add_parser("demo", help="replace the synthetic accidents, victims and assistance records")
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--scale", default="small")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"refused: {exc} (the refusal is in the access audit)") from exc
        except crypto.FieldKeyError as exc:
            raise CommandError(f"field encryption key: {exc}") from exc

    # --- statistics and proposals --------------------------------------------------------------

    def do_stats(self, by, country, year, admin_area, csv, **_):
        from safeground.victims import api, queries

        dims = queries.parse_dimensions(by)
        table = queries.casualty_table(dims, country=country, year=year, admin_area=admin_area)
        if csv:
            self.stdout.write(api.table_csv(table), ending="")
            return
        width = max([len(" · ".join(str(v) for v in key)) for key in table.cells] + [10])
        for row in table.rows():
            label = " · ".join(str(row[d]) for d in dims)
            self.stdout.write(f"{label:<{width}}  {row['count']:>6}")
        self.stdout.write(f"{'Total':<{width}}  {table.total_shown:>6}")
        self.stdout.write(api.NOTE)

    def do_proposals(self, country, **_):
        from safeground.victims import queries

        rows = queries.accidents(country=country, evidence_status="proposed")
        for a in rows:
            near = (
                ", ".join(f"{h['code']} {h['distance_m']:,.0f} m" for h in queries.nearest_hazards(a))
                or "none within 2 km"
            )
            residual = f" on released land {a.product.code}" if a.product_id else ""
            self.stdout.write(
                f"{a.code}  {a.occurred_on}  {a.device_category}{residual}  "
                f"({a.point.x:.5f}, {a.point.y:.5f})  nearest hazards: {near}"
            )
        self.stdout.write(f"{rows.count()} proposals")

    def do_decide(self, code, link, new_hazard, dismiss, radius, user, **_):
        from safeground.victims import services
        from safeground.victims.models import Accident

        account = _user(user)
        if not account.has_perm("victims.change_accident"):
            raise CommandError(f"{user} may not decide accident proposals (victims.change_accident)")
        accident = Accident.objects.filter(code=code).first()
        if accident is None:
            raise CommandError(f"no accident {code!r}")
        action = "link" if link else "new_hazard" if new_hazard else "dismiss"
        accident = services.settle_evidence(accident, action=action, hazard=link, radius_m=radius, user=account)
        target = f" → hazard {accident.hazard.code}" if accident.hazard_id else ""
        self.stdout.write(self.style.SUCCESS(f"{accident.code}: {accident.get_evidence_status_display()}{target}"))

    # --- personal data ---------------------------------------------------------------------------

    def _victim(self, code):
        from safeground.victims.models import Victim

        victim = Victim.objects.select_related("accident").filter(code=code).first()
        if victim is None:
            raise CommandError(f"no victim {code!r}")
        return victim

    def _actor(self, user, purpose):
        from safeground.victims.access import Actor

        return Actor(user=_user(user), channel="cli", purpose=purpose)

    def do_show(self, code, user, purpose, **_):
        from safeground.victims import services

        data = services.reveal(self._victim(code), self._actor(user, purpose))
        self.stdout.write(json.dumps({"code": code, **data}, indent=2, default=str, ensure_ascii=False))
        self.stderr.write(f"(recorded in the access audit: {user}, {code}, purpose {purpose!r})")

    def do_erase(self, code, user, purpose, **_):
        from safeground.victims import services

        services.erase(self._victim(code), self._actor(user, purpose))
        self.stdout.write(self.style.SUCCESS(f"{code}: personal data erased; the anonymous casualty record stays"))

    def do_rectify(self, code, changes, user, purpose, **_):
        from safeground.victims import services

        parsed = {}
        for item in changes:
            field, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"{item!r}: give FIELD=VALUE")
            if field in ("injuries", "needs"):
                parsed[field] = [v for v in value.split(",") if v]
            elif field == "age_years":
                parsed[field] = int(value) if value else None
            else:
                parsed[field] = value
        services.rectify(self._victim(code), self._actor(user, purpose), **parsed)
        self.stdout.write(self.style.SUCCESS(f"{code}: rectified {', '.join(sorted(parsed))}"))

    def do_export(self, user, purpose, country, year, format, output, **_):
        from safeground.victims import queries, services

        rows = services.export_personal(queries.victims(country=country, year=year), self._actor(user, purpose))
        out = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            if format == "json":
                out.write(json.dumps(rows, indent=2, default=str, ensure_ascii=False) + "\n")
            elif rows:
                writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        finally:
            if output:
                out.close()
        self.stderr.write(f"exported {len(rows)} people; {len(rows)} access audit entries written")

    def do_audit(self, victim, user, limit, **_):
        from safeground.victims.models import AccessLog

        qs = AccessLog.objects.all()
        if victim:
            qs = qs.filter(victim_code=victim)
        if user:
            qs = qs.filter(username=user)
        for e in qs[:limit]:
            self.stdout.write(
                f"{e.at:%Y-%m-%d %H:%M:%S}  {e.username:<14} {e.action:<8} {e.victim_code or '—':<16} "
                f"{e.channel:<4} {', '.join(e.fields)}  “{e.purpose}”"
            )

    # --- keys ------------------------------------------------------------------------------------

    def do_generate_key(self, **_):
        self.stdout.write(crypto.generate_key())

    def do_key_status(self, **_):
        from safeground.victims import services

        ring = crypto.keyring()
        counts = services.key_status()
        self.stdout.write(f"key source: {ring.source}; current key {ring.current_id}")
        for kid in ring.ids[1:]:
            self.stdout.write(f"  also opens: {kid} (previous)")
        if not counts:
            self.stdout.write("no encrypted values stored")
        for kid, n in sorted(counts.items()):
            state = "current" if kid == ring.current_id else "previous" if kid in ring.ids else "NOT CONFIGURED"
            self.stdout.write(f"  {n:>8,} values under key {kid} ({state})")
        missing = [k for k in counts if k not in ring.ids]
        if missing:
            raise CommandError(f"values encrypted with key(s) {', '.join(missing)} cannot be opened: {crypto.HELP}")

    def do_rotate_key(self, generate, new_key_file, keep_old, **_):
        from safeground.victims import services

        ring = services.check_key(crypto.keyring())
        path = crypto.key_file_path()
        if generate or new_key_file:
            if path is None:
                raise CommandError(
                    f"the key comes from {crypto.ENV_KEY}: put the new key there, the old one in "
                    f"{crypto.ENV_OLD_KEYS}, run `safeground victims rotate-key`, then remove the old one"
                )
            new = crypto.generate_key() if generate else new_key_file.read_text().split("#")[0].strip()
            crypto.parse_key(new, str(new_key_file or "new key"))
            old = [crypto.base64.b64encode(k).decode() for k in (ring.current, *ring.previous)]
            # Both keys in the file before anything is re-encrypted: a crash leaves every value readable.
            crypto.write_key_file(path, [new, *old], comment="rotation in progress: the old keys still decrypt")
            crypto.reset()
            ring = crypto.keyring()
            self.stdout.write(f"new current key {ring.current_id} written to {path}")
        changed = services.reencrypt_all(ring)
        left = {k: n for k, n in services.key_status().items() if k != ring.current_id}
        self.stdout.write(
            f"re-encrypted {sum(changed.values()):,} values under key {ring.current_id}"
            + (f" ({', '.join(f'{m}: {n:,}' for m, n in sorted(changed.items()))})" if changed else "")
        )
        if left:
            raise CommandError(f"values still under other keys: {left}")
        if path is not None and (generate or new_key_file) and not keep_old:
            crypto.write_key_file(path, [crypto.base64.b64encode(ring.current).decode()])
            crypto.reset()
            self.stdout.write(f"old keys removed from {path}: they no longer open anything stored")
        elif ring.previous:
            self.stdout.write(f"nothing is stored under the previous key(s) any more; remove them from {ring.source}")

    # --- roles and demo --------------------------------------------------------------------------

    def do_roles(self, demo_accounts, **_):
        from safeground.organisations import roles

        groups = roles.ensure_roles()
        for key, group in groups.items():
            self.stdout.write(f"{key:<14} {group.permissions.count():>4} permissions")
        if demo_accounts:
            accounts = roles.ensure_demo_accounts()
            self.stdout.write(f"demo sign-ins ({roles.DEMO_PASSWORD}): {', '.join(accounts)}")

    def do_demo(self, seed, scale, **_):
        from safeground.organisations import roles
        from safeground.victims import demo

        demo.build(seed, scale, report=self.stdout.write)
        roles.ensure_demo_accounts()
        self.stdout.write(f"demo sign-ins ({roles.DEMO_PASSWORD}): {', '.join(roles.DEMO_ACCOUNTS)}")
