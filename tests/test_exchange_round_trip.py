"""Issue 18's must-show for exchange packages: the demo as two programmes in two databases.

Azerbaijan's side runs on a SpatiaLite copy of the demo, Cambodia's on a PostGIS copy (the demo holds
both programmes in each; each side acts for its own). Azerbaijan makes a key, registers Cambodia's
authority as a partner and exports its programme under a generalising policy; Cambodia registers
ANAMA and its public key, verifies, imports and compares productivity by method. The test checks
that no personal data is in the package's bytes, that every coordinate is a grid cell's centre,
that Cambodia's national totals did not move, that the comparison has both sides by method, and
that a package with one byte changed is refused by verify and by import, with nothing written.
(The codes are demo data: the demo's programmes and its partners' acronyms.)
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pyproj
import shapely

US, THEM = "AZE", "KHM"  # the exporting programme (SpatiaLite) and the receiving one (PostGIS)

PREPARE_EXPORTER = """
import json
from safeground.cooperation import services as co
from safeground.cooperation.models import Partner
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Device, Product
from safeground.organisations.models import Personnel
from safeground.victims import services as vs
from safeground.victims.models import Victim, VICTIM_ENCRYPTED
if not Partner.objects.filter(code="CMAA").exists():
    co.create_partner(
        code="CMAA", name="Cambodian Mine Action and Victim Assistance Authority",
        kind="national_authority", country="KHM",
    )
ring = vs.check_key()
personal = []
for v in Victim.objects.filter(accident__country="AZE"):
    for f in VICTIM_ENCRYPTED:
        value = vs._open(v, f, ring)
        if value:
            personal.append([f, str(value)])
for name, phone in Personnel.objects.values_list("full_name", "phone"):
    personal += [["person", name]] + ([["phone", phone]] if phone else [])
vertices = []
for g in Hazard.objects.filter(country="AZE").exclude(geom=None).values_list("geom", flat=True):
    vertices += [c for poly in g.coords for ring_ in poly for c in ring_]
for g in Hazard.objects.filter(country="AZE").exclude(point=None).values_list("point", flat=True):
    vertices.append(g.coords)
for g in Product.objects.filter(hazard__country="AZE").values_list("geom", flat=True):
    vertices += [c for poly in g.coords for ring_ in poly for c in ring_]
for g in Device.objects.filter(product__hazard__country="AZE").values_list("point", flat=True):
    vertices.append(g.coords)
