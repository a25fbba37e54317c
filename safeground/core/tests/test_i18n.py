"""Translations: every catalogue of settings.LANGUAGES is complete, compiled, covers the code, and is served.

When `test_catalogue_covers_the_code` fails, new strings were added to the code: run `make messages`
(updates every catalogue in locale/ from the code and compiles them), translate the new entries
(docs/translations.md), run `make messages` again and commit the .po and .mo files.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils import translation

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
LOCALE = Path(settings.LOCALE_PATHS[0])
# Top-level entries of the repository that `make messages` does not scan (its --ignore list) or that
# hold no source; everything else is linked into the temporary tree the extraction runs over.
NOT_SCANNED = {".git", ".venv", "node_modules", "var", "locale", "build", "artifacts", ".ruff_cache", ".pytest_cache"}

# Python %-placeholders (named or positional, with flags/width) and the brace placeholders of
# str.format / JavaScript templates; a translation must keep exactly the ones of its msgid.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def short(entries, limit: int = 60) -> str:
    lines = [f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid in sorted(entries)[:limit]]
    more = len(entries) - limit
    return "\n".join(lines + ([f"  … and {more} more"] if more > 0 else []))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_keeps_its_placeholders(language):
    po = catalogue(language)
    plural_forms = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    assert po.metadata.get("Language") == language
    assert plural_forms == {"km": 1, "az": 2, "es": 3, "fr": 2, "ar": 6}[language], po.metadata["Plural-Forms"]
    untranslated, fuzzy, broken = [], [], []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            fuzzy.append(key(entry))
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in range(plural_forms)]
            if not all(forms):
                untranslated.append(key(entry))
                continue
            # A form may use the singular's or the plural's placeholders (Khmer's only form uses the plural's).
            allowed = (placeholders(entry.msgid), placeholders(entry.msgid_plural))
            if any(placeholders(form) not in allowed for form in forms):
                broken.append(key(entry))
        elif not entry.msgstr:
            untranslated.append(key(entry))
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            broken.append(key(entry))
    assert not untranslated, f"{len(untranslated)} untranslated entries in {language}:\n{short(untranslated)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {language} (check them, then remove the flag):\n{short(fuzzy)}"
    assert not broken, f"placeholders differ from the msgid in {language}:\n{short(broken)}"


def messages(mo: polib.MOFile) -> set:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in mo
        if e.msgid  # the header
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_current(language, tmp_path):
    """The shipped .mo holds exactly the translated entries of the .po (nothing is compiled at install)."""
    fresh = tmp_path / "django.mo"
    catalogue(language).save_as_mofile(str(fresh))
    shipped = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert shipped.exists(), f"{shipped} is missing: run `make messages`"
    expected, actual = messages(polib.mofile(str(fresh))), messages(polib.mofile(str(shipped)))
    stale = {m[1] for m in expected ^ actual}
    assert not stale, (
        f"{shipped} is out of date ({len(stale)} messages differ, e.g. {sorted(stale)[:5]}): run `make messages`"
    )


def extract(tmp_path: Path) -> polib.POFile:
    """Run Django's makemessages over the repository into a temporary locale folder.

    makemessages walks the current directory and files every source under the nearest `locale`
    folder it finds, so it runs in a temporary tree that links the repository's top-level entries
    (not locale/) and with LOCALE_PATHS pointing at that tree: the shipped catalogues are not touched.
    """
    root = Path(settings.BASE_DIR)
    tree = tmp_path / "tree"
    tree.mkdir()
    for entry in root.iterdir():
        if entry.name not in NOT_SCANNED and not entry.name.endswith(".egg-info"):
            (tree / entry.name).symlink_to(entry)
    out = tree / "locale"
    cwd = os.getcwd()
    try:
        os.chdir(tree)
        with override_settings(LOCALE_PATHS=[str(out)]):
            call_command("makemessages", locale=["km"], symlinks=True, verbosity=0)
    finally:
        os.chdir(cwd)
    assert not (root / "locale" / "django.pot").exists()
    return polib.pofile(str(out / "km" / "LC_MESSAGES" / "django.po"))


def test_catalogue_covers_the_code(tmp_path):
    """Every string marked for translation in the code is in both catalogues, translated."""
    extracted = {key(e) for e in extract(tmp_path) if not e.obsolete}
    assert len(extracted) > 100, "makemessages found almost nothing: the extraction is broken"
    problems = []
    for language in LANGUAGES:
        shipped = {key(e): e for e in catalogue(language) if not e.obsolete}
        missing = extracted - set(shipped)
        untranslated = {k for k in extracted & set(shipped) if not shipped[k].translated()}
        if missing:
            problems.append(f"{len(missing)} strings of the code are not in {language}'s catalogue:\n{short(missing)}")
        if untranslated:
            problems.append(f"{len(untranslated)} strings are not translated in {language}:\n{short(untranslated)}")
    assert not problems, (
        "\n".join(problems) + "\n\nRun `make messages` (updates every catalogue in locale/ from the code and compiles "
        "them), translate the new entries (Poedit, or polib: see docs/translations.md), then `make messages` again."
    )


def choice_labels() -> dict[str, str]:
    """Labels of the choices of the project's models (shown on pages through get_FOO_display or gettext)."""
    labels = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("safeground"):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                for _value, label in getattr(field, "choices", None) or []:
                    if isinstance(label, str | type(translation.gettext_lazy(""))):
                        labels.setdefault(str(label), f"{model.__name__}.{field.name}")
        try:
            module = importlib.import_module(f"{config.name}.models")
        except ImportError:
            continue
        for name, value in vars(module).items():
            if name.endswith("CHOICES") and isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, list | tuple) and len(item) == 2 and not isinstance(item[1], list | tuple):
                        labels.setdefault(str(item[1]), f"{config.name}.models.{name}")
    return labels


