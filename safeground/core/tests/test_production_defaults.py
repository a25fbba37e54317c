"""Production-safe defaults: the secret key, the security headers, no inline code, the offline API
docs, and API tokens that expire."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from safeground.core.models import ApiToken

ROOT = Path(settings.BASE_DIR)
BUILT_IN = settings.INSECURE_DEFAULT_SECRET_KEY


# --- the secret key ---------------------------------------------------------------------------


@override_settings(DEBUG=False, SECRET_KEY=BUILT_IN)
def test_serve_refuses_the_built_in_key_in_production():
    with pytest.raises(CommandError) as refused:
        call_command("serve", port=8999)  # refused before gunicorn is imported or collectstatic runs
    assert "built-in SECRET_KEY" in str(refused.value) and "SAFEGROUND_SECRET_KEY" in str(refused.value)


def test_the_deploy_check_reports_the_built_in_key():
    with override_settings(SECRET_KEY=BUILT_IN):
        found = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "safeground.E001"]
    assert len(found) == 1 and found[0].is_serious() and "SAFEGROUND_SECRET_KEY" in found[0].hint
    with override_settings(SECRET_KEY="a-real-key-" + "x" * 50):
        assert not [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "safeground.E001"]
    # not among the everyday checks: a laptop with the built-in key is fine
    with override_settings(SECRET_KEY=BUILT_IN):
        assert not [m for m in checks.run_checks() if m.id == "safeground.E001"]


@override_settings(SECRET_KEY=BUILT_IN)
def test_check_deploy_from_the_command_line_fails_on_it():
    with pytest.raises(CommandError) as failed:  # SystemCheckError, a CommandError: exit status 1
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())
    assert "safeground.E001" in str(failed.value)


# --- headers ----------------------------------------------------------------------------------


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_response_carries_the_content_security_policy(client):
    for url in ("/accounts/login/", "/api/v1/docs", "/api/v1/openapi.json"):
        response = client.get(url)
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url  # no 'unsafe-inline', no 'unsafe-eval', no CDN
        assert policy["style-src"] == ["'self'"]
        assert policy["style-src-attr"] == ["'unsafe-inline'"]  # bar widths only (decision 0023)
        assert "blob:" in policy["worker-src"]  # MapLibre's tile workers
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def _settings_with(**env) -> str:
    code = "import config.settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    environ = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True).stdout


def test_hsts_only_with_secure_cookies():
    assert _settings_with(SAFEGROUND_SECURE_COOKIES="0").split() == ["0", "False"]
    assert _settings_with(SAFEGROUND_SECURE_COOKIES="1").split() == ["31536000", "True"]


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_hsts_header_over_https(client):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "safeground").glob("*/templates"))]


class _Audit(HTMLParser):
    """Inline script code, event-handler attributes and <style> blocks: what the CSP would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, _ in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"{name}= handler on <{tag}>")
        if tag == "style":
            self.problems.append("<style> block")
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self._script = ""

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if self._script.strip():
                self.problems.append("inline <script> code")
            self._script = None


def test_no_template_has_inline_script_handlers_or_style_blocks():
    problems = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            audit = _Audit()
            audit.feed(path.read_text())
            problems += [f"{path.relative_to(ROOT)}: {p}" for p in audit.problems]
            if re.search(r"javascript:", path.read_text(), re.I):
                problems.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not problems, problems


def test_the_audit_finds_what_it_looks_for():
    audit = _Audit()
    audit.feed('<script>alert(1)</script><button onclick="x()"></button><style>p{}</style>')
    audit.feed('<script type="application/json" id="d">{"a": 1}</script><script src="/s.js"></script>')
    assert audit.problems == ["inline <script> code", "onclick= handler on <button>", "<style> block"]


# --- API docs offline -------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.django_db
def test_the_api_docs_page_uses_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assets = _Assets()
    assets.feed(response.content.decode())
    assert assets.urls and all(u.startswith("/") and not u.startswith("//") for u in assets.urls), assets.urls
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets.urls
    for url in assets.urls:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} is not a static file"
    assert b'id="swagger-settings" type="application/json"' in response.content
    assert b"/api/v1/openapi.json" in response.content


# --- tokens expire ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_lasts_the_default_lifetime(user):
    token, _ = ApiToken.issue(user)
    lifetime = token.expires_at - timezone.now()
    assert dt.timedelta(days=settings.SAFEGROUND_TOKEN_DAYS) - lifetime < dt.timedelta(minutes=1)
    assert ApiToken.issue(user, days=0)[0].expires_at is None
    with pytest.raises(ValueError):
        ApiToken.issue(user, days=-1)


@pytest.mark.django_db
def test_an_expired_token_is_refused_with_a_reason(client, user):
    token, raw = ApiToken.issue(user, days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/organisations", **auth).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = client.get("/api/v1/organisations", **auth)
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    # pages that take a token (OGC API Features) say so too
    page = client.get("/ogc/", **auth)
    assert page.status_code == 401 and "expired" in page.json()["detail"]


@pytest.mark.django_db
def test_token_command_expiry_and_listing(user):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", user.username, "--expires", "7", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(digest=ApiToken.hash(raw))
    assert dt.timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=7)
    assert "expires" in err.getvalue()
    call_command("token", "create", user.username, "--expires", "never", stdout=io.StringIO(), stderr=io.StringIO())
    old = ApiToken.issue(user, days=1)[0]
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    listing = io.StringIO()
    call_command("token", "list", user.username, stdout=listing)
    lines = listing.getvalue().splitlines()
    assert any("active" in line and "expires" in line for line in lines)
    assert any("never expires" in line for line in lines)
    assert any("expired" in line for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0", "-3", "soon", "1.5"])
def test_token_command_refuses_a_bad_lifetime(user, bad):
    before = ApiToken.objects.count()
    with pytest.raises(CommandError, match="--expires takes a number of days"):
        call_command("token", "create", user.username, "--expires", bad, stdout=io.StringIO())
    assert ApiToken.objects.count() == before
