"""`safeground imsma-sample --to URL [--bbox W,S,E,N] [--seed N] [--scale N] [--manifest FILE]`: build a
synthetic IMSMA NG v6 database, so a programme can try the migrator without touching its real one."""

from __future__ import annotations

from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError

from safeground.imsma import synthetic

#: Testland, the project's invented country (a 1° square in the South Atlantic, far from any real one).
DEFAULT_BBOX = (-20.0, -30.0, -19.0, -29.0)


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise CommandError(f"--bbox is W,S,E,N in decimal degrees, e.g. -20,-30,-19,-29; got {text!r}") from exc
    return west, south, east, north


class Command(BaseCommand):
    help = (
        "Create (or fill an empty) PostgreSQL database shaped like IMSMA NG v6, with invented records of every "
        "kind and the geocheck problems in known numbers, to try `safeground migrate-imsma` on. Refuses a "
        "database that already holds tables. See docs/imsma-ng-schema.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="postgresql://user@host:port/name (created if missing)")
        parser.add_argument(
            "--bbox", type=_bbox, default=DEFAULT_BBOX, help="W,S,E,N in WGS 84 degrees, at least 0.2° each way"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed, the same database")
        parser.add_argument("--scale", type=int, default=1, help="multiplies the number of records (40 hazards each)")
        parser.add_argument("--manifest", type=Path, help="write the manifest (what is inside, totals) as JSON here")

    def handle(self, *args, **options):
        url = synthetic.pg_url(options["to"])
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        if not url.startswith("postgresql://") or not name:
            raise CommandError("--to must be postgresql://user@host:port/DATABASE")
        try:
            with psycopg.connect(url) as conn:
                if synthetic.user_tables(conn):
                    raise CommandError(
                        f"the database {name!r} exists and is not empty; give a new name or an empty database"
                    )
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                raise CommandError(f"cannot connect to {name!r}: {exc}") from exc
            try:
                synthetic.create_database(url.rsplit("/", 1)[0] + "/postgres", name)
            except psycopg.Error as create_exc:
                raise CommandError(f"cannot create the database {name!r}: {create_exc}") from create_exc
        try:
            manifest = synthetic.build(url, bbox=options["bbox"], seed=options["seed"], scale=options["scale"])
        except (ValueError, psycopg.Error) as exc:
            raise CommandError(str(exc)) from exc
        if options["manifest"]:
            options["manifest"].write_text(manifest.to_json(), encoding="utf-8")
        counts = manifest.counts
        self.stdout.write(
            f"IMSMA NG sample in {name}: {counts['hazard']} hazards, {counts['hazreduc']} hazard reductions, "
            f"{counts['accident']} accidents, {counts['victim']} victims, {counts['geopoint']} points; "
            + ", ".join(f"{len(v)} {k}" for k, v in manifest.problems.items())
        )
