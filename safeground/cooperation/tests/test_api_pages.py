"""The cooperation API (CRUD, If-Match, roles, 422 naming the field) and the pages (they render; the forms write)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from safeground.cooperation import services
from safeground.cooperation.models import Action, Lesson

API = "/api/v1/cooperation"
TODAY = dt.date.today()


def post(client, path, body):
    return client.post(API + path, json.dumps(body), content_type="application/json")


def patch(client, path, body, version=None):
    headers = {} if version is None else {"HTTP_IF_MATCH": f'"{version}"'}
    return client.patch(API + path, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_api_crud_with_if_match(visit, client_for):
    im = client_for("im_officer")
    r = post(
        im,
        "/actions",
        {"visit": visit.code, "description": "Send the curriculum", "due_on": str(TODAY), "owner_partner": "OTHER"},
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert patch(im, f"/actions/{code}", {"status": "done"}).status_code == 428
    assert patch(im, f"/actions/{code}", {"status": "done"}, version=7).status_code == 412
    r = patch(im, f"/actions/{code}", {"status": "done"}, version=1)
    assert r.status_code == 200 and r.json()["status"] == "done" and r["ETag"] == '"2"'
    r = im.get(f"{API}/visits/{visit.code}")
    assert r.status_code == 200 and r.json()["actions"][0]["code"] == code and len(r.json()["sites"]) == 2
    r = post(
        im,
        "/lessons",
        {
            "country": visit.country,
            "title": "Rats",
            "text": "t",
            "language": "en",
            "source_kind": "visit",
            "source_visit": visit.code,
            "tags": ["method:mdr"],
            "titles": {"az": "Siçovullar"},
        },
    )
    assert r.status_code == 201, r.content
    r = im.get(f"{API}/lessons", {"q": "sicovul"}, HTTP_ACCEPT_LANGUAGE="az")
    assert r.json()["count"] == 1


@pytest.mark.django_db
def test_api_refusals_are_422_naming_the_field(visit, client_for):
    im = client_for("im_officer")
    r = post(im, "/actions", {"visit": visit.code, "description": "x", "due_on": str(TODAY)})
    assert r.status_code == 422 and r.json()["field"] == "owner_text"
    r = post(
        im,
        "/lessons",
        {
            "country": visit.country,
            "title": "x",
            "text": "t",
            "language": "en",
            "source_kind": "other",
            "evidence": [{"kind": "hazard", "code": "NOPE"}],
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "evidence[0].code"
    assert not Action.objects.exists() and not Lesson.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("operator", 403), ("qa_officer", 403), ("administrator", 201)]
)
def test_api_writes_are_for_national_roles(visit, client_for, coop_world, role, status):
    client = client_for(role, organisation=coop_world["operator"] if role == "operator" else None)
    assert client.get(f"{API}/visits/{visit.code}").status_code == 200
    r = post(client, "/actions", {"visit": visit.code, "description": "x", "due_on": str(TODAY), "owner_text": "me"})
    assert r.status_code == status


@pytest.mark.django_db
def test_documents_by_role(coop_world, client_for):
    agreement = services.create_agreement(country=coop_world["iso3"], title="MoU", parties=["OTHER"])
    doc = services.attach_document(agreement, name="mou.txt", content=b"text")
    url = f"{API}/agreements/{agreement.code}/documents/{doc.id}"
    assert client_for("qa_officer").get(url).content == b"text"
    assert client_for("viewer").get(url).status_code == 403
    page = f"/cooperation/agreements/{agreement.code}/file/?document={doc.id}"
    assert client_for("im_officer").get(page)["Content-Disposition"] == 'attachment; filename="mou.txt"'
    assert client_for("viewer", username="v2").get(page).status_code == 403


@pytest.mark.django_db
def test_pages_render_and_forms_write(visit, client_for):
    im = client_for("im_officer")
    services.create_action(visit=visit, description="Overdue one", due_on=TODAY - dt.timedelta(days=2), owner_text="me")
    services.create_lesson(
        country=visit.country,
        title="Rats",
        text="t",
        language="en",
        source_kind="visit",
        source_visit=visit.code,
        tags=["method:mdr"],
        titles={"ar": "الجرذان"},
    )
    for url in (
        "/cooperation/",
        f"/cooperation/visits/{visit.code}/",
        "/cooperation/partners/OTHER/",
        "/cooperation/lessons/?q=rats",
        f"/cooperation/lessons/{Lesson.objects.get().code}/",
        "/cooperation/lessons/new/",
    ):
        r = im.get(url)
        assert r.status_code == 200, url
    home = im.get("/cooperation/").content.decode()
    assert "Overdue one" in home and "Overdue" in home
    visit_page = im.get(f"/cooperation/visits/{visit.code}/").content.decode()
    assert 'id="site-map"' in visit_page and "A museum" in visit_page
    im.cookies["django_language"] = "ar"
    assert "الجرذان" in im.get("/cooperation/lessons/").content.decode()
    r = im.post(
        f"/cooperation/visits/{visit.code}/actions/", {"description": "", "due_on": str(TODAY), "owner_text": "me"}
    )
    assert r.status_code == 422 and Action.objects.count() == 1
    r = im.post(
        f"/cooperation/visits/{visit.code}/actions/",
        {"description": "New", "due_on": str(TODAY), "owner_partner": "OTHER"},
    )
    assert r.status_code == 302
    new = Action.objects.get(description="New")
    r = im.post(f"/cooperation/actions/{new.code}/done/", {"version": "1"})
    new.refresh_from_db()
    assert r.status_code == 302 and new.status == "done"
    r = im.post(
        "/cooperation/lessons/new/",
        {
            "title": "From the page",
            "text": "t",
            "language": "en",
            "country": visit.country,
            "source_kind": "visit",
            "source_visit": visit.code,
            "tags": ["topic:training", "method:mdd"],
            "evidence": f"visit:{visit.code}",
        },
    )
    assert r.status_code == 302
    lesson = Lesson.objects.get(title="From the page")
    assert sorted(t.tag for t in lesson.tags.all()) == ["method:mdd", "topic:training"]
    viewer = client_for("viewer")
    assert viewer.get("/cooperation/").status_code == 200
    assert viewer.post(f"/cooperation/visits/{visit.code}/actions/", {}).status_code == 403


@pytest.mark.django_db
def test_cli(visit, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command(
        "cooperation",
        "actions",
        "add",
        "--set",
        f"visit={visit.code}",
        "--set",
        "description=CLI",
        "--set",
        f"due_on={TODAY}",
        "--set",
        "owner_text=me",
    )
    code = Action.objects.get().code
    call_command("cooperation", "actions", "done", code)
    assert Action.objects.get().status == "done"
    with pytest.raises(CommandError, match="owner_text"):
        call_command(
            "cooperation",
            "actions",
            "add",
            "--set",
            f"visit={visit.code}",
            "--set",
            "description=x",
            "--set",
            f"due_on={TODAY}",
        )
    capsys.readouterr()
    call_command("cooperation", "actions", "list", "--due-within", "30")
    assert capsys.readouterr().out.strip() == ""


@pytest.mark.django_db
def test_the_site_map_numbers_are_machine_numbers_in_every_language(visit, client_for):
    """The map's circles keep a dot for decimals where the language writes a comma (az)."""
    import re

    im = client_for("im_officer")
    services.add_site(visit, kind="office", name="Second office", lon=-19.75, lat=-29.71)
    im.cookies["django_language"] = "az"
    page = im.get(f"/cooperation/visits/{visit.code}/").content.decode()
    values = re.findall(r'\sc[xy]="([^"]*)"', page)
    assert len(values) == 4 and all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values), values


