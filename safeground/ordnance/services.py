"""Every write to the ordnance reference library: models, their aliases and similar models.

Each field is checked before anything is written, so a refused change names the field and why (ValidationFailed) and
leaves the library as it was: other programmes' merges and the posters read these records as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.ordnance import naming
from safeground.ordnance.models import (
    ACTUATION_CHOICES,
    CATEGORY_CHOICES,
    DETECTION_CHOICES,
    METAL_CONTENT_CHOICES,
    TRANSLATABLE_TEXTS,
    OrdnanceAlias,
    OrdnanceModel,
)

#: Fields a caller may set with create_model/update_model (besides aliases and similar models).
EDITABLE = (
    "category", "type", "origin", "length_mm", "width_mm", "height_mm", "diameter_mm", "weight_g",
    "main_charge", "fill", "fill_mass_g", "metal_content", "detectable_by", "fuze", "actuation",
    "actuation_force", "colour_markings", "features", "deminer_hazards", "texts", "notes", "sources",
)  # fmt: skip

#: Upper bounds that catch a unit slip (metres typed as millimetres, kilograms as tonnes) without refusing a
#: real item: the largest in the library is a ~800 kg, ~8 m cluster rocket.
MAX_SIZE_MM = 20_000
MAX_WEIGHT_G = 5_000_000
SIZES = ("length_mm", "width_mm", "height_mm", "diameter_mm")
WEIGHTS = ("weight_g", "fill_mass_g")
CHOICES = {"category": CATEGORY_CHOICES, "metal_content": METAL_CONTENT_CHOICES}
CODE_LISTS = {"detectable_by": DETECTION_CHOICES, "actuation": ACTUATION_CHOICES}
MAX_ALIAS: int = OrdnanceAlias._meta.get_field("name").max_length  # type: ignore[assignment]
MAX_NAME: int = OrdnanceModel._meta.get_field("name").max_length  # type: ignore[assignment]


def _codes(choices) -> list[str]:
    return [code for code, _label in choices]


def _fail(field: str, message: str, reason: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", field, reason)


#: An ISO 639-1/2 language code with an optional region or script (km, az, ru, pt-BR, az-Cyrl).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def translation_languages() -> list[str]:
    """Languages a model's texts may be translated into: the interface's, English excepted (the fields)."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def _check_text(field: str, value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(field, _("must be text; got %(value)r") % {"value": value}, "type")
    max_length = getattr(OrdnanceModel._meta.get_field(field), "max_length", None)
    if max_length and len(value) > max_length:
        raise _fail(field, _("at most %(n)d characters; got %(got)d") % {"n": max_length, "got": len(value)}, "length")
    return value