@pytest.mark.parametrize("language", LANGUAGES)
def test_choice_labels_are_translated(language):
    """Choice labels reach the pages (status badges, types, roles): each needs a translated catalogue entry.

    makemessages extracts them only when the models mark them (`_("Open")` with gettext_lazy as `_`).
    """
    shipped = {e.msgid: e for e in catalogue(language) if not e.obsolete and not e.msgctxt}
    missing = {("", label) for label in choice_labels() if not (label in shipped and shipped[label].translated())}
    assert not missing, (
        f"{len(missing)} model choice labels have no {language} translation:\n{short(missing)}\n"
        'Mark them in the models (from django.utils.translation import gettext_lazy as _; ("open", _("Open"))), '
        "then `make messages` and translate (docs/translations.md)."
    )


@pytest.mark.django_db
def test_page_in_khmer_from_cookie_and_header(client_for):
    client = client_for("viewer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    page = client.get("/").content.decode()
    assert 'lang="km"' in page
    assert "ផែនទី" in page  # "Map"
    assert ">Map<" not in page

    plain = client_for("viewer", username="viewer-header")
    page = plain.get("/", HTTP_ACCEPT_LANGUAGE="km,en;q=0.5").content.decode()
    assert 'lang="km"' in page and "ផែនទី" in page
    page = plain.get("/", HTTP_ACCEPT_LANGUAGE="az").content.decode()
    assert 'lang="az" dir="ltr"' in page  # Django's language info calls az bidi; LANGUAGES_BIDI rightly does not
    page = plain.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page and ">Map<" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "word"), [("es", "ltr", "Mapa"), ("fr", "ltr", "Carte"), ("ar", "rtl", "الخريطة")]
)
def test_spanish_french_and_arabic_pages(client_for, language, direction, word):
    """Arabic is laid out right to left; every page says so on <html>, and the CSS uses logical sides."""
    client = client_for("viewer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/").content.decode()
    assert f'lang="{language}" dir="{direction}"' in page
    assert f">{word}<" in page and ">Map<" not in page


@pytest.mark.django_db
def test_switcher_sets_the_language(client_for):
    client = client_for("viewer")
    response = client.post("/i18n/setlang/", {"language": "km", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"
    assert 'lang="km"' in client.get("/").content.decode()

    client.post("/i18n/setlang/", {"language": "az", "next": "/"})
    assert 'lang="az"' in client.get("/").content.decode()

    # An unknown language changes nothing; a foreign `next` is not followed.
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://example.org/"})
    assert response["Location"] == "/"
    assert 'lang="az"' in client.get("/").content.decode()


def test_switcher_form(rf: RequestFactory):
    request = rf.get("/hazards/?status=open")
    request.META["CSRF_COOKIE"] = "x" * 32
    with translation.override("km"):
        html = render_to_string("includes/language_switcher.html", request=request)
    assert 'action="/i18n/setlang/"' in html and 'method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/hazards/?status=open"' in html
    # Each language is labelled in its own language; the current one is selected.
    assert '<option value="en" lang="en">English</option>' in html
    assert '<option value="km" lang="km" selected>ខ្មែរ</option>' in html
    assert '<option value="az" lang="az">Azərbaycanca</option>' in html
    assert "<script>" not in html and "js/language.js" in html  # no inline script (CSP)
    assert "ប្តូរភាសា" in html  # the no-JS submit button, translated


def test_style_sheets_use_logical_sides():
    """Right-to-left pages mirror only if no rule says left or right (margin-inline-start, text-align: start)."""
    sheets = [
        *Path(settings.BASE_DIR, "static", "css").glob("*.css"),
        *Path(settings.BASE_DIR).glob("safeground/*/static/*/*.css"),
    ]
    physical = re.compile(
        r"(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)|[;{\s](?:left|right):"
    )
    found = [
        f"{p.name}:{n}: {line.strip()}"
        for p in sheets
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if physical.search(line)
    ]
    assert len(sheets) > 3 and not found, "\n".join(found)
