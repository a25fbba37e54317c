"""The "API tokens" page: a user's own tokens, created (shown once), listed and revoked."""

import pytest
from django.test import Client

from safeground.core.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_create_shows_the_token_once_and_it_works(signed_in, user):
    response = signed_in.post("/accounts/tokens/", {"action": "create", "name": "QGIS", "days": "30"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    raw = response.context["new_token"]
    assert ApiToken.hash(raw) == token.digest and raw in response.content.decode()
    assert token.name == "QGIS" and round((token.expires_at - token.created_at).total_seconds() / 86400) == 30
    assert Client().get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    listing = signed_in.get("/accounts/tokens/").content.decode()
    assert raw not in listing and f"{token.prefix}…" in listing and "QGIS" in listing


def test_never_expiring_token(signed_in, user):
    signed_in.post("/accounts/tokens/", {"action": "create", "name": "", "days": "0"})
    assert ApiToken.objects.get(user=user).expires_at is None


@pytest.mark.parametrize(
    "form",
    [
        {"action": "create", "name": "x" * 101, "days": "30"},
        {"action": "create", "name": "ok", "days": "1000"},
        {"action": "create", "name": "ok", "days": "soon"},
        {"action": "nonsense"},
    ],
)
def test_bad_input_writes_nothing(signed_in, form):
    response = signed_in.post("/accounts/tokens/", form)
    assert response.status_code == 422 and 'id="error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_own_token_only(signed_in, user, django_user_model):
    mine, raw = ApiToken.issue(user, name="mine")
    other = django_user_model.objects.create_user("someone-else", password="x-not-used-x")
    theirs, _ = ApiToken.issue(other, name="theirs")
    refused = signed_in.post("/accounts/tokens/", {"action": "revoke", "token": str(theirs.pk)})
    assert refused.status_code == 422 and "theirs" not in refused.content.decode()
    theirs.refresh_from_db()
    assert not theirs.revoked
    done = signed_in.post("/accounts/tokens/", {"action": "revoke", "token": str(mine.pk)}, follow=True)
    assert done.status_code == 200 and "revoked" in done.content.decode()
    mine.refresh_from_db()
    assert mine.revoked
    assert Client().get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_anonymous_is_sent_to_sign_in():
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