def _check_number(field: str, value, upper: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(field, _("must be a whole number; got %(value)r") % {"value": value}, "type")
    if value <= 0:
        raise _fail(field, _("must be positive; got %(value)d") % {"value": value}, "range")
    if value > upper:
        raise _fail(
            field, _("%(value)d is more than %(max)d: check the unit") % {"value": value, "max": upper}, "range"
        )
    return value


def _check_choice(field: str, value) -> str:
    allowed = _codes(CHOICES[field])
    if value not in allowed:
        raise _fail(
            field,
            _("unknown code %(value)r; one of %(codes)s") % {"value": value, "codes": ", ".join(allowed)},
            "choice",
        )
    return value


def _check_codes(field: str, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _fail(field, _("must be a list of codes; got %(value)r") % {"value": value}, "type")
    allowed = _codes(CODE_LISTS[field])
    out: list[str] = []
    for code in value:
        if code not in allowed:
            raise _fail(
                field,
                _("unknown code %(value)r; one of %(codes)s") % {"value": code, "codes": ", ".join(allowed)},
                "choice",
            )
        if code not in out:
            out.append(code)
    return out


def _check_texts(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(
            "texts", _("must be an object {language: {text: translation}}; got %(value)r") % {"value": value}, "type"
        )
    languages = translation_languages()
    out: dict[str, dict[str, str]] = {}
    for language, inner in value.items():
        if language not in languages:
            raise _fail(
                "texts",
                _("%(value)r is not a translation language; one of %(codes)s")
                % {"value": language, "codes": ", ".join(languages)},
                "language",
            )
        if not isinstance(inner, dict):
            raise _fail(
                "texts",
                _("texts[%(lang)s] must be an object; got %(value)r") % {"lang": language, "value": inner},
                "type",
            )
        for text, translation in inner.items():
            if text not in TRANSLATABLE_TEXTS:
                raise _fail(
                    "texts",
                    _("texts[%(lang)s]: %(value)r is not a translatable text; one of %(codes)s")
                    % {"lang": language, "value": text, "codes": ", ".join(TRANSLATABLE_TEXTS)},
                    "key",
                )
            if not isinstance(translation, str):
                raise _fail(
                    "texts",
                    _("texts[%(lang)s][%(text)s] must be text; got %(value)r")
                    % {"lang": language, "text": text, "value": translation},
                    "type",
                )
        cleaned = {k: v for k, v in inner.items() if v.strip()}
        if cleaned:
            out[language] = cleaned
    return out


def check_fields(fields: dict) -> dict:
    """The fields cleaned (codes deduplicated, empty numbers as None), or ValidationFailed naming the first bad one."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(_("%(field)s is not a field of an ordnance model") % {"field": unknown[0]}, unknown[0])
    clean: dict = {}
    for field, value in fields.items():
        if field in CHOICES:
            clean[field] = _check_choice(field, value)
        elif field in CODE_LISTS:
            clean[field] = _check_codes(field, value)
        elif field in SIZES:
            clean[field] = _check_number(field, value, MAX_SIZE_MM)
        elif field in WEIGHTS:
            clean[field] = _check_number(field, value, MAX_WEIGHT_G)
        elif field == "texts":
            clean[field] = _check_texts(value)
        else:
            clean[field] = _check_text(field, value)
    return clean


def _check_fill(fill_mass_g: int | None, weight_g: int | None) -> None:
    if fill_mass_g and weight_g and fill_mass_g > weight_g:
        raise _fail(
            "fill_mass_g",
            _("the fill (%(fill)d g) weighs more than the whole item (%(weight)d g)")
            % {"fill": fill_mass_g, "weight": weight_g},
            "range",
        )


def check_aliases(aliases: Iterable) -> list[tuple[str, str]]:
    """(name, language) pairs cleaned: names stripped, at most MAX_ALIAS characters, a language code (ISO 639,
    e.g. km, az, ru, vi, with an optional region: a partner's library names a model in languages this
    installation does not show) or empty (any language), each name once."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, alias in enumerate(aliases):
        field = f"aliases[{i}]"
        if isinstance(alias, dict):
            name, language = alias.get("name"), alias.get("language", "")
        elif isinstance(alias, list | tuple) and len(alias) == 2:
            name, language = alias
        else:
            raise _fail(field, _("an alias is a name and a language; got %(value)r") % {"value": alias}, "type")
        if not isinstance(name, str) or not name.strip():
            raise _fail(field, _("an alias needs a name"), "required")
        name = name.strip()
        if len(name) > MAX_ALIAS:
            raise _fail(
                field, _("at most %(n)d characters; got %(got)d") % {"n": MAX_ALIAS, "got": len(name)}, "length"
            )
        language = language or ""
        if language and not LANGUAGE_CODE.match(language):
            raise _fail(
                field,
                _("%(value)r is not a language code such as km, az or ru, or empty") % {"value": language},
                "language",
            )
        if not naming.key(name):
            raise _fail(field, _("%(value)r has no letters or digits to match on") % {"value": name}, "format")
        if name not in seen:
            seen.add(name)
            out.append((name, language))
    return out


def check_similar(model: OrdnanceModel | None, similar: Iterable) -> list[OrdnanceModel]:
    out = list(similar)
    for i, other in enumerate(out):
        if not isinstance(other, OrdnanceModel) or other.pk is None:
            raise _fail(f"similar[{i}]", _("not a model of the library: %(value)r") % {"value": other}, "unknown")
        if model is not None and other.pk == model.pk:
            raise _fail(
                f"similar[{i}]", _("a model is not similar to itself (%(name)s)") % {"name": model.name}, "self"
            )
    return out


def _set_aliases(model: OrdnanceModel, aliases: list[tuple[str, str]]) -> None:
    model.aliases.all().delete()
    OrdnanceAlias.objects.bulk_create(
        OrdnanceAlias(model=model, name=name, language=language, folded=naming.key(name)) for name, language in aliases
    )


def add_aliases(model: OrdnanceModel, aliases: Iterable) -> int:
    """Add aliases a model lacks (a name it already has is skipped); the demo and the library merge add, not
    replace. Returns how many were added."""
    clean = check_aliases(aliases)
    have = set(model.aliases.values_list("name", flat=True))
    new = [(n, lang) for n, lang in clean if n not in have]
    OrdnanceAlias.objects.bulk_create(
        OrdnanceAlias(model=model, name=n, language=lang, folded=naming.key(n)) for n, lang in new
    )
    return len(new)


def remove_aliases(pairs: Iterable[tuple[str, str]]) -> int:
    """Delete the aliases named by (model name, alias name) pairs (the demo's own, when it is rebuilt)."""
    removed = 0
    for model_name, alias_name in pairs:
        removed += OrdnanceAlias.objects.filter(model__name=model_name, name=alias_name).delete()[0]
    return removed


@transaction.atomic
def create_model(
    *, name: str, category: str, user=None, reason: str | None = None, aliases=None, similar=None, **fields
) -> OrdnanceModel:
    """A new model in the library; its slug comes from its name."""
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed(_("a model needs a name"), "name", "required")
    if len(name) > MAX_NAME:
        raise _fail("name", _("at most %(n)d characters; got %(got)d") % {"n": MAX_NAME, "got": len(name)}, "length")
    if not naming.key(name):
        raise _fail("name", _("%(value)r has no letters or digits") % {"value": name}, "format")
    if OrdnanceModel.objects.filter(name=name).exists():
        raise ValidationFailed(_("the library already has a model named %(name)s") % {"name": name}, "name", "unique")
    clean = check_fields({"category": category, **fields})
    _check_fill(clean.get("fill_mass_g"), clean.get("weight_g"))
    clean_aliases = check_aliases(aliases) if aliases is not None else None
    clean_similar = check_similar(None, similar) if similar is not None else None
    model = OrdnanceModel(name=name)
    for field, value in clean.items():
        setattr(model, field, value)
    model.slug = naming.slug(name, set(OrdnanceModel.objects.values_list("slug", flat=True)))
    record_author(model, user, reason)
    model.save()
    if clean_aliases is not None:
        _set_aliases(model, clean_aliases)
    if clean_similar is not None:
        model.similar_models.set(clean_similar)
    return model


@transaction.atomic
def update_model(
    model: OrdnanceModel,
    *,
    user=None,
    expected_version: int | None = None,
    reason: str | None = None,
    aliases=None,
    similar=None,
    **fields,
) -> OrdnanceModel:
    """Change a model's data (its name stays: devices and other programmes know it by it); one history row.
    `aliases`: the full list of (name, language) replacing the current ones; `similar`: models."""
    clean = check_fields(fields)
    clean_aliases = check_aliases(aliases) if aliases is not None else None
    clean_similar = check_similar(model, similar) if similar is not None else None
    versions.lock(model, expected_version, model.name)
    _check_fill(clean.get("fill_mass_g", model.fill_mass_g), clean.get("weight_g", model.weight_g))
    for field, value in clean.items():
        setattr(model, field, value)
    record_author(model, user, reason)
    model.save()
    if clean_aliases is not None:
        _set_aliases(model, clean_aliases)
    if clean_similar is not None:
        model.similar_models.set(clean_similar)
    return model
