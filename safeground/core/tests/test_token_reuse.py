"""Inside an open transaction a bearer token is looked up on every request (core.auth): a change made
in that transaction has not replaced any change token yet. Reuse between committed requests is
tested on a copy of the tiny demo, with real commits (tests/test_api_same_answers.py)."""

from django.test import Client

from safeground.core import auth
from safeground.core.models import ApiToken


def test_inside_an_open_transaction_nothing_is_reused(user):
    row, raw = ApiToken.issue(user, name="atomic")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/hazards?limit=1").status_code == 200
    assert row.digest not in auth._known
    ApiToken.objects.filter(pk=row.pk).update(revoked=True)
    assert client.get("/api/v1/hazards?limit=1").status_code == 401, "the revocation, not yet committed, counts"
