"""Models with pictures for the poster tests (built through the ordnance and attachments services)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def drawing(colour: str = "olive", size: tuple[int, int] = (320, 240)) -> bytes:
    """A PNG that looks like a round mine seen from above: a body, a rim, a pressure plate."""
    out = io.BytesIO()
    image = Image.new("RGB", size, "white")
    pen = ImageDraw.Draw(image)
    w, h = size
    r = min(w, h) // 2 - 12
    pen.ellipse((w // 2 - r, h // 2 - r, w // 2 + r, h // 2 + r), fill=colour, outline="black", width=4)
    pen.ellipse((w // 2 - r // 2, h // 2 - r // 2, w // 2 + r // 2, h // 2 + r // 2), fill="darkolivegreen")
    image.save(out, "PNG")
    return out.getvalue()


def make_model(name: str, user, *, picture: bool = True, colour: str = "olive", **fields):
    from safeground.attachments import services as attachments
    from safeground.ordnance import services

    defaults = {
        "category": "ap_mine",
        "type": "AP blast, pressure",
        "origin": "Testland",
        "diameter_mm": 120,
        "height_mm": 54,
        "weight_g": 1200,
        "fill": "TNT",
        "fill_mass_g": 100,
        "metal_content": "low",
        "detectable_by": ["detector", "mdd"],
        "actuation": ["pressure"],
        "actuation_force": "8–25 kg",
        "features": "Round plastic body with a rubber pressure plate on top; arming plug on the side.",
        "colour_markings": "Dark green or brown; stencilled lot number.",
        "deminer_hazards": "Blast injures the foot and leg; old fuzes may be sensitive.",
    }
    model = services.create_model(name=name, user=user, **{**defaults, **fields})
    if picture:
        attachments.attach(model, name=f"{model.slug}.png", content=drawing(colour), user=user)
    return model
