"""Demo enrichment of the ordnance library: local names and schematic illustrations for common models.

The aliases are synthetic transliterations (Khmer, Azerbaijani), made up for the demo and not checked with anyone
who uses them; the illustrations are schematics drawn here (the body's outline in the model's colour, to scale, with
a scale bar), captioned "Illustration (demo)". The catalogue models themselves are real reference data and stay: a
rebuild deletes only these aliases (by the list below) and the illustrations (attachments marked synthetic).
"""

from __future__ import annotations

import io

from safeground.attachments import services as attachment_services
from safeground.ordnance import services
from safeground.ordnance.models import OrdnanceModel

CAPTION = "Illustration (demo)"

#: Synthetic local names: {model: [(alias, language)]}.
ALIASES: dict[str, list[tuple[str, str]]] = {
    "PMN": [("ភីអឹមអិន", "km"), ("PMN minası", "az")],
    "PMN-2": [("ភីអឹមអិន ២", "km"), ("PMN-2 minası", "az")],
    "Type 58": [("មីនប្រភេទ ៥៨", "km"), ("Tip 58 minası", "az")],
    "Type 72A": [("មីនប្រភេទ ៧២ អា", "km"), ("Tip 72A minası", "az")],
    "M14": [("អឹម ១៤", "km"), ("M14 minası", "az")],
    "M16": [("អឹម ១៦ លោត", "km"), ("M16 sıçrayan mina", "az")],
    "POMZ-2": [("ប៉ូមហ្ស ២", "km"), ("POMZ-2 dirək minası", "az")],
    "OZM-72": [("អូហ្សអឹម ៧២", "km"), ("OZM-72 sıçrayan mina", "az")],
    "MON-50": [("ម៉ុន ៥០", "km"), ("MON-50 istiqamətli mina", "az")],
    "MON-100": [("ម៉ុន ១០០", "km"), ("MON-100 istiqamətli mina", "az")],
    "TM-62M": [("ធីអឹម ៦២ អឹម", "km"), ("TM-62M tank əleyhinə mina", "az")],
    "BLU-26": [("គ្រាប់បែកចង្កោម ប៊ីអិលយូ ២៦", "km"), ("BLU-26 kaset bombacığı", "az")],
}

#: How each illustrated model is drawn: (shape, colour, (width, height)). The proportions are for the drawing only,
#: not data: a record's own diameter and height are used where it has them.
DRAWING: dict[str, tuple[str, str, tuple[int, int]]] = {
    "PMN": ("disc", "#3b3b3b", (112, 56)),
    "PMN-2": ("disc", "#4f6b3a", (125, 65)),
    "Type 58": ("disc", "#111111", (112, 56)),
    "Type 72A": ("disc", "#8fb37a", (78, 38)),
    "M14": ("disc", "#5c6b3c", (56, 40)),
    "M16": ("can", "#55603a", (103, 199)),
    "POMZ-2": ("stake", "#4a4a4a", (60, 300)),
    "OZM-72": ("can", "#5a6a45", (108, 172)),
    "MON-50": ("box", "#4f5d3a", (226, 66)),
    "MON-100": ("disc-face", "#5b6648", (236, 82)),
    "TM-62M": ("disc", "#6b7250", (320, 128)),
    "BLU-26": ("ball", "#8a8a8a", (65, 65)),
}


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def illustration(model: OrdnanceModel) -> bytes:
    """A PNG schematic of `model`: its outline (side view) to scale, a 50 mm scale bar, its name and the label."""
    from PIL import Image, ImageDraw

    shape, colour, (w_mm, h_mm) = DRAWING.get(model.name, ("box", "#777777", (100, 60)))
    if model.diameter_mm and model.height_mm:
        w_mm, h_mm = model.diameter_mm, model.height_mm
    width, height = 640, 420
    scale = min(440 / w_mm, 250 / h_mm)  # pixels per millimetre
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    w, h = w_mm * scale, h_mm * scale
    x0, y0 = (width - w) / 2, 80 + (260 - h) / 2
    box = (x0, y0, x0 + w, y0 + h)
    if shape == "disc":
        draw.rounded_rectangle(box, radius=min(w, h) / 5, fill=colour, outline="black", width=3)
        draw.rectangle((x0 + w * 0.35, y0 - 8, x0 + w * 0.65, y0 + 4), fill="black")  # the pressure plate
    elif shape == "can":
        draw.rounded_rectangle(box, radius=10, fill=colour, outline="black", width=3)
        draw.rectangle((x0 + w * 0.4, y0 - 18, x0 + w * 0.6, y0), fill="#333333")  # the fuze
    elif shape == "stake":
        draw.line((x0 + w / 2, y0 + h * 0.35, x0 + w / 2, y0 + h), fill="#7a5230", width=8)  # wooden stake
        draw.rounded_rectangle((x0, y0, x0 + w, y0 + h * 0.4), radius=8, fill=colour, outline="black", width=3)
    elif shape == "ball":
        draw.ellipse(box, fill=colour, outline="black", width=3)
    elif shape == "disc-face":
        draw.ellipse(
            (x0 + (w - h * 2.5) / 2, y0, x0 + (w + h * 2.5) / 2, y0 + h), fill=colour, outline="black", width=3
        )
    else:
        draw.rounded_rectangle(box, radius=12, fill=colour, outline="black", width=3)
    bar = 50 * scale
    draw.rectangle((30, height - 40, 30 + bar, height - 32), fill="black")
    draw.text((30, height - 28), "50 mm", fill="black", font=_font(16))
    draw.text((24, 18), model.name, fill="black", font=_font(30))
    draw.text((width - 230, height - 34), CAPTION, fill="#b00020", font=_font(20))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def delete_synthetic() -> int:
    """Remove the demo's aliases (the illustrations go with the other synthetic attachments)."""
    return services.remove_aliases((model, name) for model, pairs in ALIASES.items() for name, _lang in pairs)


def build(report=lambda message: None) -> dict[str, int]:
    """Add the demo aliases and one illustration per model in DRAWING; models the library lacks are skipped."""
    models = {m.name: m for m in OrdnanceModel.objects.filter(name__in=set(ALIASES) | set(DRAWING))}
    aliases = sum(services.add_aliases(models[name], pairs) for name, pairs in ALIASES.items() if name in models)
    images = 0
    for name in DRAWING:
        model = models.get(name)
        if model is None:
            continue
        # The model is real reference data; its drawing is not: marked synthetic, the demo's rebuild deletes it.
        model.is_synthetic = True  # type: ignore[attr-defined]
        attachment_services.attach(
            model, name=f"{model.slug}-illustration.png", content=illustration(model), user=None, caption=CAPTION
        )
        images += 1
    report(f"  ordnance library: {aliases} local names, {images} illustrations")
    return {"aliases": aliases, "illustrations": images}
