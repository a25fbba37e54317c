"""Every page in every language, on the tiny demo, read as a person would (the visible text only):

- no catalogue string is left in English where the language translates it (a label shown on its own,
  without being passed through the catalogue); records' own words are marked `translate="no"`;
- no choice is shown as its code (`destroyed_in_situ`, `ap_mine`) instead of its label;
- no date is written the English way ("Oct. 21, 2024"): pages write dates as ISO 8601.

The pages are those of the role matrix (tests/test_role_matrix.py), opened by the administrator, and
by the victim assistance officer for the pages of personal data that only that role opens.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import cache

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from tests.test_role_matrix import PAGES, POST_PAGES, _page_patterns, _page_url
from tests.test_role_matrix import world as world  # noqa: F401 (the module's data: the tiny demo)

#: Pages that are not HTML meant for reading (files, redirects, JSON) are skipped by content type.
SKIP = {"logout", "set_language"}
#: Catalogue strings this short are words that also occur inside names and codes: not compared.
MIN_LENGTH = 14
SCRIPT = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
ENGLISH_DATE = re.compile(r"\b(?:Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}\b")


#: Records' own words (a course's title, a description) are marked `translate="no"`, as HTML says.
DATA = re.compile(r"<(\w+)\b[^>]*\btranslate=\"no\"[^>]*>.*?</\1>", re.S)


def visible_text(page: str) -> str:
    """The text a reader sees: no scripts, styles, tags or records' own words; entities decoded."""
    text = TAG.sub(" \n ", DATA.sub(" ", SCRIPT.sub(" ", page)))
    return html_lib.unescape(text)


def text_nodes(text: str) -> set[str]:
    """Each piece of text between two tags, spaces collapsed: a label shown on its own."""
    return {re.sub(r"\s+", " ", node).strip() for node in text.split("\n")} - {""}


@cache
def translated(language: str) -> frozenset[str]:
    """The catalogue's msgids that this language writes differently (the English ones to look for)."""
    if language == settings.LANGUAGE_CODE:
        return frozenset()
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))
    return frozenset(
        e.msgid
        for e in catalogue
        if not e.obsolete
        and not e.msgid_plural
        and e.msgstr
        and e.msgstr != e.msgid
        and len(e.msgid) >= MIN_LENGTH
        and "%(" not in e.msgid
        and "<" not in e.msgid
    )


@cache
def choice_codes() -> tuple[frozenset[str], frozenset[str]]:
    """Codes of the models' choices whose label is other words: those holding an underscore (never
    written by a person, looked for anywhere in the text), and all of them (looked for as a text of
    their own: "mdd" alone in a cell is a code shown instead of "Mine detection dogs")."""
    anywhere, alone = set(), set()
    for model in apps.get_models():
        if not model.__module__.startswith("safeground."):
            continue
        for field in model._meta.get_fields():
            for key, label in getattr(field, "choices", None) or []:
                # Upper-case codes are acronyms people write themselves (CHA, SHA, IMAS).
                if isinstance(key, str) and key.lower() != str(label).lower() and not key.isupper():
                    alone.add(key)
                    if "_" in key:
                        anywhere.add(key)
    return frozenset(anywhere), frozenset(alone)


@pytest.fixture(scope="module")
def readers(world, django_db_blocker) -> dict[str, Client]:
    from django.contrib.auth import get_user_model

    clients = {}
    with django_db_blocker.unblock():
        for role, username in (("administrator", "admin"), ("va_officer", "va-officer")):
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            clients[role] = client
    return clients


def _pages(codes: dict) -> list[tuple[str, str]]:
    out = []
    for route, name, _view in _page_patterns():
        if name in SKIP or name in POST_PAGES or name not in PAGES or "<str:z>" in route:
            continue
        out.append((name, _page_url(route, name, codes)))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_page_reads_in_the_language(world, readers, language):
    problems: list[str] = []
    english = translated(language)
    codes, alone = choice_codes()
    read = 0
    for name, url in _pages(world):
        role = "va_officer" if name == "victim-personal" else "administrator"
        client = readers[role]
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url, follow=False)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        read += 1
        text = visible_text(response.content.decode())
        nodes = text_nodes(text)
        left = sorted(nodes & english)
        text = re.sub(r"\s+", " ", text)
        if left:
            problems.append(f"{url}: in English: {left[:6]}")
        raw = sorted({c for c in codes if re.search(rf"(?<![\w/.-]){re.escape(c)}(?![\w/.-])", text)} | (nodes & alone))
        if raw:
            problems.append(f"{url}: choice codes shown: {raw[:6]}")
        dates = ENGLISH_DATE.findall(text)
        if dates:
            problems.append(f"{url}: dates written the English way: {dates[:3]}")
    assert read > 25  # the pages were read
    assert not problems, f"{language}: {len(problems)} page(s)\n" + "\n".join(problems)