@pytest.mark.django_db
def test_lesson_and_visit_patches(visit, client_for):
    im = client_for("im_officer")
    lesson = services.create_lesson(
        country=visit.country,
        title="Rats",
        text="t",
        language="en",
        source_kind="other",
        titles={"az": "Siçovullar"},
        tags=["method:mdr"],
    )
    r = patch(im, f"/lessons/{lesson.code}", {"titles": {"km": "កណ្ដុរ"}, "tags": ["terrain:laterite"]}, version=1)
    assert r.status_code == 200, r.content
    assert r.json()["titles"] == {"km": "កណ្ដុរ"} and r.json()["tags"] == ["terrain:laterite"]
    r = im.get(f"{API}/lessons/{lesson.code}", HTTP_ACCEPT_LANGUAGE="km")
    assert r.json()["title_shown"] == "កណ្ដុរ"
    r = patch(im, f"/lessons/{lesson.code}", {"evidence": [{"kind": "hazard", "code": "NOPE"}]}, version=2)
    assert r.status_code == 422 and r.json()["field"] == "evidence[0].code"
    assert patch(im, f"/visits/{visit.code}", {"summary": "x"}).status_code == 428
    r = patch(im, f"/visits/{visit.code}", {"topics": ["eore"], "visitor": "RC"}, version=1)
    assert r.status_code == 200 and r.json()["topics"] == ["eore"] and r.json()["visitor"] == "RC"
    assert patch(im, f"/visits/{visit.code}", {"summary": "late"}, version=1).status_code == 412
