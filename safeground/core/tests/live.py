"""A live server for tests that drive a real client (GDAL, Chromium) against the test database.

pytest-django's `live_server` needs a transactional test, whose flush at the end empties the
gazetteer every other test relies on; this server runs in a thread that shares the test's own
connection, so it sees the test's data inside the test's transaction and nothing is flushed.
"""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import close_old_connections, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler


class _SharedConnectionServer(ThreadedWSGIServer):
    def _close_connections(self):
        """Keep the shared connection open between requests (Django closes them for real servers)."""


class _ServerThread(LiveServerThread):
    server_class = _SharedConnectionServer


@pytest.fixture
def served(db):
    """The site served on a free port from a thread sharing the test's connection (and so its data).

    pytest-django's `live_server` would need a transactional test, whose flush at the end empties
    the gazetteer every other test relies on; sharing the connection keeps the test's transaction.
    As Django's test client does, connections are not closed at the end of each request.
    """
    conn = connections["default"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    conn.inc_thread_sharing()
    thread = _ServerThread("127.0.0.1", _StaticFilesHandler, connections_override={"default": conn}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    conn.dec_thread_sharing()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
