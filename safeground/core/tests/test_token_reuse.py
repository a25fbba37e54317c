"""A bearer token's row and account are reused between requests only while nothing that decides them
changed (core.auth): real commits here (transactional_db), since change tokens move after a commit."""

import pytest
from django.test import Client

from safeground.core import auth, services
from safeground.core.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)

HAZARDS = "/api/v1/hazards?limit=1"
NEW_HAZARD = {"hazard_class": "nonsense", "contamination_type": "ap_mines", "recorded_on": "2024-01-01"}


@pytest.fixture
def bearer(user):
    row, raw = ApiToken.issue(user, name="reuse")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(HAZARDS).status_code == 200
    assert row.digest in auth._known, "a committed token is kept for the next request"
    return row, client


def test_a_revoked_token_is_refused_on_the_next_request(bearer, user):
    row, client = bearer
    services.revoke_token(user, row.pk)
    assert client.get(HAZARDS).status_code == 401


def test_a_deactivated_account_is_refused_on_the_next_request(bearer, user):
    _row, client = bearer
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(HAZARDS).status_code == 401


def test_a_role_taken_away_takes_its_permission_at_once(bearer, user):
    _row, client = bearer
    # The IM officer may add hazards: the refusal comes from the payload (422), not the permission.
    assert client.post(HAZARDS.split("?")[0], NEW_HAZARD, content_type="application/json").status_code == 422
    user.groups.clear()
    refused = client.post(HAZARDS.split("?")[0], NEW_HAZARD, content_type="application/json")
    assert refused.status_code == 403 and "hazards.add_hazard" in refused.json()["detail"]


def test_inside_an_open_transaction_nothing_is_reused(user):
    from django.db import transaction

    row, raw = ApiToken.issue(user, name="atomic")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with transaction.atomic():
        assert client.get(HAZARDS).status_code == 200
        ApiToken.objects.filter(pk=row.pk).update(revoked=True)
        assert client.get(HAZARDS).status_code == 401, "the revocation, not yet committed, already counts here"
        transaction.set_rollback(True)
    assert row.digest not in auth._known
