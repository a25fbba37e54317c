"""`safeground sync …`: field-office sync between a laptop and the national server (docs/field-sync.md).

On the laptop:
    safeground sync keygen [--dir var/keys]            (the installation's key; same as `exchange keygen`)
    safeground sync init --office CODE --organisation ACRONYM [--name "…"]
    safeground sync export --out FILE.sgx
    safeground sync trust-server --key FILE_OR_LINE
    safeground sync apply-receipt FILE.sgx
    safeground sync status
On the national server:
    safeground sync office add --code CODE --organisation ACRONYM --key FILE_OR_LINE --account USERNAME [--name …]
    safeground sync office list
    safeground sync import FILE.sgx [--user USERNAME]
    safeground sync receipt --office CODE --out FILE.sgx
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.core import packages
from safeground.core.errors import ValidationFailed
from safeground.fieldsync import queries, services


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc


class Command(BaseCommand):
    help = "Field-office sync: export a laptop's changes, import them into the workbench, receipts back."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("keygen", help="make this installation's signing key")
        p.add_argument("--dir", help="where (default: the folder of $SAFEGROUND_SIGNING_KEY, or var/keys)")
        p = sub.add_parser("init", help="make this installation a field office; its baseline is now")
        p.add_argument("--office", required=True)
        p.add_argument("--organisation", required=True)
        p.add_argument("--name", default="")
        p = sub.add_parser("export", help="sign and write what changed here since the last sync")
        p.add_argument("--out", required=True)
        p = sub.add_parser("trust-server", help="register the national server's public key (for receipts)")
        p.add_argument("--key", required=True, help="the key's file or its line ed25519:…")
        p = sub.add_parser("apply-receipt", help="verify a receipt and record each item's status")
        p.add_argument("file")
        sub.add_parser("status", help="the packages sent and their items' status")
        office = sub.add_parser("office", help="field offices registered here").add_subparsers(
            dest="office_action", required=True
        )
        p = office.add_parser("add", help="register an office's key and the account it submits as")
        p.add_argument("--code", required=True)
        p.add_argument("--name", default="")
        p.add_argument("--organisation", required=True)
        p.add_argument("--key", required=True, help="the office's public key: file or line ed25519:…")
        p.add_argument("--account", required=True, help="username of an operator of the organisation")
        office.add_parser("list", help="the offices")
        p = sub.add_parser("import", help="verify a field office's package and submit its items to the workbench")
        p.add_argument("file")
        p.add_argument("--user", help="who imports (recorded)")
        p = sub.add_parser("receipt", help="sign the status of everything an office has sent")
        p.add_argument("--office", required=True)
        p.add_argument("--out", required=True)

    def handle(self, *args, **options):
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(options)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc

    def _keygen(self, options):
        directory = Path(options["dir"]) if options["dir"] else packages.own_key_path().parent
        name = packages.own_key_path().stem if not options["dir"] else "signing-key"
        try:
            private, public, fingerprint = packages.generate_key(directory, name)
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"private key {private}\npublic key {public} ({public.read_text().strip()})")
        self.stdout.write(f"fingerprint {fingerprint}")

    def _init(self, options):
        office = services.init_office(
            code=options["office"], organisation=options["organisation"], name=options["name"]
        )
        self.stdout.write(
            f"field office {office.code} of {office.organisation}; baseline {office.baseline_at.isoformat()}"
        )

    def _export(self, options):
        package = services.export_package(Path(options["out"]))
        if package is None:
            self.stdout.write("nothing created or changed since the last sync: no package written")
            return
        counts = ", ".join(f"{k} {v}" for k, v in sorted(package.counts.items()))
        self.stdout.write(f"{package.code} {package.package_id[:12]} → {options['out']}: {counts}")

    def _trust_server(self, options):
        office = services.trust_server(options["key"])
        self.stdout.write(f"receipts must now be signed by {office.server_fingerprint}")

    def _apply_receipt(self, options):
        result = services.apply_receipt(_read(options["file"]))
        self.stdout.write(result.message)
        for item in result.unknown:
            self.stdout.write(f"  not sent from here: {item}")

    def _status(self, options):
        for item in queries.items():
            line = f"{item.item_id:<20} {item.kind:<8} {item.action:<7} {item.local_code:<22} {item.status}"
            extra = item.national_code or item.comment
            self.stdout.write(line + (f"  {extra}" if extra else ""))

    def _office(self, options):
        if options["office_action"] == "add":
            office = services.add_office(
                code=options["code"],
                name=options["name"],
                organisation=options["organisation"],
                key=options["key"],
                account=options["account"],
            )
            self.stdout.write(f"{office.code} registered, key {office.fingerprint}, submits as {office.account}")
            return
        for office in queries.offices():
            self.stdout.write(
                f"{office.code:<12} {office.organisation.acronym:<8} {office.fingerprint} {office.account}"
            )

    def _import(self, options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no account {options['user']!r}")
        result = services.import_package(_read(options["file"]), user=user)
        self.stdout.write(result.message)
        for item in result.sync_import.items.select_related("submission"):
            where = item.submission.code if item.submission else f"refused: {item.refusal}"
            self.stdout.write(f"  {item.item_id} {item.kind} {item.action} {item.local_code} → {where}")

    def _receipt(self, options):
        manifest = services.make_receipt(options["office"], Path(options["out"]))
        counts = ", ".join(f"{k} {v}" for k, v in sorted(manifest["counts"].items())) or "no items"
        self.stdout.write(f"receipt for {manifest['office']} → {options['out']}: {counts}")
