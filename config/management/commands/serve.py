"""`safeground serve [--host 127.0.0.1] [--port 8000] [--workers N] [--threads N]`: gunicorn, not runserver.

It serves config.wsgi, so it lives in `config` (the top of the stack), not in `core` (decision 0018).

The worker model suits the database (decision 0022). Threaded workers (gthread) either way, so that a
request waiting on the database does not hold a whole process:
- SQLite: few processes, more threads. The file has one writer at a time whatever the number of
  processes; WAL lets the readers go on meanwhile, and threads make those waits cheap.
- PostgreSQL: a process per core and a few threads each; the server takes concurrent writers.

With DEBUG off it refuses the built-in SECRET_KEY: a public key lets anyone forge sessions.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from safeground.core.security import SECRET_KEY_HELP, uses_built_in_secret_key


def worker_model(vendor: str, cores: int) -> tuple[int, int]:
    """(processes, threads per process) for the database `vendor` on `cores` CPU cores."""
    if vendor == "sqlite":
        return min(2, cores), 8
    return 2 * cores + 1, 4


class Command(BaseCommand):
    help = "Serve SafeGround with gunicorn (a production-grade WSGI server)."

    def add_arguments(self, parser):
        processes, threads = worker_model(connection.vendor, os.cpu_count() or 1)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SAFEGROUND_WORKERS", processes)))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SAFEGROUND_THREADS", threads)))

    def handle(self, *args, host, port, workers, threads, **options):
        if not settings.DEBUG and uses_built_in_secret_key():
            raise CommandError(
                "refusing to serve with the built-in SECRET_KEY while SAFEGROUND_DEBUG is off. " + SECRET_KEY_HELP
            )
        from gunicorn.app.base import BaseApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        from config.wsgi import application

        class App(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", threads)
                self.cfg.set("timeout", 120)
                self.cfg.set("accesslog", "-")

            def load(self):
                return application

        self.stdout.write(
            f"SafeGround serving {settings.DATABASES['default']['NAME']} at http://{host}:{port}/ "
            f"({workers} processes × {threads} threads)"
        )
        self.stdout.flush()
        App().run()
