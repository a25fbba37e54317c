"""Exit 0 when the PostgreSQL in SAFEGROUND_PG_URL is reachable and has PostGIS available, else 1 (with why)."""

import os
import sys

import dj_database_url
import psycopg

url = os.environ.get("SAFEGROUND_PG_URL", "postgis://postgres@127.0.0.1:5432/safeground")
cfg = dj_database_url.parse(url)
try:
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=3,
    ) as conn:
        row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
except psycopg.OperationalError as exc:
    print(f"PostgreSQL not reachable at {cfg['HOST']}:{cfg['PORT']}: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
if row is None:
    print("PostgreSQL is reachable but the PostGIS extension is not installed", file=sys.stderr)
    sys.exit(1)
