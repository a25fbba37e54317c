"""Identification posters: a printable PDF (A4 or A3, portrait) of one ordnance model or a set, in any language of
the site, laid out by typst (render/poster.typ) as the reports are (same engine and fonts).

One model gets a sheet per page (large image, key-facts panel, features, hazards); a set gets cards, 2×2 per A4
page and 3×3 per A3 page. Every page carries the standard safety messages and a footer with the programme, the
date and the library version (a short hash of the models' versions, so two printouts can be compared).
Render-safe procedures are never read here: a poster is for villagers and deminers alike.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import typst
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safeground.core.errors import ValidationFailed
from safeground.gazetteer.models import Programme
from safeground.ordnance.models import (
    ACTUATION_CHOICES,
    CATEGORY_CHOICES,
    DETECTION_CHOICES,
    METAL_CONTENT_CHOICES,
    OrdnanceModel,
)

TEMPLATE = Path(__file__).parent / "render" / "poster.typ"
#: The reports' font folders and right-to-left languages (safeground/reports/render/pdf.py; reports sit above us).
FONT_DIRS = [p for p in ("/usr/share/fonts", "/usr/local/share/fonts") if Path(p).is_dir()]
RTL = {"ar", "fa", "he", "ur"}
PAPERS = {"A4": "a4", "A3": "a3"}
#: Cards per page of a set: 2×2 on A4, 3×3 on A3.
GRID = {"A4": 2, "A3": 3}
MAX_MODELS = 60
#: Text kept on a card per field (a sheet keeps more); longer text is cut at a word with an ellipsis, so nothing
#: overflows a card (A4 and A3 cards are about the same size: 2×2 on A4, 3×3 on A3).
CARD_CHARS = {"features": 160, "colour_markings": 100, "deminer_hazards": 140}
SHEET_CHARS = 700
RASTER = {"image/jpeg": "jpg", "image/png": "png"}

#: The standard messages on every poster (risk education wording: what to do, not how to handle it).
SAFETY = (
    N_("Do not touch. Do not move."),
    N_("Mark the place and keep others away."),
    N_("Report it to the police, the village chief or a demining team."),
    N_("Every find may be different: this poster helps identification only."),
)


@dataclass(frozen=True)
class Poster:
    pdf: bytes
    filename: str
    models: int
    pages: int
    version: str


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def check(
    slugs: list[str] | None = None, *, category: str = "", paper: str = "A4", lang: str = "en"
) -> tuple[list[OrdnanceModel], str, str]:
    """The models, paper and language a request names; ValidationFailed naming the field and value otherwise."""
    paper_key = (paper or "").strip().upper()
    if paper_key not in PAPERS:
        raise ValidationFailed(
            _("paper must be A4 or A3; got %(value)r") % {"value": paper}, field="paper", reason="choice"
        )
    if lang not in _languages():
        raise ValidationFailed(
            _("lang must be one of %(choices)s; got %(value)r") % {"choices": ", ".join(_languages()), "value": lang},
            field="lang",
            reason="choice",
        )
    wanted = [s.strip() for s in (slugs or []) if s and s.strip()]
    wanted = list(dict.fromkeys(wanted))  # once each, in the order asked
    found = {m.slug: m for m in OrdnanceModel.objects.filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise ValidationFailed(
            _("no model in the library has the slug %(value)r") % {"value": unknown[0]},
            field="models",
            reason="unknown",
        )
    models = [found[s] for s in wanted]
    if category:
        if category not in dict(CATEGORY_CHOICES):
            raise ValidationFailed(
                _("unknown category %(value)r") % {"value": category}, field="category", reason="choice"
            )
        models += [m for m in OrdnanceModel.objects.filter(category=category) if m.slug not in found]
    if not models:
        raise ValidationFailed(_("choose at least one model for the poster"), field="models", reason="required")
    if len(models) > MAX_MODELS:
        raise ValidationFailed(
            _("a poster takes at most %(max)d models; got %(count)d") % {"max": MAX_MODELS, "count": len(models)},
            field="models",
            reason="too_many",
        )
    return models, paper_key, lang


def programme_named(iso3: str | None) -> Programme | None:
    """The programme whose name goes in the footer (None when none is asked for)."""
    value = (iso3 or "").strip().upper()
    if not value:
        return None
    found = Programme.objects.filter(iso3=value).first()
    if found is None:
        raise ValidationFailed(
            _("programme must be a programme's ISO3 code; got %(value)r") % {"value": iso3},
            field="programme",
            reason="unknown",
        )
    return found


def library_version(models: list[OrdnanceModel]) -> str:
    """A short hash of the models' slugs and versions: the same set at the same versions, the same hash."""
    text = ";".join(sorted(f"{m.slug}@{m.version}" for m in models))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _text(model: OrdnanceModel, field: str, lang: str, limit: int) -> dict:
    """The translated text when there is one, else the English with a mark saying so."""
    translated = ((model.texts or {}).get(lang) or {}).get(field) or ""
    if lang != "en" and translated.strip():
        return {"text": _cut(translated, limit), "english": False}
    english = getattr(model, field) or ""
    return {"text": _cut(english, limit), "english": bool(english.strip()) and lang != "en"}


