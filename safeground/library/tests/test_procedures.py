"""Render-safe procedures: served only to EOD-qualified accounts (no role bypasses it), every attempt audited,
writes refused without the qualification and the permission (nothing written but the audit row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from safeground.core.errors import ValidationFailed
from safeground.library import services
from safeground.library.access import eod_qualification
from safeground.library.models import ProcedureRead, RenderSafeProcedure
from safeground.ordnance import services as ordnance
from safeground.organisations import services as organisation_services
from safeground.organisations.models import Certification, Organisation, Personnel
from safeground.organisations.roles import assign_role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def model():
    m = ordnance.create_model(name="XT-AP-9", category="ap_mine")
    services.load_procedure(m, title="Destroy in situ", text="Test text.")
    return m


@pytest.fixture
def people():
    org = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country="XTL")

    def person(code, method=None, issued=TODAY - dt.timedelta(days=30), until=TODAY + dt.timedelta(days=30)):
        p = Personnel.objects.create(code=code, organisation=org, role="eod3", full_name=code, nationality="XTL")
        if method:
            Certification.objects.create(
                code=f"{code}-C1", person=p, title="EOD", method=method, issued_by="TC", issued_on=issued,
                valid_until=until,
            )  # fmt: skip
        return p

    return person


def _account(django_user_model, name, role=None, person=None, **extra):
    user = django_user_model.objects.create_user(username=name, password="x-not-used-x", **extra)
    if role:
        assign_role(user, role)
    if person is not None:
        organisation_services.link_account(person, user)
    return user


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_qualified_account_reads_and_the_read_is_audited(django_user_model, model, people):
    user = _account(django_user_model, "eod", "qa_officer", people("XT-P-1", "eod", until=None))
    rows = services.read_procedures(model, user, "page")
    assert [p.title for p in rows] == ["Destroy in situ"]
    read = ProcedureRead.objects.get()
    assert (read.granted, read.qualification, read.channel, read.username) == (True, "XT-P-1-C1", "page", "eod")
    response = _client(user).get(f"/api/v1/library/models/{model.slug}/procedures")
    assert response.status_code == 200 and response.json()[0]["text"] == "Test text."
    page = _client(user).get(f"/library/{model.slug}/procedures/")
    assert page.status_code == 200 and b"Test text." in page.content and b"XT-P-1-C1" in page.content
    assert list(ProcedureRead.objects.order_by("id").values_list("channel", "granted")) == [
        ("page", True),
        ("api", True),
        ("page", True),
    ]


@pytest.mark.parametrize(
    "case", ["superuser", "administrator", "expired", "not_yet", "non_eod", "no_person", "im_officer"]
)
def test_everyone_else_is_refused_and_audited(django_user_model, model, people, case):
    past = TODAY - dt.timedelta(days=1)
    user = {
        "superuser": lambda: _account(django_user_model, "root", is_superuser=True, is_staff=True),
        "administrator": lambda: _account(django_user_model, "adm", "administrator"),
        "expired": lambda: _account(django_user_model, "old", "qa_officer", people("XT-P-2", "eod", until=past)),
        "not_yet": lambda: _account(
            django_user_model, "new", "qa_officer", people("XT-P-3", "eod", issued=TODAY + dt.timedelta(days=1))
        ),
        "non_eod": lambda: _account(django_user_model, "dem", "qa_officer", people("XT-P-4", "manual", until=None)),
        "no_person": lambda: _account(django_user_model, "nop", "qa_officer"),
        "im_officer": lambda: _account(django_user_model, "imo", "im_officer", people("XT-P-5")),
    }[case]()
    assert eod_qualification(user) is None
    with pytest.raises(PermissionDenied, match="EOD-qualified"):
        services.read_procedures(model, user, "page")
    api = _client(user).get(f"/api/v1/library/models/{model.slug}/procedures")
    assert api.status_code == 403 and "EOD-qualified" in api.json()["detail"] and "Test" not in api.content.decode()
    page = _client(user).get(f"/library/{model.slug}/procedures/")
    assert page.status_code == 403 and b"Test text." not in page.content and b"EOD-qualified" in page.content
    reads = list(ProcedureRead.objects.order_by("id").values_list("channel", "granted", "qualification", "username"))
    assert reads == [
        ("page", False, "", user.username),
        ("api", False, "", user.username),
        ("page", False, "", user.username),
    ]


def test_writes_need_the_qualification_and_the_permission(django_user_model, model, people):
    admin = _account(django_user_model, "adm", "administrator")  # the permission, no qualification
    qualified_qa = _account(django_user_model, "qa", "qa_officer", people("XT-P-6", "eod"))  # qualified, no permission
    writer = _account(django_user_model, "imo", "im_officer", people("XT-P-7", "eod"))  # both
    for user in (admin, qualified_qa):
        with pytest.raises(PermissionDenied):
            services.write_procedure(model, title="New", text="Body", user=user)
        response = _client(user).post(
            f"/api/v1/library/models/{model.slug}/procedures",
            {"title": "New", "text": "Body"},
            content_type="application/json",
        )
        assert response.status_code == 403, response.content
    assert list(RenderSafeProcedure.objects.values_list("title", flat=True)) == ["Destroy in situ"]
    assert not ProcedureRead.objects.filter(action="write", granted=True).exists()
    created = _client(writer).post(
        f"/api/v1/library/models/{model.slug}/procedures",
        {"title": "Approach", "text": "Step one."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    duplicate = _client(writer).post(
        f"/api/v1/library/models/{model.slug}/procedures",
        {"title": "Approach", "text": "Again."},
        content_type="application/json",
    )
    assert duplicate.status_code == 422 and duplicate.json()["field"] == "title"
    url = f"/api/v1/library/models/{model.slug}/procedures/{pid}"
    body = {"title": "Approach", "text": "Step two."}
    assert _client(writer).put(url, body, content_type="application/json").status_code == 428
    stale = _client(writer).put(url, body, content_type="application/json", headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    ok = _client(writer).put(url, body, content_type="application/json", headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert RenderSafeProcedure.objects.get(pk=pid).text == "Step two."
    with pytest.raises(ValidationFailed, match="needs its text"):
        services.write_procedure(model, title="Empty", text="  ", user=writer)
    assert not RenderSafeProcedure.objects.filter(title="Empty").exists()


def test_the_audit_is_for_the_administrator_and_the_im_officer(django_user_model, model, people):
    viewer = _account(django_user_model, "vw", "viewer")
    with pytest.raises(PermissionDenied):
        services.read_procedures(model, viewer, "api")
    for role, status in (("administrator", 200), ("im_officer", 200), ("viewer", 403), ("qa_officer", 403)):
        c = _client(_account(django_user_model, f"a-{role}", role))
        api = c.get("/api/v1/library/procedure-reads")
        assert api.status_code == status, role
        assert c.get("/library/procedure-reads/").status_code == status, role
        if status == 200:
            assert api.json()["items"][0] == {**api.json()["items"][0], "username": "vw", "granted": False}


def test_link_account_refuses_an_account_already_linked(django_user_model, people):
    first, second = people("XT-P-8", "eod"), people("XT-P-9", "eod")
    user = _account(django_user_model, "someone", "viewer", first)
    with pytest.raises(ValidationFailed, match="already linked to XT-P-8"):
        organisation_services.link_account(second, user)
    other = _account(django_user_model, "other", "viewer")
    with pytest.raises(ValidationFailed, match="unlink it first"):
        organisation_services.link_account(first, other)
    assert Personnel.objects.get(code="XT-P-9").account is None
    assert Personnel.objects.get(code="XT-P-8").account == user
    organisation_services.unlink_account(first)
    assert eod_qualification(user) is None
    with pytest.raises(ValidationFailed, match="no linked account"):
        organisation_services.unlink_account(first)


def test_the_personnel_account_command(django_user_model, people, capsys):
    people("XT-P-10", "eod")
    _account(django_user_model, "cli-user", "viewer")
    call_command("personnel-account", "link", "XT-P-10", "cli-user")
    assert Personnel.objects.get(code="XT-P-10").account.username == "cli-user"  # type: ignore[union-attr]
    call_command("personnel-account", "show", "XT-P-10")
    assert "XT-P-10\tcli-user" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no account named 'ghost'"):
        call_command("personnel-account", "link", "XT-P-10", "ghost")
    with pytest.raises(CommandError, match="no person"):
        call_command("personnel-account", "show", "NOPE")
    call_command("personnel-account", "unlink", "XT-P-10")
    assert Personnel.objects.get(code="XT-P-10").account is None
