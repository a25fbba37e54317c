"""Numbers the browser reads (SVG geometry, CSS widths) are never written the way a language writes
numbers: in Azerbaijani "71,88%" is how people read it, and a bar of width "71,88%" is not drawn.

Every chart page, in every language, on the tiny demo: each SVG `x`, `y`, `width`, `height` and each
inline `left`/`width` of a bar is a plain number (a dot, if any, for the decimals).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

PAGES = ["/dashboard/", "/ledger/", "/productivity/", "/victims/", "/eore/", "/public/"]
TAG = re.compile(r"<(?:rect|svg|text|line|circle)\b[^>]*>")
ATTRIBUTE = re.compile(r'\s(x|y|width|height|cx|cy|r)="([^"]*)"')
INLINE = re.compile(r'style="[^"]*?\b(left|width|height):\s*([^;"]*)')
PLAIN = re.compile(r"^-?\d+(\.\d+)?(%|px)?$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from safeground.demo import dependents, generator

    with django_db_blocker.unblock(), transaction.atomic():
        generator.build("tiny", 1)
        dependents.build(1, "tiny", report=lambda message: None)  # progress reports, victims, EORE
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reader(demo, django_db_blocker) -> Client:
    from django.contrib.auth import get_user_model

    from safeground.organisations.roles import assign_role

    client = Client()
    with django_db_blocker.unblock():
        user, _ = get_user_model().objects.get_or_create(username="chart-reader")
        assign_role(user, "im_officer")
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_chart_geometry_is_never_localised(reader, language):
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    checked = 0
    for path in PAGES:
        response = reader.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        values = [pair for tag in TAG.findall(html) for pair in ATTRIBUTE.findall(tag)] + INLINE.findall(html)
        bad = [(name, value) for name, value in values if not PLAIN.match(value.strip())]
        assert not bad, f"{path} in {language}: {bad[:5]}"
        checked += len(values)
    assert checked > 50  # the charts were drawn: there was something to check
