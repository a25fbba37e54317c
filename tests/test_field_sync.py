"""Field-office sync end to end (issue 18): a laptop (the tiny demo on SpatiaLite) records a new hazard and
changes a product, exports a signed package; the national server (the same demo on PostGIS) imports it
into the workbench, an IM officer approves one and returns the other, a signed receipt goes back, and
the laptop shows what became of each. Two importers of the same package at once make one import; the
same package again does nothing; one byte changed is refused.
"""

from __future__ import annotations

import json
import subprocess

from tests.conftest import _cli

LAPTOP = """
import json
from pathlib import Path
from django.core.management import call_command
from safeground.core import packages
from safeground.fieldsync import services
from safeground.hazards import services as hazards
from safeground.hazards.models import Hazard
from safeground.hazards.schemas import HazardIn
from safeground.landrelease import services as release
from safeground.landrelease.models import Product

work = Path({work!r})
packages.generate_key(work / "laptop-key", "signing-key")
services.init_office(code="FO-NW", organisation="CMAC", name="North-west field office")
product = Product.objects.filter(activity__organisation__acronym="CMAC", outcome="cleared").order_by("code").first()
release.update_product(product, clearance_depth_cm=(product.clearance_depth_cm or 10) + 5)
near = Hazard.objects.filter(reporting_organisation__acronym="CMAC", geom__isnull=False).order_by("code").first()
spot = near.geom.point_on_surface
x, y, h = spot.x, spot.y, 0.0003
ring = [[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]]
square = {{"type": "Polygon", "coordinates": [ring]}}
new = hazards.create_hazard_from_input(HazardIn(geometry=square, hazard_class="SHA", contamination_type="ap_mines",
    recorded_on="2025-01-10", name="Found by the field office", reporting_organisation="CMAC"))[0]
call_command("sync", "export", "--out", str(work / "laptop.sgx"))
print(json.dumps({{"product": product.code, "product_version": product.version, "hazard": new.code,
    "public": (work / "laptop-key" / "signing-key.pub").read_text().strip()}}))
"""

SERVER = """
import json
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.management import call_command
from safeground.core import packages
from safeground.fieldsync.models import ImportedItem, SyncImport
from safeground.landrelease.models import Product
from safeground.workbench import services as workbench
from safeground.workbench.models import Submission

work = Path({work!r})
before = {before}
made = list(Submission.objects.exclude(origin={{}}).order_by("kind"))
seen = [{{"kind": s.kind, "action": s.action, "status": s.status, "target": s.target_code, "origin": s.origin,
    "base_version": s.base_version}} for s in made]
officer = get_user_model().objects.get(username="im-officer")
hazard = next(s for s in made if s.kind == "hazard")
product = next(s for s in made if s.kind == "product")
workbench.return_for_changes(hazard, user=officer, comment="Draw the whole perimeter", revision=hazard.revision)
approved = workbench.approve(product, user=officer, revision=product.revision, override_reason="checked on site")
call_command("sync", "receipt", "--office", "FO-NW", "--out", str(work / "receipt.sgx"))
print(json.dumps({{"added": Submission.objects.count() - before, "total": Submission.objects.count(),
    "seen": seen, "approved": approved.result_code,
    "depth": Product.objects.get(code=approved.result_code).clearance_depth_cm,
    "imports": SyncImport.objects.count(), "items": ImportedItem.objects.count(),
    "server_public": (work / "server-key" / "signing-key.pub").read_text().strip()}}))
"""

REGISTER = """
import json
from pathlib import Path
from django.core.management import call_command
from safeground.core import packages
from safeground.workbench.models import Submission

packages.generate_key(Path({work!r}) / "server-key", "signing-key")
call_command("sync", "office", "add", "--code", "FO-NW", "--organisation", "CMAC", "--name", "North-west",
    "--key", {public!r}, "--account", "operator-cmac")
print(json.dumps(Submission.objects.count()))
"""