print(json.dumps({"personal": personal, "vertices": vertices}))
"""

TOTALS = """
import json
from django.db.models import Sum
from safeground.exchange.models import PartnerDataset, PartnerFeature, PartnerFigure
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Device, HazardLedger, Product
fields = ("estimated_m2", "cleared_m2", "reduced_m2", "cancelled_m2", "remaining_m2")
s = HazardLedger.objects.aggregate(*[Sum(f) for f in fields])
print(json.dumps({
    "hazards": {c: Hazard.objects.filter(country=c).count() for c in ("KHM", "AZE")},
    "products": Product.objects.count(), "devices": Device.objects.count(),
    "ledger": {k: round(v or 0, 3) for k, v in s.items()},
    "datasets": PartnerDataset.objects.count(), "features": PartnerFeature.objects.count(),
    "figures": PartnerFigure.objects.count(),
}))
"""


def _rows_of(gpkg_bytes: bytes, tmp_path) -> dict:
    from pyogrio import list_layers
    from pyogrio.raw import read

    path = tmp_path / "data.gpkg"
    path.write_bytes(gpkg_bytes)
    out = {}
    for name, _geometry_type in list_layers(path):
        meta, _fids, geometry, _fields = read(path, layer=str(name))
        out[str(name)] = None if geometry is None else shapely.from_wkb(np.array(geometry, dtype=object))
    return out


def test_round_trip_between_two_programmes(demo_pair, tmp_path):
    aze = demo_pair.copy("spatialite")
    khm = demo_pair.copy("postgis")
    key_env = {"SAFEGROUND_SIGNING_KEY": str(tmp_path / "aze-keys" / "signing-key.pem")}
    package = tmp_path / "aze-for-cmaa.sgx"

    # --- Azerbaijan: a key, Cambodia's authority as partner, the export under a 10 km grid.
    done = demo_pair.run(aze, "exchange", "keygen", **key_env)
    assert "fingerprint:" in done.stdout and "ed25519:" in done.stdout
    public = (tmp_path / "aze-keys" / "signing-key.pub").read_text().strip()
    exporter = demo_pair.shell(aze, PREPARE_EXPORTER)
    assert exporter["personal"], "the demo has victims with personal data"
    done = demo_pair.run(
        aze, "exchange", "export", "--partner", "CMAA", "--policy", "grid-10km",
        "--out", str(package), "--programme", US, **key_env,
    )  # fmt: skip
    assert "for CMAA under grid-10km" in done.stdout

    # --- The package's bytes: members are stored uncompressed, so a grep of the raw file finds any text.
    raw = package.read_bytes()
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        gpkg_bytes = archive.read("data.gpkg")
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    dates_sent = set()
    geoms = _rows_of(gpkg_bytes, tmp_path)
    from pyogrio.raw import read as ogr_read

    for layer in ("hazards", "products"):
        _m, _f, _g, fields = ogr_read(tmp_path / "data.gpkg", layer=layer)
        for col in fields:
            dates_sent |= {str(v) for v in col}
    leaked = []
    for field, value in exporter["personal"]:
        if field == "date_of_birth" and value in dates_sent:
            continue  # the same calendar day as a hazard's or product's own date, not the person's
        if len(value) >= 4 and (value.encode("utf-8") in raw or value.encode("utf-16-le") in raw):
            leaked.append((field, value))
    assert leaked == [], f"personal data in the package: {leaked[:5]}"
    assert b"name_enc" not in raw and b"medical" not in raw

    # --- Generalised coordinates: every position is the centre of a 10 km cell, none an original vertex.
    rules = manifest["policy"]["rules"]["layers"]
    assert manifest["programme"]["country"] == US and manifest["recipient"]["code"] == "CMAA"
    originals = {(round(x, 9), round(y, 9)) for x, y in exporter["vertices"]}
    checked = 0
    for layer in ("hazards", "products", "devices"):
        rule = rules[layer]
        assert rule["geometry"] == "grid" and rule["write"] == "centre"
        to_metric = pyproj.Transformer.from_crs(4326, rule["epsg"], always_xy=True)
        size = rule["cell_km"] * 1000
        pts = geoms[layer]
        assert len(pts) == manifest["layers"][layer]["rows"] > 0
        coords = shapely.get_coordinates(pts)
        x, y = to_metric.transform(coords[:, 0], coords[:, 1])
        assert np.allclose(x / size - 0.5, np.round(x / size - 0.5), atol=1e-6), layer
        assert np.allclose(y / size - 0.5, np.round(y / size - 0.5), atol=1e-6), layer
        assert not ({(round(a, 9), round(b, 9)) for a, b in coords} & originals), layer
        checked += len(coords)
    assert checked > 100
    for table in ("victims", "eore", "productivity", "release_mix", "summary"):
        assert geoms[table] is None, f"{table} leaves as a table without geometry"

    # --- Cambodia: ANAMA and its key, then verify, refuse the tampered package, import, compare.
    before = demo_pair.shell(
        khm,
        "from safeground.cooperation import services as co\n"
        "from safeground.cooperation.models import Partner\n"
        "Partner.objects.filter(code='ANAMA').exists() or co.create_partner(code='ANAMA', "
        "name='Mine Action Agency of the Republic of Azerbaijan', kind='national_authority', country='AZE')\n" + TOTALS,
    )
    demo_pair.run(khm, "exchange", "trust", "--partner", "ANAMA", "--key", public)
    done = demo_pair.run(khm, "exchange", "verify", str(package))
    assert done.stdout.startswith("OK: signed by ANAMA"), done.stdout
    assert "grid-10km" in done.stdout and "10 km cells" in done.stdout

    tampered = tmp_path / "tampered.sgx"
    data = bytearray(raw)
    offset = raw.index(gpkg_bytes) + len(gpkg_bytes) // 2  # a byte inside the GeoPackage
    data[offset] ^= 0x01
    tampered.write_bytes(bytes(data))
    for action in ("verify", "import"):
        done = demo_pair.run(khm, "exchange", action, str(tampered), check=False)
        assert done.returncode != 0, action
        assert "REFUSED: " in done.stderr, (action, done.stderr)  # the ZIP's CRC or the checksum names it

    done = demo_pair.run(khm, "exchange", "import", str(package))
    assert done.stdout.startswith("imported "), done.stdout
    again = demo_pair.run(khm, "exchange", "import", str(package))
    assert "already imported" in again.stdout and "nothing done" in again.stdout

    compared = json.loads(
        demo_pair.run(khm, "exchange", "compare", "--partner", "ANAMA", "--programme", THEM, "--json").stdout
    )
    after = demo_pair.shell(khm, TOTALS)

    # National totals unchanged; the partner's data only in the exchange tables, once.
    for key in ("hazards", "products", "devices", "ledger"):
        assert after[key] == before[key], key
    assert before["datasets"] == 0 and after["datasets"] == 1
    assert after["features"] == sum(manifest["layers"][n]["rows"] for n in ("hazards", "products", "devices"))

    # The comparison: both sides by method, with the partner's source and its policy's limits.
    assert compared["ours"]["programme"] == THEM and compared["theirs"]["programme"] == US
    assert compared["theirs"]["policy"] == "grid-10km"
    assert any("10 km cells" in limit for limit in compared["theirs"]["limits"])
    both = {r["method"] for r in compared["productivity"] if r["ours"] is not None and r["theirs"] is not None}
    assert {"manual", "mdd"} <= both, compared["productivity"]
    units = {r["method"]: r["unit"] for r in compared["productivity"]}
    assert units["manual"] == "m²/deminer-day" and units["mdd"] == "m²/dog-day"
    assert {r["outcome"] for r in compared["release_mix"]} == {"cancelled", "reduced", "cleared"}
