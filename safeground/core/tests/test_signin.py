"""Sign-in: the page, throttling of failed attempts, the cookies, sign-out, the demo account list."""

import pytest
from django.test import Client

from safeground.organisations.roles import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_user("field-officer", password="correct horse battery")


def sign_in(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_sign_in_goes_to_the_page_asked_for_and_sets_safe_cookies(account):
    client = Client()
    page = client.get("/ledger/")
    assert page.status_code == 302 and page["Location"] == "/accounts/login/?next=/ledger/"
    response = client.post(
        "/accounts/login/?next=/ledger/",
        {"username": "field-officer", "password": "correct horse battery", "next": "/ledger/"},
    )
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert account.password.startswith("argon2$")  # Argon2 hashes


def test_five_failures_lock_the_account_from_that_address(account):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        failed = sign_in(client, "field-officer", "wrong")
        assert failed.status_code in (200, 429)
    locked = sign_in(client, "field-officer", "correct horse battery")
    assert locked.status_code == 429 and "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other_address = sign_in(Client(REMOTE_ADDR="198.51.100.7"), "field-officer", "correct horse battery")
    assert other_address.status_code == 302  # the lock is per account *and* address


def test_wrong_password_says_so_and_signs_nobody_in(account):
    client = Client()
    response = sign_in(client, "field-officer", "wrong")
    assert response.status_code == 200 and "didn't match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post(account):
    client = Client()
    client.force_login(account)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "landing-config" in client.get("/").content.decode()  # signed out: the public landing page


def test_demo_accounts_are_listed_only_on_a_demo_database(organisation):
    from safeground.organisations.roles import ensure_demo_accounts

    ensure_demo_accounts()
    assert "Demo accounts" not in Client().get("/accounts/login/").content.decode()
    from safeground.demo import generator

    generator.build("tiny", 1)
    html = Client().get("/accounts/login/").content.decode()
    assert "Demo accounts" in html and "operator-cmac" in html and DEMO_PASSWORD in html
