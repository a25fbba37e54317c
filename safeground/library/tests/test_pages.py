"""The library's pages: the searchable list with finds, a model's page with every section and its finds
tables, the edit form (stale edits refused, nothing written) and the procedures button for the qualified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safeground.library.tests import fixtures
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations import services as organisation_services
from safeground.organisations.models import Certification, Organisation, Personnel

pytestmark = pytest.mark.django_db


def test_the_list_searches_by_alias_and_filters(client_for):
    fixtures.build()
    c = client_for("viewer")
    page = c.get("/library/", {"q": "testmine"})
    assert page.status_code == 200
    assert b"XT-AP-1" in page.content and b"XT-SUB-7" not in page.content.split(b"Most found")[0]
    assert b"XT-SUB-7" in c.get("/library/", {"category": "submunition"}).content
    bad = c.get("/library/", {"metal": "plutonium"})
    assert bad.status_code == 200 and b"metal must be one of" in bad.content
    api = c.get("/api/v1/library/models", {"q": "xt ap 1"}).json()
    assert [(i["name"], i["finds"], i["records"]) for i in api["items"]] == [("XT-AP-1", 14, 7)]
    assert c.get("/api/v1/library/models", {"detectable_by": "radar"}).status_code == 422


def test_the_model_page_shows_every_section_and_the_finds(client_for):
    world = fixtures.build()
    c = client_for("viewer")
    page = c.get(f"/library/{world['mine'].slug}/").content.decode()
    for section in ("identification", "physical", "fuze", "features", "hazards", "similar", "images", "finds"):
        assert f'id="{section}"' in page, section
    assert "Testmine" in page and "(km)" in page  # the alias with its language
    assert "West" in page and "Outside every province" in page and "30+ cm" in page
    assert "restricted to EOD-qualified staff" in page and "/procedures/" not in page
    assert "/poster.pdf" in page or "poster" in page
    finds = c.get(f"/api/v1/library/models/{world['mine'].slug}/finds").json()
    assert finds["total"] == {"finds": 14, "records": 7}
    detail = c.get(f"/api/v1/library/models/{world['mine'].slug}")
    assert detail.json()["aliases"] == [{"name": "Testmine", "language": "km"}] and detail["ETag"] == '"1"'


def test_a_qualified_account_sees_the_button(client_for):
    world = fixtures.build()
    c = client_for("qa_officer")
    org = Organisation.objects.get(acronym="TDO")
    person = Personnel.objects.create(code="XT-P-1", organisation=org, role="eod3", full_name="A", nationality="XTL")
    Certification.objects.create(
        code="XT-C-1", person=person, title="EOD 3", method="eod", issued_by="TC", issued_on=dt.date(2020, 1, 1)
    )
    organisation_services.link_account(person, c.user)
    page = c.get(f"/library/{world['mine'].slug}/").content.decode()
    assert f"/library/{world['mine'].slug}/procedures/" in page


def test_the_edit_form_saves_and_refuses_a_stale_version(client_for):
    world = fixtures.build()
    mine = world["mine"]
    c: Client = client_for("im_officer")
    assert client_for("viewer").get(f"/library/{mine.slug}/edit/").status_code == 403
    form = c.get(f"/library/{mine.slug}/edit/")
    assert form.status_code == 200 and b'name="version"' in form.content
    data = {
        "version": mine.version,
        "category": "ap_mine",
        "metal_content": "low",
        "detectable_by": ["detector", "mdd"],
        "actuation": ["pressure"],
        "fuze": "Test fuze",
        "aliases": "Testmine | km\nMine test",
        "similar": [str(world["bomblet"].pk)],
        "weight_g": "420",
    }
    saved = c.post(f"/library/{mine.slug}/edit/", data)
    assert saved.status_code == 302
    mine.refresh_from_db()
    assert (mine.fuze, mine.weight_g, mine.metal_content, mine.version) == ("Test fuze", 420, "low", 2)
    assert sorted(mine.aliases.values_list("name", "language")) == [("Mine test", ""), ("Testmine", "km")]
    assert list(mine.similar_models.values_list("name", flat=True)) == ["XT-SUB-7"]
    stale = c.post(f"/library/{mine.slug}/edit/", {**data, "fuze": "Older edit", "version": 1})
    assert stale.status_code == 200 and b"your change was not saved" in stale.content
    assert OrdnanceModel.objects.get(pk=mine.pk).fuze == "Test fuze"
    bad = c.post(f"/library/{mine.slug}/edit/", {**data, "version": 2, "weight_g": "heavy"})
    assert bad.status_code == 200 and OrdnanceModel.objects.get(pk=mine.pk).version == 2


def test_the_procedure_reads_page_lists_refusals(client_for):
    world = fixtures.build()
    viewer = client_for("viewer")
    assert viewer.get(f"/library/{world['mine'].slug}/procedures/").status_code == 403
    audit = client_for("administrator").get("/library/procedure-reads/", {"granted": "no"})
    assert audit.status_code == 200 and b"viewer-national" in audit.content and b"refused" in audit.content
