"""`safeground serve [--host 127.0.0.1] [--port 8000] [--workers N]`: gunicorn, not runserver.

It serves config.wsgi, so it lives in `config` (the top of the stack), not in `core` (decision 0018).
With DEBUG off it refuses the built-in SECRET_KEY: a public key lets anyone forge sessions.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from safeground.core.security import SECRET_KEY_HELP, uses_built_in_secret_key


class Command(BaseCommand):
    help = "Serve SafeGround with gunicorn (a production-grade WSGI server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SAFEGROUND_WORKERS", "3")))

    def handle(self, *args, host, port, workers, **options):
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
                self.cfg.set("timeout", 120)
                self.cfg.set("accesslog", "-")

            def load(self):
                return application

        self.stdout.write(f"SafeGround serving {settings.DATABASES['default']['NAME']} at http://{host}:{port}/")
        self.stdout.flush()
        App().run()