RECEIPT = """
import json
from pathlib import Path
from django.core.management import call_command
from safeground.fieldsync import services
from safeground.fieldsync.models import SyncItem

work = Path({work!r})
call_command("sync", "trust-server", "--key", str(work / "server-key" / "signing-key.pub"))
call_command("sync", "apply-receipt", str(work / "receipt.sgx"))
again = services.apply_receipt((work / "receipt.sgx").read_bytes()).status
items = {{i.kind: {{"status": i.status, "national": i.national_code, "comment": i.comment, "local": i.local_code}}
    for i in SyncItem.objects.all()}}
print(json.dumps({{"items": items, "again": again}}))
"""

COUNT = """
import json
from safeground.workbench.models import Submission
from safeground.fieldsync.models import SyncImport
print(json.dumps([Submission.objects.count(), SyncImport.objects.count()]))
"""


def test_laptop_to_server_and_back(demo_pair, tmp_path):
    laptop, server = demo_pair.copy("spatialite"), demo_pair.copy("postgis")
    work = str(tmp_path)
    laptop_key = {"SAFEGROUND_SIGNING_KEY": str(tmp_path / "laptop-key" / "signing-key.pem")}
    server_key = {"SAFEGROUND_SIGNING_KEY": str(tmp_path / "server-key" / "signing-key.pem")}

    sent = demo_pair.shell(laptop, LAPTOP.format(work=work), **laptop_key)
    package = tmp_path / "laptop.sgx"
    assert package.exists()

    # Two importers of the same package at the same moment: one imports it, the other finds it done.
    before = demo_pair.shell(server, REGISTER.format(work=work, public=sent["public"]), **server_key)
    racers = [
        subprocess.Popen(
            [*_cli(), "sync", "import", str(tmp_path / "laptop.sgx"), "--user", "im-officer"],
            env=demo_pair.env(server, **server_key),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    said = sorted(p.communicate(timeout=300)[0] for p in racers)
    assert all(p.returncode == 0 for p in racers), said
    assert sum("2 submitted to the workbench, 0 refused" in out for out in said) == 1, said
    assert sum("already imported" in out for out in said) == 1, said

    got = demo_pair.shell(server, SERVER.format(work=work, before=before), **server_key)
    assert got["added"] == 2 and got["imports"] == 1 and got["items"] == 2  # exactly two new submissions
    by_kind = {s["kind"]: s for s in got["seen"]}
    assert by_kind["hazard"]["action"] == "create" and by_kind["hazard"]["status"] == "pending"
    assert by_kind["hazard"]["origin"]["local_code"] == sent["hazard"]
    change = by_kind["product"]
    assert change["action"] == "update" and change["target"] == sent["product"] and change["status"] == "pending"
    assert change["origin"]["office"] == "FO-NW"
    assert change["origin"]["base_version"] == sent["product_version"] - 1  # the version the laptop started from
    assert change["base_version"] == change["origin"]["base_version"]  # same seed: no conflict
    assert got["approved"] == sent["product"]

    # The same package again: nothing new, and it says so. One byte changed: refused, nothing written.
    again = demo_pair.run(server, "sync", "import", str(package))
    assert "already imported" in again.stdout and "nothing done" in again.stdout
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.sgx"
    tampered.write_bytes(bytes(data))
    refused = demo_pair.run(server, "sync", "import", str(tampered), check=False)
    assert refused.returncode != 0 and "refused" in refused.stderr  # e.g. a bad CRC, or "altered"
    submissions, imports = demo_pair.shell(server, COUNT)
    assert imports == 1 and submissions == got["total"]

    back = demo_pair.shell(laptop, RECEIPT.format(work=work), **laptop_key)
    assert back["items"]["product"] == {
        "status": "approved",
        "national": sent["product"],
        "comment": "",
        "local": sent["product"],
    }
    assert back["items"]["hazard"]["status"] == "returned"
    assert back["items"]["hazard"]["comment"] == "Draw the whole perimeter"
    assert back["again"] == "already"  # the same receipt again changes nothing
    assert json.dumps(back)  # readable
