"""A real SafeGround for the browser and concurrency tests: the tiny demo in a fresh database,
served by gunicorn (`safeground serve`, its worker model included).

Built once per test session in a database of the kind the suite runs on (a temporary SpatiaLite
file, or a temporary PostGIS database created and dropped here), so the browser and the concurrent
clients talk to the same server a user would, with its own processes and connections, and the tests
check what it answers, not what the test process can query.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

BUILD_TIMEOUT_S = 600
START_TIMEOUT_S = 90


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("safeground")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from safeground.core.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(tmp: Path):
    """(url, drop) for a fresh database on the engine this test run uses."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgis"):
        import psycopg

        server = os.environ.get("SAFEGROUND_PG_SERVER", "postgis://postgres@127.0.0.1:5432")
        name = f"sg_browser_{uuid.uuid4().hex[:10]}"
        admin = psycopg.connect(server.replace("postgis://", "postgresql://", 1) + "/postgres", autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')

        def drop():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

        return f"{server}/{name}", drop
    return f"spatialite:///{(tmp / 'browser.sqlite').as_posix()}", lambda: None


#: The served site's environment (its database), for tests that run the CLI against it.
SITE_ENV: dict[str, str] = {}


@pytest.fixture(scope="session")
def site_env(site) -> dict[str, str]:
    """The served site's environment (its database, its secret key), e.g. to serve it again with more."""
    return dict(SITE_ENV)


@pytest.fixture(scope="session")
def site_token(site):
    """A bearer token of the demo's im-officer on the served site."""
    made = subprocess.run(
        [*_cli(), "token", "create", "im-officer", "--name", "tests"], env=SITE_ENV, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


def start_server(env: dict, tmp: Path):
    """`safeground serve` with `env` on a free port, once it answers: (process, log file, base URL)."""
    port = _free_port()
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - the caller closes it with the server
    server = subprocess.Popen(
        [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return server, log, base
        except OSError:
            pass
        assert server.poll() is None, (tmp / "server.log").read_text()[-3000:]
        assert time.monotonic() < deadline, "the server did not answer within 90 s"
        time.sleep(0.5)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    url, drop = _database(tmp)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # `serve` refuses the built-in secret key in production mode (DEBUG off, as here): give it one.
    env.update(SAFEGROUND_DATABASE_URL=url, SAFEGROUND_WORKERS="2", SAFEGROUND_SECRET_KEY=uuid.uuid4().hex * 2)
    env.pop("SAFEGROUND_THREADS", None)
    server = None
    try:
        build = subprocess.run(
            [*_cli(), "demo", "--scale", "tiny", "--seed", "1", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
        SITE_ENV.update(env)
        server, log, base = start_server(env, tmp)
        yield base
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        drop()
