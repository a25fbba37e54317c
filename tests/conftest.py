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


# --- Two installations: the tiny demo on SpatiaLite and on PostGIS, built once, copied per test ------


class DemoPair:
    """The tiny demo built once into a SpatiaLite file and once into a PostGIS database; `copy(engine)`
    gives a test its own fresh copy (a file copy, or `CREATE DATABASE ... TEMPLATE`), so tests that write
    never see each other's changes. `run(url, *args)` runs the `safeground` CLI against one copy."""

    def __init__(self, tmp: Path, server: str):
        self.tmp, self.server = tmp, server
        self.pristine: dict[str, str] = {}
        self._dbs: list[str] = []
        self._admin = None

    def admin(self):
        import psycopg

        if self._admin is None:
            self._admin = psycopg.connect(
                self.server.replace("postgis://", "postgresql://", 1) + "/postgres", autocommit=True
            )
        return self._admin

    def env(self, url: str, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(SAFEGROUND_DATABASE_URL=url, **extra)
        return env

    def build(self) -> None:
        name = f"sg_pair_{uuid.uuid4().hex[:10]}"
        self.admin().execute(f'CREATE DATABASE "{name}"')
        self._dbs.append(name)
        self.pristine = {
            "spatialite": f"spatialite:///{(self.tmp / 'pristine.sqlite').as_posix()}",
            "postgis": f"{self.server}/{name}",
        }
        command = [*_cli(), "demo", "--scale", "tiny", "--seed", "1", "--no-serve"]
        procs = {
            engine: subprocess.Popen(
                command, env=self.env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for engine, url in self.pristine.items()
        }
        failures = []
        for engine, proc in procs.items():
            out, _ = proc.communicate(timeout=BUILD_TIMEOUT_S)
            if proc.returncode != 0:
                failures.append(f"--- the {engine} demo build exited with {proc.returncode}:\n{out[-4000:]}")
        assert not failures, "\n".join(failures)

    def copy(self, engine: str) -> str:
        """A fresh copy of the pristine demo on `engine` ("spatialite" or "postgis"): its URL."""
        import shutil

        if engine == "spatialite":
            source = Path(self.pristine["spatialite"].removeprefix("spatialite:///"))
            target = self.tmp / f"copy-{uuid.uuid4().hex[:8]}.sqlite"
            shutil.copyfile(source, target)
            return f"spatialite:///{target.as_posix()}"
        name = f"sg_copy_{uuid.uuid4().hex[:10]}"
        template = self.pristine["postgis"].rsplit("/", 1)[1]
        self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._dbs.append(name)
        return f"{self.server}/{name}"

    def run(self, url: str, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess:
        """`safeground ARGS` against the database at `url`; fails the test with its output unless it
        succeeds (or `check=False`)."""
        done = subprocess.run(
            [*_cli(), *args], env=self.env(url, **extra), capture_output=True, text=True, timeout=BUILD_TIMEOUT_S
        )
        if check:
            assert done.returncode == 0, (
                f"safeground {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def shell(self, url: str, code: str, **extra: str):
        """Run Python `code` in `safeground shell` against `url`; what it prints last, read as JSON."""
        import json

        done = self.run(url, "shell", "-c", code, **extra)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def close(self) -> None:
        if self._admin is not None:
            for name in self._dbs:
                self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin.close()


@pytest.fixture(scope="session")
def demo_pair(tmp_path_factory):
    """Two installations of the tiny demo, SpatiaLite and PostGIS (see DemoPair). Without a reachable
    PostgreSQL the test is skipped, unless CI=true, where that is a failure."""
    server = os.environ.get("SAFEGROUND_PG_SERVER", "postgis://postgres@127.0.0.1:5432")
    pair = DemoPair(tmp_path_factory.mktemp("pair"), server)
    try:
        pair.admin()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL/PostGIS not reachable at {server} (CI=true, so this is a failure): {exc}")
        pytest.skip(f"PostgreSQL not reachable at {server}: {exc}")
    try:
        pair.build()
        yield pair
    finally:
        pair.close()