def _number(value) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _size(model: OrdnanceModel) -> str:
    if model.diameter_mm:
        text = "Ø " + _number(model.diameter_mm)
        if model.height_mm:
            text += " × " + _number(model.height_mm)
        return text + " mm"
    parts = [_number(v) for v in (model.length_mm, model.width_mm, model.height_mm) if v]
    return " × ".join(parts) + " mm" if parts else ""


def _weight(grams: int | None) -> str:
    if not grams:
        return ""
    if grams >= 1000:
        return formats.number_format(grams / 1000, decimal_pos=1 if grams % 1000 else 0, use_l10n=True) + " kg"
    return _number(grams) + " g"


def _fill(model: OrdnanceModel) -> str:
    fill = model.fill or model.main_charge
    mass = _weight(model.fill_mass_g)
    return f"{fill} ({mass})" if fill and mass else fill or mass


def _labels(choices: list, codes) -> str:
    names = dict(choices)
    return ", ".join(_(names[c]) for c in (codes or []) if c in names)


def _aliases(model: OrdnanceModel, lang: str) -> list[str]:
    """Local names first (the poster's language), then the others."""
    rows = sorted(model.aliases.all(), key=lambda a: (a.language != lang, a.language, a.name))
    return [a.name for a in rows]


def _images(model: OrdnanceModel, root: Path, limit: int) -> list[str]:
    """Copy up to `limit` of the model's images into the typst folder: the original when it is JPEG or PNG,
    else its JPEG thumbnail (WebP photos); documents are skipped. Returns the names typst reads."""
    from safeground.attachments import queries as attachments

    names: list[str] = []
    for row in attachments.of(model).order_by("created_at", "id"):
        if len(names) >= limit:
            break
        if row.media_type in RASTER:
            source, ext = row.file, RASTER[row.media_type]
        elif row.media_type.startswith("image/") and row.thumbnail:
            source, ext = row.thumbnail, "jpg"
        else:
            continue
        name = f"img-{model.pk.hex}-{len(names)}.{ext}"
        try:
            with source.open("rb") as src, open(root / name, "wb") as dst:
                shutil.copyfileobj(src, dst)
        except OSError:  # a missing file leaves the placeholder, never a failed poster
            continue
        names.append(name)
    return names


def _isolated(text: str, lang: str) -> str:
    """Numbers with units kept left to right inside right-to-left text (Unicode isolates): "1,2 kg", not "kg 1,2"."""
    return f"\u2066{text}\u2069" if text and lang in RTL else text


