"""Identification posters: the PDF (pages, paper, text, images, languages) and who may get one."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from safeground.core.errors import ValidationFailed
from safeground.library import posters
from safeground.library.tests.poster_fixtures import make_model

pytestmark = pytest.mark.django_db

A4 = "595.276 x 841.89 pts"
A3 = "841.89 x 1190.55 pts"
KM_SAFETY = "កុំប៉ះ។ កុំរើ។"
AR_SAFETY = "لا تلمسه. لا تحركه."


@pytest.fixture
def km_and_ar_safety():
    """The first safety message in km and ar: the catalogue's wording once locale/ has it, else a test wording
    added for the test. Yields {lang: message}: the poster must print what gettext gives in its language."""
    from django.utils.translation import trans_real

    added, wording = [], {}
    for lang, text in (("km", KM_SAFETY), ("ar", AR_SAFETY)):
        catalog = trans_real.translation(lang)._catalog  # type: ignore[attr-defined]
        if catalog.get(posters.SAFETY[0]) is None:
            catalog[posters.SAFETY[0]] = text
            added.append(catalog)
        wording[lang] = catalog.get(posters.SAFETY[0])
    yield wording
    for catalog in added:
        for c in catalog._catalogs:
            c.pop(posters.SAFETY[0], None)


@pytest.fixture
def models(user):
    return [
        make_model("TST-1 Alpha", user, aliases=[("Ka-Alpha", "km"), ("Alpha", "")]),
        make_model(
            "TST-2 Beta",
            user,
            colour="saddlebrown",
            texts={"km": {"features": "តួមូលប្លាស្ទិក មានបន្ទះសង្កត់នៅខាងលើ"}},
        ),
        make_model("TST-3 Gamma", user, category="uxo", picture=False, diameter_mm=None, length_mm=300),
        make_model("TST-4 Delta", user, colour="slategray"),
    ]


def _write(tmp_path: Path, pdf: bytes, name: str = "p.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _info(path: Path) -> dict:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout


def _contains(text: str, wanted: str) -> bool:
    """`wanted` (spaces aside) in order within `text`: pdftotext repeats parts of Khmer clusters (ប៉ះប៉ះ for ប៉ះ),
    never drops or reorders them, so a subsequence check reads the shaped Khmer back faithfully enough."""
    rest = iter(text)
    return all(ch in rest for ch in wanted.replace(" ", ""))


def _images(path: Path) -> int:
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return len(out.splitlines()[2:])  # two header lines


def test_one_model_on_a4_has_its_name_facts_image_and_the_safety_messages(models, tmp_path):
    made = posters.render([models[0].slug], paper="A4", lang="en")
    path = _write(tmp_path, made.pdf)
    info = _info(path)
    assert info["Page size"].strip().startswith(A4) and info["Pages"].strip() == "1"
    text = " ".join(_text(path).split())
    assert "TST-1 Alpha" in text and "Ka-Alpha" in text and "AP mine" in text and "Testland" in text
    assert "Ø 120 × 54 mm" in text and "1.2 kg" in text and "Low metal" in text and "Mine detection dogs" in text
    assert "Round plastic body" in text and "Blast injures the foot" in text
    for message in posters.SAFETY:
        assert message.split(":")[0] in text
    assert made.version in text and "(English)" not in text
    assert _images(path) == 1
    assert made.filename == f"poster-{models[0].slug}-a4-en.pdf"


def test_a_set_on_a3_is_one_page_of_cards_with_every_name_and_picture(models, tmp_path):
    made = posters.render([m.slug for m in models], paper="A3", lang="en")
    path = _write(tmp_path, made.pdf)
    info = _info(path)
    assert info["Page size"].strip().startswith(A3) and info["Pages"].strip() == "1" and made.pages == 1
    text = " ".join(_text(path).split())
    assert all(m.name in text for m in models)
    assert "No image in the library" in text  # Gamma has no picture: a placeholder, not a failure
    assert _images(path) == 3


def test_a_set_on_a4_takes_four_cards_a_page(models, user, tmp_path):
    more = models + [make_model("TST-5 Epsilon", user, picture=False)]
    made = posters.render([m.slug for m in more], paper="a4", lang="en")
    info = _info(_write(tmp_path, made.pdf))
    assert info["Page size"].strip().startswith(A4) and info["Pages"].strip() == "2" and made.pages == 2


TEXTS = ("features", "colour", "hazards")


def test_khmer_poster_prints_the_translated_safety_message_and_marks_english_texts(models, tmp_path, km_and_ar_safety):
    alpha = _text(_write(tmp_path, posters.render([models[0].slug], lang="km").pdf, "a.pdf"))
    box = alpha[alpha.index("⚠") :][:80]  # the safety box's first line
    assert _contains(box, km_and_ar_safety["km"]) and "Do not touch" not in alpha
    with translation.override("km"):
        mark = translation.gettext("(English)")
        # pdftotext repeats parts of Khmer clusters, so the marks are counted in what typst is given
        marked = [
            sum(bool(posters.data([m], "A4", "km", tmp_path)["models"][0][k]["english"]) for k in TEXTS)
            for m in models[:2]
        ]
    assert _contains(alpha, mark)
    assert marked == [3, 2]  # Alpha: features, colour and hazards in English; Beta's features are in Khmer
    beta = _text(_write(tmp_path, posters.render([models[1].slug], lang="km").pdf, "b.pdf"))
    assert _contains(beta, "តួមូលប្លាស្ទិក មានបន្ទះសង្កត់នៅខាងលើ") and _contains(beta, mark)


def test_arabic_poster_is_right_to_left_with_the_translated_message(models, tmp_path, km_and_ar_safety):
    made = posters.render([m.slug for m in models], paper="A3", lang="ar")
    text = _text(_write(tmp_path, made.pdf))
    # Letters only: the extracted text may order or drop the vowel marks (shadda, harakat) of a shaped word
    plain = lambda s: re.sub(r"[\u064b-\u0652\u0670]", "", s)  # noqa: E731
    words = set(re.findall(r"[\u0600-\u06ff]+", plain(text)))
    wanted = set(re.findall(r"[\u0600-\u06ff]+", plain(km_and_ar_safety["ar"])))
    assert wanted <= words and "Do not touch" not in text
    assert all(m.name.split()[0] in text for m in models)


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"slugs": ["no-such-model"]}, "models", "no-such-model"),
        ({"slugs": ["{first}"], "paper": "A5"}, "paper", "A5"),
        ({"slugs": ["{first}"], "lang": "xx"}, "lang", "xx"),
        ({"slugs": []}, "models", "at least one model"),
        ({"slugs": [""], "category": "nonsense"}, "category", "nonsense"),
        ({"slugs": ["{first}"], "programme": "QQQ"}, "programme", "QQQ"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_value(models, kwargs, field, words):
    kwargs = {**kwargs, "slugs": [s.replace("{first}", models[0].slug) for s in kwargs["slugs"]]}
    slugs = kwargs.pop("slugs")
    with pytest.raises(ValidationFailed) as refused:
        posters.render(slugs, **kwargs)
    assert refused.value.field == field and words in str(refused.value)


def test_more_than_sixty_models_are_refused(monkeypatch, models):
    monkeypatch.setattr(posters, "MAX_MODELS", 3)
    with pytest.raises(ValidationFailed, match="at most 3 models; got 4") as refused:
        posters.render([m.slug for m in models])
    assert refused.value.field == "models"


def test_the_limit_is_sixty():
    assert posters.MAX_MODELS == 60


def test_a_category_adds_its_models(models):
    chosen, _paper, _lang = posters.check([], category="uxo")
    assert models[2] in chosen and models[0] not in chosen


def test_the_library_version_changes_with_a_model_version(models, user):
    from safeground.ordnance import services

    before = posters.library_version(models)
    services.update_model(models[0], user=user, features="New wording")
    models[0].refresh_from_db()
    assert posters.library_version(models) != before


def test_the_cli_writes_the_poster_and_writes_nothing_on_refusal(models, tmp_path, capsys):
    out = tmp_path / "poster.pdf"
    call_command("library-poster", models=f"{models[0].slug},{models[1].slug}", paper="A3", lang="en", out=str(out))
    assert out.read_bytes().startswith(b"%PDF") and "2 model(s), 1 page(s)" in capsys.readouterr().out
    refused = tmp_path / "refused.pdf"
    with pytest.raises(CommandError, match="paper: paper must be A4 or A3; got 'B5'"):
        call_command("library-poster", models=models[0].slug, paper="B5", out=str(refused))
    assert not refused.exists()


def test_the_api_gives_a_pdf_and_a_422_naming_the_field(models, signed_in):
    ok = signed_in.get(f"/api/v1/library/posters?models={models[0].slug},{models[1].slug}&paper=A3&lang=ar")
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf" and ok.content.startswith(b"%PDF")
    bad = signed_in.get("/api/v1/library/posters?models=nope&paper=A4")
    assert bad.status_code == 422 and bad.json()["field"] == "models" and "nope" in bad.json()["detail"]


def test_anonymous_callers_are_refused(models, client):
    assert client.get(f"/api/v1/library/posters?models={models[0].slug}").status_code == 401
    page = client.get("/library/posters/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    pdf = client.get(f"/library/{models[0].slug}/poster.pdf")
    assert pdf.status_code == 302 and "/accounts/login/" in pdf["Location"]


def test_the_pages_list_models_and_give_pdfs(models, signed_in):
    page = signed_in.get("/library/posters/?q=TST-2")
    body = page.content.decode()
    assert page.status_code == 200 and "TST-2 Beta" in body and "TST-1 Alpha" not in body
    one = signed_in.get(f"/library/{models[0].slug}/poster.pdf?paper=A3&lang=km")
    assert one.status_code == 200 and one.content.startswith(b"%PDF")
    assert f"poster-{models[0].slug}-a3-km.pdf" in one["Content-Disposition"]
    chosen = signed_in.get(f"/library/posters/poster.pdf?models={models[0].slug}&models={models[3].slug}&paper=A4")
    assert chosen.status_code == 200 and chosen.content.startswith(b"%PDF")
    refused = signed_in.get("/library/posters/poster.pdf?paper=A4")
    assert refused.status_code == 422 and "at least one model" in refused.content.decode()
    assert signed_in.get("/library/no-such-model/poster.pdf").status_code == 404
    bad_paper = signed_in.get(f"/library/{models[0].slug}/poster.pdf?paper=B5")
    assert bad_paper.status_code == 422 and "B5" in bad_paper.content.decode()


def test_render_safe_procedures_are_never_read(models):
    """A poster never touches the restricted procedures table (nor its read audit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        posters.render([models[0].slug])
    assert not [
        q for q in queries.captured_queries if "rendersafe" in q["sql"].lower() or "procedure" in q["sql"].lower()
    ]
