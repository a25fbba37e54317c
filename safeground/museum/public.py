"""What the public catalogue may say about an exhibit: one redaction for the page and the API.

Only the model's identification (name, local names, category, type, features, colour and markings, size,
weight), the exhibit's label, and the find as a province name and a year. Never the find's coordinates,
the device record's code, the operator, the certificate or anything a map could be drawn from.
"""

from __future__ import annotations

import io

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from safeground.attachments.models import Attachment
from safeground.museum.models import Exhibit
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel

#: The part (attachment path) of an exhibit's photos meant for the public: the only ones its page shows.
PUBLIC_PART = "public"

#: The longest side of a served public image (re-encoded: no EXIF, no GPS).
PUBLIC_IMAGE_PX = 1200


def safety_messages() -> list[str]:
    """The standard safety messages shown beside every exhibit (gettext: every language)."""
    return [
        _("Do not touch, move or pick up anything that looks like this: it may explode."),
        _("Mark the place from a safe distance, go back the way you came, and warn others."),
        _(
            "Report it at once to the village chief, the police or the mine action operator working nearby; "
            "they will call the explosive ordnance disposal team."
        ),
    ]


def _text(model: OrdnanceModel, field: str, language: str) -> dict:
    """The model's text in `language` when there is one, else the English text marked as such."""
    translated = ((model.texts or {}).get(language) or {}).get(field) or ""
    if translated.strip():
        return {"text": translated, "language": language, "fallback": False}
    english = getattr(model, field) or ""
    return {"text": english, "language": "en", "fallback": bool(english) and language != "en"}


def aliases(model: OrdnanceModel, language: str) -> list[dict]:
    """The model's other names, those in the page's language first."""
    rows = sorted(model.aliases.all(), key=lambda a: (a.language != language, a.language == "", a.name))
    return [{"name": a.name, "language": a.language} for a in rows]


def images(exhibit: Exhibit) -> list[Attachment]:
    """The exhibit's photos for the public (its part "public": a certificate's scan or a find photo in the
    staff gallery is never shown), else its model's reference images (oldest first)."""
    found = list(_image_rows(exhibit).filter(object_id=str(exhibit.pk), content_type=_type(Exhibit), path=PUBLIC_PART))
    return found or list(
        _image_rows(exhibit).filter(object_id=str(exhibit.model_id), content_type=_type(OrdnanceModel))
    )


def _type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _image_rows(exhibit: Exhibit):
    return Attachment.objects.filter(removed_at__isnull=True, media_type__startswith="image/")


def image_of(exhibit: Exhibit, attachment_id) -> Attachment | None:
    """An image attached to this (public) exhibit or to its model; None for anything else."""
    if not exhibit.public or exhibit.status == "deaccessioned":
        return None
    where = Q(content_type=_type(Exhibit), object_id=str(exhibit.pk), path=PUBLIC_PART) | Q(
        content_type=_type(OrdnanceModel), object_id=str(exhibit.model_id), path=""
    )
    return _image_rows(exhibit).filter(where, pk=attachment_id).first()


def reencoded(attachment: Attachment) -> bytes:
    """The image re-encoded as a JPEG of at most PUBLIC_IMAGE_PX: no EXIF block survives (no GPS, no camera)."""
    with attachment.file.open("rb") as f, Image.open(f) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((PUBLIC_IMAGE_PX, PUBLIC_IMAGE_PX))
        out = io.BytesIO()
        upright.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def card(exhibit: Exhibit, language: str, image_url=None) -> dict:
    """The public description of an exhibit in `language`. `image_url(exhibit, attachment)` builds image links."""
    model = exhibit.model
    pictures = images(exhibit)
    return {
        "code": exhibit.code,
        "title": exhibit.title or model.name,
        "museum": exhibit.museum.name,
        "model": model.name,
        "aliases": aliases(model, language),
        "category": model.category,
        "category_label": _(dict(CATEGORY_CHOICES).get(model.category, model.category)),
        "type": model.type,
        "features": _text(model, "features", language),
        "colour_markings": _text(model, "colour_markings", language),
        "length_mm": model.length_mm,
        "width_mm": model.width_mm,
        "height_mm": model.height_mm,
        "diameter_mm": model.diameter_mm,
        "weight_g": model.weight_g,
        "description": exhibit.description,
        "safety_message": exhibit.safety_message,
        "safety_messages": safety_messages(),
        "found_province": exhibit.found_province.name if exhibit.found_province is not None else None,
        "found_year": exhibit.found_on.year if exhibit.found_on else None,
        "images": [image_url(exhibit, a) for a in pictures] if image_url else [],
    }
