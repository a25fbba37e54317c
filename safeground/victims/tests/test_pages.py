"""The pages: public suppressed statistics, the register for the roles allowed, the audited restricted view."""

import pytest
from django.test import Client

from safeground.victims.models import AccessLog
from safeground.victims.tests.conftest import NAME, add_victims

pytestmark = pytest.mark.django_db


def signed_in(accounts, username) -> Client:
    c = Client()
    c.force_login(accounts[username])
    return c


def test_statistics_page_is_suppressed_for_every_account(client, accounts, victim, accident):
    add_victims(accident, 6)
    anonymous = client.get("/victims/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    response = signed_in(accounts, "viewer").get("/victims/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Casualties by year" in html and "Battambang" in html
    assert '<td class="num">&lt;5</td>' in html  # the one man of known sex
    assert '<td class="num">x</td>' in html  # the 6 of unknown sex: 7 − 6 would give him away
    assert '<td class="num">7</td>' in html  # the total
    assert NAME not in html and victim.code not in html  # no register for a viewer


def test_register_only_for_roles_that_may_see_it(accounts, victim):
    viewer = signed_in(accounts, "viewer").get("/victims/").content.decode()
    assert victim.code not in viewer and "Victims (pseudonymised)" not in viewer
    assert accident_code(victim) in viewer  # accidents are visible to every role
    im = signed_in(accounts, "im-officer").get("/victims/").content.decode()
    assert victim.code in im and NAME not in im


def accident_code(victim) -> str:
    return victim.accident.code


def test_victim_page_and_restricted_view(accounts, victim):
    assert signed_in(accounts, "viewer").get(f"/victims/{victim.code}/").status_code == 403
    assert Client().get(f"/victims/{victim.code}/").status_code == 302  # to the sign-in page
    im_page = signed_in(accounts, "im-officer").get(f"/victims/{victim.code}/").content.decode()
    assert "Lower limb amputation" in im_page and "Open personal data" not in im_page
    va = signed_in(accounts, "va-officer")
    page = va.get(f"/victims/{victim.code}/").content.decode()
    assert "Open personal data" in page and NAME not in page
    short = va.post(f"/victims/{victim.code}/personal/", {"purpose": "why"})
    assert short.status_code == 422 and "state why" in short.content.decode() and NAME not in short.content.decode()
    assert not AccessLog.objects.exists()
    shown = va.post(f"/victims/{victim.code}/personal/", {"purpose": "home visit for the rehabilitation referral"})
    assert shown.status_code == 200 and NAME in shown.content.decode()
    assert shown["Cache-Control"].startswith("no-store") or "no-store" in shown["Cache-Control"]
    entry = AccessLog.objects.get()
    assert (entry.username, entry.action, entry.channel, entry.victim) == ("va-officer", "view", "page", victim)
    refused = signed_in(accounts, "im-officer").post(
        f"/victims/{victim.code}/personal/", {"purpose": "just curious, honestly"}
    )
    assert refused.status_code == 403 and AccessLog.objects.filter(action="denied").count() == 1


def test_eore_page(accounts, hazard):
    response = signed_in(accounts, "viewer").get("/eore/")
    assert response.status_code == 200
    assert "Explosive ordnance risk education" in response.content.decode()
