"""Fuzz every operation of the OpenAPI document with Schemathesis (pinned in pyproject.toml).

The WSGI application runs in-process inside the test database, against a small dataset (a hazard
and an activity in Battambang, the demo accounts). Each operation gets a fixed number of generated
requests, valid and invalid, with a fixed seed (derandomised Hypothesis), signed in as the IM officer
and (valid requests only) as a viewer. A request fails the test when the answer is a 5xx, or when its
status, content type or body is not what the document says that operation answers. Every failing
operation is listed.

Run: `pytest tests/test_fuzz_api.py` (SAFEGROUND_DATABASE_URL picks the database);
`SAFEGROUND_FUZZ_EXAMPLES=50` for a longer run than CI's; `SAFEGROUND_FUZZ_ONLY=/interop` to fuzz only
the operations whose path contains that text.
"""

from __future__ import annotations

import os
import sys
import traceback

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from safeground.core.models import ApiToken
from safeground.core.tests.openapi import document

#: Generated requests per operation, mode and account; small enough for CI (well under 2 minutes a database).
EXAMPLES = int(os.environ.get("SAFEGROUND_FUZZ_EXAMPLES", "3"))
#: The viewer's writes all end at the permission check: valid requests are enough to hold every answer to the document.
MODES = {"im-officer": (GenerationMode.POSITIVE, GenerationMode.NEGATIVE), "viewer": (GenerationMode.POSITIVE,)}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def _run(operation, mode: GenerationMode, headers: dict, app, sent: list) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the fixed seed: the same requests on every run
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def fuzz(case):
        # Each request in a savepoint rolled back after it, as if alone: a write (or a database error,
        # which aborts a PostgreSQL transaction) does not leak into the next request.
        sent.append(1)
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS, app=app)
            finally:
                transaction.set_rollback(True)

    fuzz()


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes "old" connections when a request starts and ends: the test's own, inside its
    transaction, would go with them. Django's test client keeps it the same way, by not listening."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_test_transaction")
@pytest.mark.parametrize("username", ["im-officer", "viewer"])
def test_every_operation_answers_as_documented(username, accounts, hazard, activity):
    schema = schemathesis.openapi.from_dict(document())
    app = WSGIHandler()
    schema.app = app
    # identity: the WSGI client schemathesis drives does not undo gzip (core/tests/test_compression.py checks it)
    headers = {
        "Authorization": f"Bearer {ApiToken.issue(accounts[username], name='fuzz')[1]}",
        "Accept-Encoding": "identity",
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80, "the document lists every operation"
    only = os.environ.get("SAFEGROUND_FUZZ_ONLY", "")
    operations = [operation for operation in operations if only in operation.path]
    failures: list[str] = []
    sent: list[int] = []
    for operation in operations:
        for mode in MODES[username]:
            print(operation.method.upper(), operation.path, mode.value, file=sys.stderr, flush=True)
            try:
                _run(operation, mode, headers, app, sent)
            except Unsatisfiable:  # no invalid value exists (a free-text path segment): nothing to send
                continue
            except (Exception, BaseExceptionGroup) as exc:  # one entry per failing operation, then the others
                detail = "".join(traceback.format_exception_only(exc)).strip()
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {detail[:1500]}")
    print(f"fuzz as {username}: {len(operations)} operations, {len(sent)} requests", file=sys.stderr)
    assert not failures, f"{len(failures)} failing operation(s):\n\n" + "\n\n".join(failures)
