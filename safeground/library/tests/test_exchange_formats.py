"""The library's files: JSON, CSV and the ZIP bundle written and read back; bad files refused with the
file, the model (or row) and the field named, and nothing written; render-safe procedures never leave."""

# ruff: noqa: F811  (the fixtures are imported from exchange_fixtures, then named as arguments)
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.db import transaction

from safeground.attachments import services as attachment_services
from safeground.attachments.models import Attachment
from safeground.core.errors import ValidationFailed
from safeground.library import exchange, merging
from safeground.library.models import LibraryImport, LibraryMatch
from safeground.library.tests.exchange_fixtures import IMAGE, KHMER, OTHER_IMAGE, ours, theirs_document  # noqa: F401
from safeground.ordnance import services
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

pytestmark = pytest.mark.django_db
MINE = {
    "type": "AP blast",
    "origin": "Testland",
    "length_mm": 80,
    "width_mm": 70,
    "height_mm": 45,
    "diameter_mm": None,
    "weight_g": 320,
    "main_charge": "TNT 200 g",
    "fill": "TNT",
    "fill_mass_g": 200,
    "metal_content": "low",
    "detectable_by": ["detector", "mdr"],
    "fuze": "integral mechanical",
    "actuation": ["pressure", "anti_handling"],
    "actuation_force": "8–25 kg",
    "colour_markings": "olive drab, yellow band",
    "features": "square body; ribbed lid",
    "deminer_hazards": "anti-lift device",
    "texts": {"km": {"features": "តួការ៉េ"}},
    "notes": "test record",
    "sources": "https://example.org/tl-50",
}


class Rollback(Exception):
    pass


def build_and_export() -> tuple[bytes, dict]:
    """Our library with two invented models (aliases, a similar link, two images), exported as a ZIP,
    then rolled back: the file is all that is left, as when it reaches another installation."""
    box: dict = {}
    try:
        with transaction.atomic():
            other = services.create_model(name="TL-60", category="at_mine")
            mine = services.create_model(
                name="TL-50", category="ap_mine", aliases=[(KHMER, "km"), ("Tee-50", "")], similar=[other], **MINE
            )
            attachment_services.attach(mine, name="top.png", content=IMAGE, user=None, caption="From above")
            attachment_services.attach(mine, name="side.png", content=OTHER_IMAGE, user=None, caption="Side")
            box["zip"] = exchange.to_zip(exchange.bundle_members("Testland programme"))
            box["json"] = json.loads(exchange.export("json", "Testland programme")[0])
            raise Rollback
    except Rollback:
        pass
    return box["zip"], box["json"]


def test_round_trip_reproduces_fields_aliases_similar_and_images(user):
    data, document = build_and_export()
    assert not OrdnanceModel.objects.filter(name__in=["TL-50", "TL-60"]).exists()
    record = next(m for m in document["models"] if m["name"] == "TL-50")
    assert {k: record[k] for k in MINE} == MINE and record["slug"] == "tl-50"
    assert not {"id", "version", "updated_at"} & set(record)
    assert record["aliases"] == [{"name": "Tee-50", "language": ""}, {"name": KHMER, "language": "km"}]
    assert record["similar"] == ["TL-60"]
    assert [(i["file"], i["caption"], i["sha256"]) for i in record["images"]] == [
        ("images/tl-50/1.png", "From above", hashlib.sha256(IMAGE).hexdigest()),
        ("images/tl-50/2.png", "Side", hashlib.sha256(OTHER_IMAGE).hexdigest()),
    ]
    assert document["format"] == "safeground-library" and document["programme"] == "Testland programme"
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"library.json", "library.csv", "images/tl-50/1.png", "images/tl-50/2.png"} <= set(names)

    row = merging.receive(data, source="testland.zip", user=user)
    assert row.programme == "Testland programme"
    for match in row.matches.all():  # the seeded catalogue matches itself; ours are new here
        merging.decide(match, "merge" if match.candidate else "create", user=user)
    merging.apply(row, user=user)
    mine = OrdnanceModel.objects.get(name="TL-50")
    assert {k: getattr(mine, k) for k in MINE} == MINE and mine.category == "ap_mine"
    assert sorted(mine.aliases.values_list("name", "language")) == sorted([(KHMER, "km"), ("Tee-50", "")])
    assert [m.name for m in mine.similar_models.all()] == ["TL-60"]
    files = Attachment.objects.filter(object_id=str(mine.pk)).order_by("caption")
    assert [(a.caption, a.sha256) for a in files] == [
        ("From above", hashlib.sha256(IMAGE).hexdigest()),
        ("Side", hashlib.sha256(OTHER_IMAGE).hexdigest()),
    ]
    assert row.matches.get(name="TL-50").matched_by == "none"


def test_csv_reads_semicolons_latin1_and_decimal_commas(db):
    text = (
        "name;category;weight_g;fill;aliases;detectable_by\n"
        "TL-70;ap_mine;320,6;Tolite fondue;Tée@fr | TL70;detector | mdd\n"
    )
    incoming = exchange.read(text.encode("latin-1"), "partner.csv")
    assert len(incoming.models) == 1
    model = incoming.models[0]
    assert (model["name"], model["weight_g"], model["fill"]) == ("TL-70", 321, "Tolite fondue")
    assert model["aliases"] == [["Tée", "fr"], ["TL70", ""]] and model["detectable_by"] == ["detector", "mdd"]


