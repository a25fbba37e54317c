"""`safeground exchange ...`: keys, redaction policies, signed packages for partners, and the comparison.

    safeground exchange keygen [--dir DIR]
    safeground exchange trust --partner CODE --key FILE_OR_LINE
    safeground exchange revoke FINGERPRINT
    safeground exchange keys
    safeground exchange policy add FILE | policy list | policy show NAME
    safeground exchange export --partner CODE --policy NAME --out FILE.sgx [--programme ISO3] [--from D --to D]
                               [--library]
    safeground exchange verify FILE
    safeground exchange import FILE
    safeground exchange compare --partner CODE [--programme ISO3] [--from D --to D] [--json]

See docs/exchange.md.
"""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from safeground.core.errors import ValidationFailed
from safeground.core.packages import PackageRefused


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"a date is YYYY-MM-DD; got {value!r}") from exc


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc


class Command(BaseCommand):
    help = "Signed, redacted exchange packages with partner programmes, and the comparison. See docs/exchange.md."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("keygen", help="make this installation's signing key")
        p.add_argument("--dir", help="directory for the key (default: where own_key() reads it)")
        p = sub.add_parser("trust", help="register a partner's public key")
        p.add_argument("--partner", required=True)
        p.add_argument("--key", required=True, help="a .pub file or the line ed25519:...")
        p = sub.add_parser("revoke", help="stop trusting a partner's key")
        p.add_argument("fingerprint")
        sub.add_parser("keys", help="list partners' keys and this installation's")
        p = sub.add_parser("policy", help="redaction policies")
        p.add_argument("what", choices=["add", "list", "show"])
        p.add_argument("arg", nargs="?", help="the file (add) or the name (show)")
        p = sub.add_parser("export", help="write a signed package for a partner")
        p.add_argument("--partner", required=True)
        p.add_argument("--policy", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--programme", help="ISO3 (default: this installation's programme)")
        p.add_argument("--from", dest="date_from", type=_date)
        p.add_argument("--to", dest="date_to", type=_date)
        p.add_argument("--library", action="store_true", help="also carry the reference library and its images")
        p = sub.add_parser("verify", help="check a partner's package without loading it")
        p.add_argument("file")
        p = sub.add_parser("import", help="load a partner's package, read-only")
        p.add_argument("file")
        p = sub.add_parser("compare", help="our figures and a partner's side by side")
        p.add_argument("--partner", required=True)
        p.add_argument("--programme")
        p.add_argument("--from", dest="date_from", type=_date, help="our side from (default: the package's period)")
        p.add_argument("--to", dest="date_to", type=_date, help="our side to (default: the package's period)")
        p.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        try:
            getattr(self, "_" + o["action"])(o)
        except ValidationFailed as exc:
            raise CommandError(f"{exc.field}: {exc}" if exc.field else str(exc)) from exc
        except PackageRefused as exc:
            raise CommandError(f"REFUSED: {exc}") from exc

    def _keygen(self, o):
        from safeground.exchange import services

        try:
            private, public, fingerprint = services.keygen(Path(o["dir"]) if o["dir"] else None)
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"private key: {private} (keep it; never send it)")
        self.stdout.write(f"public key:  {public}")
        self.stdout.write(f"fingerprint: {fingerprint}")
        self.stdout.write(f"give partners this line: {public.read_text().strip()}")

    def _trust(self, o):
        from safeground.exchange import services

        text = o["key"]
        if not text.strip().startswith(("ed25519:", "-----BEGIN")):
            text = _read(text).decode("ascii", errors="replace")
        row = services.trust_key(partner=o["partner"], key=text)
        self.stdout.write(f"trusted {row.fingerprint} for {row.partner.code}")

    def _revoke(self, o):
        from safeground.exchange import services

        row = services.revoke_key(o["fingerprint"])
        self.stdout.write(f"revoked {row.fingerprint} ({row.partner.code})")

    def _keys(self, o):
        from safeground.exchange import queries

        own = queries.own_key_summary()
        self.stdout.write(f"this installation: {own['fingerprint'] or own['problem']}")
        for k in queries.keys():
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "trusted"
            self.stdout.write(f"{k.partner.code:12} {k.fingerprint} {state} {k.public_key}")

    def _policy(self, o):
        from safeground.exchange import queries, services

        if o["what"] == "add":
            if not o["arg"]:
                raise CommandError("policy add needs a file")
            row = services.add_policy(_read(o["arg"]).decode("utf-8", errors="replace"))
            self.stdout.write(f"policy {row.name} version {row.version}")
        elif o["what"] == "list":
            for p in queries.policy_list():
                kind = "built-in" if p["builtin"] else f"v{p['version']}"
                self.stdout.write(f"{p['name']:16} {kind:9} {p['description']}")
        else:
            rules, version = queries.policy_rules(o["arg"] or "")
            self.stdout.write(json.dumps({**rules, "version": version}, indent=1, ensure_ascii=False))

    def _export(self, o):
        from safeground.exchange import services

        log = services.export_package(
            partner=o["partner"],
            policy=o["policy"],
            out=Path(o["out"]),
            programme=o["programme"],
            date_from=o["date_from"],
            date_to=o["date_to"],
            library=o["library"],
        )
        counts = ", ".join(f"{k} {v}" for k, v in sorted(log.counts.items()))
        self.stdout.write(f"wrote {o['out']} for {log.partner.code} under {log.policy_name}: {counts}")
        self.stdout.write(f"package {log.package_id} signed by {log.signer}")

    def _verify(self, o):
        from safeground.exchange import queries

        s = queries.verify(_read(o["file"]))
        self._summary("OK", s)

    def _summary(self, head, s):
        self.stdout.write(
            f"{head}: signed by {s['partner']} ({s['signer']}), programme {s['programme'].get('country')} "
            f"{s['programme'].get('name', '')}, period {s['period'].get('from') or '…'} "
            f"to {s['period'].get('to') or '…'}, "
            f"policy {s['policy']}"
        )
        for name, rows in s["layers"].items():
            self.stdout.write(f"  {name}: {rows}")
        for limit in s["limits"]:
            self.stdout.write(f"  limit: {limit}")

    def _import(self, o):
        from safeground.exchange import queries, services

        dataset, created = services.import_package(_read(o["file"]), file_name=Path(o["file"]).name)
        if not created:
            when = f"{dataset.imported_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"already imported on {when} as {dataset.id}: nothing done")
            return
        s = queries.dataset_summary(dataset)
        self.stdout.write(f"imported {dataset.id} from {s['partner']} ({s['signer']})")
        for layer in s["layers"]:
            self.stdout.write(f"  {layer['name']}: {layer['rows']}")
        if "library" in dataset.manifest:
            self.stdout.write(
                f"  library: {dataset.manifest['library']['models']} models, waiting for confirmation "
                "(safeground library-exchange show)"
            )

    def _compare(self, o):
        from safeground.exchange import queries

        c = queries.comparison(o["partner"], o["programme"], o.get("date_from"), o.get("date_to"))
        if o["json"]:
            self.stdout.write(json.dumps(c, cls=DjangoJSONEncoder, ensure_ascii=False))
            return
        theirs, ours = c["theirs"], c["ours"]

        def period(a, b) -> str:
            return f"{a or '…'} to {b or '…'}" if a or b else "all records"

        self.stdout.write(
            f"ours: {ours['programme']} ({ours['source']}, {period(ours['period_from'], ours['period_to'])}"
            f"{', the package period' if ours['period_from_package'] else ''}); "
            + (
                f"theirs: {theirs['programme']} package {theirs['package'][:12]} "
                f"({period(theirs['period_from'], theirs['period_to'])})"
                if theirs
                else "theirs: no package imported"
            )
        )
        for r in c["productivity"]:
            self.stdout.write(f"  {r['method']:12} {r['unit']:18} ours {r['ours']}  theirs {r['theirs']}")