def _model(model: OrdnanceModel, lang: str, root: Path, *, sheet: bool) -> dict:
    def limit(field: str) -> int:
        return SHEET_CHARS if sheet else CARD_CHARS[field]

    category = _(dict(CATEGORY_CHOICES).get(model.category, model.category))
    return {
        "name": model.name,
        "aliases": _aliases(model, lang),
        "category": category,
        "type": model.type,
        "origin": model.origin,
        "size": _isolated(_size(model), lang),
        "weight": _isolated(_weight(model.weight_g), lang),
        "fill": _isolated(_fill(model), lang),
        "metal": _(dict(METAL_CONTENT_CHOICES).get(model.metal_content, model.metal_content)),
        "detection": _labels(DETECTION_CHOICES, model.detectable_by),
        "fuze": model.fuze,
        "actuation": _labels(ACTUATION_CHOICES, model.actuation),
        "force": _isolated(model.actuation_force, lang),
        "features": _text(model, "features", lang, limit("features")),
        "colour": _text(model, "colour_markings", lang, limit("colour_markings")),
        "hazards": _text(model, "deminer_hazards", lang, limit("deminer_hazards")),
        "images": _images(model, root, 3 if sheet else 1),
    }


def _labels_for_poster() -> dict:
    return {
        "title": _("Explosive ordnance identification"),
        "aka": _("Also known as"),
        "category": _("Category"),
        "type": _("Type"),
        "origin": _("Origin"),
        "size": _("Size"),
        "weight": _("Weight"),
        "fill": _("Explosive fill"),
        "metal": _("Metal content"),
        "detection": _("Detected by"),
        "fuze": _("Fuze"),
        "actuation": _("Actuation"),
        "force": _("Actuation force"),
        "features": _("How to recognise it"),
        "colour": _("Colour and markings"),
        "hazards": _("Danger to the deminer"),
        "english": _("(English)"),
        "none": _("Not recorded"),
        "no_image": _("No image in the library"),
        "safety": _("If you find it"),
        "generated": _("Generated"),
        "version": _("Library version"),
        "page": _("Page"),
    }


def data(models: list[OrdnanceModel], paper: str, lang: str, root: Path, programme: Programme | None = None) -> dict:
    """Everything the typst layout prints, already translated and formatted in `lang` (call inside it)."""
    sheet = len(models) == 1
    return {
        "lang": lang,
        "rtl": lang in RTL,
        "paper": PAPERS[paper],
        "layout": "sheet" if sheet else "cards",
        "columns": GRID[paper],
        "labels": _labels_for_poster(),
        "safety": [_(m) for m in SAFETY],
        "programme": _(programme.name) if programme else "",
        "generated": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "version": library_version(models),
        "models": [_model(m, lang, root, sheet=sheet) for m in models],
    }


def filename(models: list[OrdnanceModel], paper: str, lang: str) -> str:
    stem = models[0].slug if len(models) == 1 else f"{len(models)}-models"
    return f"poster-{stem}-{paper.lower()}-{lang}.pdf"


def render(
    slugs: list[str] | None = None,
    *,
    category: str = "",
    paper: str = "A4",
    lang: str = "en",
    programme: str | None = None,
) -> Poster:
    """The poster as PDF bytes; ValidationFailed (nothing rendered) for bad input."""
    models, paper, lang = check(slugs, category=category, paper=paper, lang=lang)
    found = programme_named(programme)
    models = list(OrdnanceModel.objects.filter(pk__in=[m.pk for m in models]).prefetch_related("aliases"))
    order = {s: i for i, s in enumerate(slugs or [])}
    models.sort(key=lambda m: (order.get(m.slug, len(order)), m.name))
    with translation.override(lang), tempfile.TemporaryDirectory(prefix="sg-poster-") as folder:
        root = Path(folder)
        built = data(models, paper, lang, root, found)
        (root / "data.json").write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
        shutil.copyfile(TEMPLATE, root / "poster.typ")
        pdf = typst.compile(str(root / "poster.typ"), root=str(root), font_paths=FONT_DIRS)
    assert isinstance(pdf, bytes)
    per_page = 1 if len(models) == 1 else GRID[paper] ** 2
    return Poster(
        pdf=pdf,
        filename=filename(models, paper, lang),
        models=len(models),
        pages=-(-len(models) // per_page),
        version=built["version"],
    )