def test_csv_written_is_read_back(ours):
    document, _files = exchange.collect("", with_images=False)
    back = exchange.read(exchange.to_csv(document), "library.csv")
    mine = next(m for m in back.models if m["name"] == "Type 91X")
    assert mine["aliases"] == [[KHMER, "km"]] and mine["metal_content"] == "minimum"
    assert len(back.models) == len(document["models"])


def nothing_written(before: tuple) -> bool:
    return (
        LibraryImport.objects.count(),
        LibraryMatch.objects.count(),
        OrdnanceModel.objects.count(),
        OrdnanceAlias.objects.count(),
    ) == before


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "bad.json",
            lambda d: d["models"][3].update(weight_g="heavy"),
            "bad.json: model 4 (XVS-5), weight_g: 'heavy' is not a number",
        ),
        (
            "bad.json",
            lambda d: d["models"][1].update(category="mine"),
            f"bad.json: model 2 ({KHMER}), category: 'mine' is not one of ap_mine, at_mine, submunition",
        ),
        (
            "bad.json",
            lambda d: d["models"][0].update(actuation=["push"]),
            "bad.json: model 1 (TL2), actuation: 'push' is not one of pressure",
        ),
        ("bad.json", lambda d: d["models"][0].update(name=""), "bad.json: model 1, name: a model needs a name"),
        ("bad.json", lambda d: d.update(format="other"), "bad.json: not a SafeGround library"),
    ],
)
def test_bad_json_is_refused_naming_file_model_and_field(user, name, content, message):
    document = theirs_document()
    content(document)
    before = (LibraryImport.objects.count(), 0, OrdnanceModel.objects.count(), OrdnanceAlias.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        merging.receive(exchange.to_json(document), source=name, user=user)
    assert str(refused.value).startswith(message)
    assert nothing_written(before)


def test_bad_csv_row_and_bad_zip_are_refused(user, _attachments_in_a_temporary_folder):
    import os

    def stored() -> int:
        return sum(len(f) for _d, _s, f in os.walk(_attachments_in_a_temporary_folder))

    files_before = stored()
    before = (LibraryImport.objects.count(), 0, OrdnanceModel.objects.count(), OrdnanceAlias.objects.count())
    csv = b"name,category,fill_mass_g\nTL-80,ap_mine,12\nTL-81,ap_mine,-3\n"
    with pytest.raises(ValidationFailed) as refused:
        merging.receive(csv, source="partner.csv", user=user)
    assert str(refused.value) == "partner.csv: row 3 (TL-81), fill_mass_g: '-3' is not a positive number"
    document = theirs_document()
    archive = exchange.to_zip({"library.json": exchange.to_json(document)})  # the images it lists are missing
    with pytest.raises(ValidationFailed) as refused:
        merging.receive(archive, source="partner.zip", user=user)
    assert str(refused.value) == "partner.zip: model 1 (TL2), images: images/tl-2/1.png is not in the archive"
    with pytest.raises(ValidationFailed) as refused:
        merging.receive(b"PK\x03\x04 not really", source="broken.zip", user=user)
    assert str(refused.value).startswith("broken.zip: not a readable ZIP archive")
    assert nothing_written(before) and stored() == files_before


def test_render_safe_procedures_are_never_exported(ours):
    from safeground.library import services

    services.load_procedure(
        ours["TL-2"], title="RSP-SECRET-TITLE", text="RSP-SECRET-TEXT step one", references="RSP-SECRET-REF"
    )
    attachment_services.attach(ours["TL-2"], name="top.png", content=IMAGE, user=None)
    outputs = [exchange.export(fmt)[0] for fmt in ("json", "csv", "zip")]
    archive = zipfile.ZipFile(io.BytesIO(outputs[2]))
    texts = outputs[:2] + [archive.read(n) for n in archive.namelist()]
    for blob in texts:
        assert b"RSP-SECRET" not in blob
        assert b"procedure" not in blob.lower()
    assert "images/tl-2/1.png" in archive.namelist()  # the export did include the model itself


def test_unknown_format_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        exchange.export("xlsx")
    assert refused.value.field == "format" and "'xlsx' is not json, csv or zip" in str(refused.value)


def test_exported_photos_carry_no_position_and_documents_stay_home(ours):
    """Where a photo was taken can say where a find was: the library leaves without EXIF GPS, and a model's
    documents (a PDF) are not images of the library."""
    from PIL import Image

    from safeground.museum.tests.conftest import png

    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    pdf += b"trailer<</Root 1 0 R>>\n%%EOF\n"
    photo = attachment_services.attach(ours["TL-2"], name="field.jpg", content=png(gps=True), user=None)
    with photo.file.open("rb") as f, Image.open(f) as original:
        assert 0x8825 in original.getexif()  # stored with its position
    attachment_services.attach(ours["TL-2"], name="manual.pdf", content=pdf, user=None)
    bundle = exchange.export("zip")[0]
    archive = zipfile.ZipFile(io.BytesIO(bundle))
    shipped = [n for n in archive.namelist() if n.startswith("images/tl-2/")]
    assert shipped == ["images/tl-2/1.jpg"]  # the photo only, not the PDF
    content = archive.read(shipped[0])
    with Image.open(io.BytesIO(content)) as sent:
        assert 0x8825 not in sent.getexif()
    document = json.loads(archive.read("library.json"))
    entry = next(m for m in document["models"] if m["name"] == "TL-2")["images"][0]
    assert entry["sha256"] == hashlib.sha256(content).hexdigest()  # the digest of what was sent
