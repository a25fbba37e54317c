"""Issue 19's must-show: ODK Collect played against the real server, with the real protocol.

What Collect does, step by step, through Django's test client and the real URLs: it asks for the form
list without credentials, is challenged (401, WWW-Authenticate: Basic) and asks again with the device
credential; downloads a form, its manifest and a media file (checking the md5 hashes the server
announced); fills the form's instance (the XForm's primary instance skeleton) and posts it as multipart
with its photos. The result is a workbench submission with its photo where it was taken; approving it
creates the records and the photo stays on the right one. Bad posts each get the OpenRosa answer
Collect shows, and nothing is written (Submission and Attachment rows counted).

Runs on both databases (Testland, the third country the tests build).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import io
import uuid
import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from PIL import Image

LIST = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE = "{http://openrosa.org/http/response}"
PERIMETER = "-29.85 -19.85 0 4;-29.85 -19.848 0 4;-29.848 -19.848 0 4;-29.848 -19.85 0 4;-29.85 -19.85 0 4"
CROSSED = "-29.85 -19.85 0 4;-29.848 -19.848 0 4;-29.848 -19.85 0 4;-29.85 -19.848 0 4;-29.85 -19.85 0 4"


class Collect:
    """ODK Collect's side of the conversation: ask, be challenged, answer with the device's credential."""

    def __init__(self, login: str, secret: str):
        self.client = Client()
        self.secret = base64.b64encode(f"{login}:{secret}".encode()).decode()
        self.authorised = False
        self.challenges = 0

    def _auth(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Basic {self.secret}"} if self.authorised else {}

    def request(self, method: str, url: str, **kwargs):
        call = getattr(self.client, method)
        response = call(url, secure=True, **kwargs, **self._auth())  # Collect sends Basic only over HTTPS
        if response.status_code == 401 and not self.authorised:
            assert response["WWW-Authenticate"].startswith('Basic realm="SafeGround ODK"')
            self.challenges += 1
            self.authorised = True
            response = call(url, secure=True, **kwargs, **self._auth())
        assert response["X-OpenRosa-Version"] == "1.0" and response["Date"]
        return response

    def forms(self) -> dict[str, dict]:
        response = self.request("get", "/odk/formList")
        assert response.status_code == 200
        return {
            x.findtext(f"{LIST}formID"): {child.tag.removeprefix(LIST): child.text for child in x}
            for x in fromstring(response.content).iter(f"{LIST}xform")
        }

    def send(self, xml: bytes, photos: dict[str, bytes] | None = None, **extra):
        upload = io.BytesIO(xml)
        upload.name = "instance.xml"
        data = {"xml_submission_file": upload, **extra}
        for name, content in (photos or {}).items():
            part = io.BytesIO(content)
            part.name = name
            data[name] = part
        assert self.request("head", "/odk/submission").status_code == 204
        return self.request("post", "/odk/submission", data=data)


def _jpeg(colour=(200, 30, 30), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def fill(skeleton: ET.Element, answers: dict, repeats: dict[str, list[dict]], instance_id: str) -> bytes:
    """The skeleton filled as Collect fills it: answers by question name, each repeat once per entry."""
    root = copy.deepcopy(skeleton)
    for name, entries in repeats.items():
        parent = next(p for p in root.iter() for c in p if _local(c.tag) == name)
        template = next(c for c in parent if _local(c.tag) == name)
        at = list(parent).index(template)
        parent.remove(template)
        for i, entry in enumerate(entries):
            copy_ = copy.deepcopy(template)
            for element in copy_.iter():
                if _local(element.tag) in entry:
                    element.text = entry[_local(element.tag)]
            parent.insert(at + i, copy_)
    for element in root.iter():
        name = _local(element.tag)
        if name in answers:
            element.text = answers[name]
        if name == "instanceID":
            element.text = instance_id
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _counts() -> tuple[int, int]:
    from safeground.attachments.models import Attachment
    from safeground.workbench.models import Submission

    return Submission.objects.count(), Attachment.objects.count()


@pytest.fixture
def field(qm_world, settings):
    """Testland's field forms built, a device credential for TDO's operator, and Collect holding it."""
    from safeground.fieldforms import services as forms
    from safeground.openrosa import services

    forms.build()
    credential, secret = services.issue_credential(qm_world["users"]["op-tdo"], "Tablet 1")
    return {**qm_world, "collect": Collect(credential.login, secret)}


def _skeleton(form_id: str) -> ET.Element:
    from safeground.fieldforms import queries

    return queries.instance_skeleton(queries.current(form_id))


def _completion(field, *, perimeter=PERIMETER, instance_id=None, version=None) -> bytes:
    today = dt.date.today().isoformat()
    skeleton = _skeleton("completion")
    if version:
        skeleton.set("version", version)
    device = {
        "category": "ap_mine",
        "condition": "intact",
        "disposal": "destroyed_in_situ",
        "count": "1",
        "found_on": today,
        "depth_cm": "5",
    }
    return fill(
        skeleton,
        {
            "country": "XTL",
            "organisation": "TDO",
            "team": "TDO-MAN-1",
            "activity": "XTL-CLR-2",
            "hazard": field["hazard"].code,
            "outcome": "cleared",
            "perimeter": perimeter,
            "released_on": today,
            "clearance_depth_cm": "20",
        },
        {
            "devices": [
                {**device, "point": "-29.849 -19.849 12 4", "model": ""},
                {**device, "point": "-29.8485 -19.8485 12 4", "photo": "device-2.jpg"},
            ]
        },
        instance_id or f"uuid:{uuid.uuid4()}",
    )


@pytest.mark.django_db
def test_collect_lists_downloads_fills_sends_and_the_photo_follows_its_device(field):
    from safeground.attachments import queries as attachments
    from safeground.landrelease.models import Product
    from safeground.workbench import services as workbench
    from safeground.workbench.models import Submission

    collect = field["collect"]
    forms = collect.forms()
    assert collect.challenges == 1  # 401 first, then the credential
    assert {"nts", "completion"} <= set(forms)
    completion = forms["completion"]
    xform = collect.request("get", completion["downloadUrl"])
    assert completion["hash"] == "md5:" + hashlib.md5(xform.content).hexdigest()
    assert b"<h:html" in xform.content or b"html" in xform.content[:500]
    nts = forms["nts"]
    manifest = fromstring(collect.request("get", nts["manifestUrl"]).content)
    media = {m.findtext(f"{MANIFEST}filename"): m for m in manifest.iter(f"{MANIFEST}mediaFile")}
    assert "provinces.csv" in media
    csv = collect.request("get", media["provinces.csv"].findtext(f"{MANIFEST}downloadUrl"))
    assert media["provinces.csv"].findtext(f"{MANIFEST}hash") == "md5:" + hashlib.md5(csv.content).hexdigest()

    instance_id = f"uuid:{uuid.uuid4()}"
    xml = _completion(field, instance_id=instance_id)
    photo = _jpeg()
    answer = collect.send(xml, {"device-2.jpg": photo})
    assert answer.status_code == 201, answer.content
    assert fromstring(answer.content).find(f"{RESPONSE}message").get("nature") == "submit_success"
    submission = Submission.objects.get(origin__odk__instance_id=instance_id)
    assert (submission.kind, submission.status, submission.organisation.acronym) == ("product", "pending", "TDO")
    assert submission.origin["odk"]["form"] == "completion" and submission.origin["odk"]["device_name"] == "Tablet 1"
    assert len(submission.payload["devices"]) == 2
    [held] = attachments.of(submission)
    assert held.path == "devices[1]"
    reviewer = Client()
    reviewer.force_login(field["users"]["im"])
    review = reviewer.get(f"/workbench/{submission.code}/").content.decode()
    assert submission.origin["odk"]["title"] == "Completion report"  # the review page translates it
    assert "Sent from ODK Collect: form Completion report version" in review and "Tablet 1" in review

    approved = workbench.approve(submission, user=field["users"]["im"])
    product = Product.objects.get(code=approved.result_code)
    first, second = product.devices.order_by("code")
    assert attachments.of(first).count() == 0
    [kept] = attachments.of(second)
    assert (kept.path, kept.sha256, kept.source) == ("", hashlib.sha256(photo).hexdigest(), "odk")
    assert attachments.of(submission).count() == 0  # moved, not copied


def _nts(instance_id: str, photo_name: str = "evidence-1.jpg") -> bytes:
    today = dt.date.today().isoformat()
    return fill(
        _skeleton("nts"),
        {
            "country": "XTL",
            "organisation": "TDO",
            "recorded_on": today,
            "name": "North field",
            "hazard_class": "SHA",
            "contamination_type": "ap_mines",
            "shape": "polygon",
            "perimeter": "-29.6 -19.6 0 4;-29.6 -19.59 0 4;-29.59 -19.59 0 4;-29.59 -19.6 0 4;-29.6 -19.6 0 4",
        },
        {
            "evidence": [
                {
                    "kind": "direct",
                    "evidence_type": "device_seen",
                    "point": "-29.595 -19.595 8 3",
                    "observed_on": today,
                    "description": "A mine seen by the path",
                    "photo": photo_name,
                },
                {"kind": "indirect", "evidence_type": "local_informant", "description": "A farmer's account"},
            ]
        },
        instance_id,
    )


@pytest.mark.django_db
def test_a_survey_with_an_evidence_photo_becomes_a_hazard_whose_evidence_keeps_it(field):
    from safeground.attachments import queries as attachments
    from safeground.hazards.models import Hazard
    from safeground.workbench import services as workbench
    from safeground.workbench.models import Submission

    photo = _jpeg((20, 160, 40))
    instance_id = f"uuid:{uuid.uuid4()}"
    answer = field["collect"].send(_nts(instance_id), {"evidence-1.jpg": photo})
    assert answer.status_code == 201, answer.content
    submission = Submission.objects.get(origin__odk__instance_id=instance_id)
    assert submission.kind == "hazard" and submission.payload["reporting_organisation"] == "TDO"
    assert [e["evidence_type"] for e in submission.payload["evidence"]] == ["device_seen", "local_informant"]
    assert [a.path for a in attachments.of(submission)] == ["evidence[0]"]
    reviewer = Client()
    reviewer.force_login(field["users"]["im"])
    assert reviewer.get(f"/workbench/{submission.code}/").status_code == 200

    hazard = Hazard.objects.get(code=workbench.approve(submission, user=field["users"]["im"]).result_code)
    seen, told = hazard.evidence.order_by("id")
    assert seen.evidence_type == "device_seen" and seen.point is not None
    assert [a.sha256 for a in attachments.of(seen)] == [hashlib.sha256(photo).hexdigest()]
    assert attachments.of(told).count() == 0 and attachments.of(hazard).count() == 0


def _refused(answer, status: int, says: str) -> None:
    assert answer.status_code == status, answer.content
    message = fromstring(answer.content).find(f"{RESPONSE}message")
    assert message.get("nature") == "error"
    assert says in message.text, message.text


@pytest.mark.django_db
def test_bad_submissions_get_their_openrosa_answer_and_nothing_is_written(field, settings):
    from safeground.fieldforms import services as forms
    from safeground.organisations.models import Team

    collect = field["collect"]
    before = _counts()

    _refused(collect.send(b"<data id='completion'><unclosed></data>"), 400, "not well-formed XML")
    _refused(
        collect.send(_completion(field, perimeter=CROSSED), {"device-2.jpg": _jpeg()}),
        400,
        "perimeter is invalid: Self-intersection",
    )
    _refused(collect.send(_completion(field, version="1999010101")), 404, "has no version '1999010101'")
    settings.SAFEGROUND_ATTACHMENT_MAX_BYTES = 500
    _refused(collect.send(_completion(field), {"device-2.jpg": _jpeg(size=(400, 300))}), 413, "device-2.jpg")
    settings.SAFEGROUND_ATTACHMENT_MAX_BYTES = 10_000_000
    _refused(collect.send(_completion(field)), 400, "devices[2]/photo: the photo device-2.jpg was not sent")
    assert _counts() == before

    # A form filled on a version that has since been replaced (a new team changes the choice lists).
    stale = _completion(field)
    Team.objects.create(organisation=field["operator"], code="TDO-MAN-2", kind="manual", size=8)
    forms.build()
    _refused(collect.send(stale, {"device-2.jpg": _jpeg()}), 409, "has been replaced by version")
    assert _counts() == before

    # The same instance twice: identical → 202 and nothing new; different content → 409.
    instance_id = f"uuid:{uuid.uuid4()}"
    first = _completion(field, instance_id=instance_id)
    assert collect.send(first, {"device-2.jpg": _jpeg()}).status_code == 201
    after = _counts()
    again = collect.send(first, {"device-2.jpg": _jpeg()})
    assert again.status_code == 202 and b"already received" in again.content
    assert _counts() == after
    changed = first.replace(b"<clearance_depth_cm>20<", b"<clearance_depth_cm>25<")
    assert changed != first
    _refused(collect.send(changed, {"device-2.jpg": _jpeg()}), 409, f"an instance {instance_id} was already received")
    assert _counts() == after == (before[0] + 1, before[1] + 1)


@pytest.mark.django_db
def test_a_split_submission_waits_for_its_last_part(field):
    """Collect splits a post bigger than X-OpenRosa-Accept-Content-Length: every part carries the XML,
    all but the last say *isIncomplete*; the attachments wait, and the last part receives the whole."""
    from safeground.attachments import queries as attachments
    from safeground.workbench.models import Submission

    instance_id = f"uuid:{uuid.uuid4()}"
    xml = _nts(instance_id)
    collect = field["collect"]
    before = _counts()
    part = collect.send(xml, {"evidence-1.jpg": _jpeg()}, **{"*isIncomplete*": "yes"})
    assert part.status_code == 201 and _counts() == before
    last = collect.send(xml)
    assert last.status_code == 201, last.content
    submission = Submission.objects.get(origin__odk__instance_id=instance_id)
    assert [a.path for a in attachments.of(submission)] == ["evidence[0]"]


# Every other field form that feeds the workbench, filled in and sent as Collect sends it, lands as its kind.

TODAY = dt.date.today().isoformat()
SPOT = "-29.6 -19.6 0 4"


def _forms(world) -> dict[str, tuple[dict, dict, str]]:
    where = {"country": "XTL", "organisation": "TDO"}
    return {
        "eore": (
            {
                **where,
                "held_on": TODAY,
                "method": "community",
                "audience": "general",
                "point": SPOT,
                "girls": "3",
                "boys": "4",
                "women": "5",
                "men": "6",
                "materials": "leaflet، poster",  # an Arabic keyboard's comma separates too
            },
            {},
            "eore",
        ),
        "accident": (
            {
                **where,
                "point": SPOT,
                "occurred_on": TODAY,
                "occurred_on_precision": "day",
                "accident_type": "mine_erw",
                "device_category": "unknown",
                "victim_activity": "farming",
                "injured_men": "1",
            },
            {},
            "accident",
        ),
        "eod": (
            {**where, "team": "TDO-MAN-1", "found_on": TODAY, "point": SPOT},
            {
                "devices": [
                    {
                        "point": SPOT,
                        "category": "uxo",
                        "condition": "intact",
                        "disposal": "destroyed_in_situ",
                        "count": "2",
                        "model": "",
                    }
                ]
            },
            "eod",
        ),
        "ts": (
            {
                **where,
                "team": "TDO-MAN-1",
                "activity": "XTL-CLR-2",
                "hazard": world["hazard"].code,
                "released_on": TODAY,
                "method": "manual",
                "confirmed": "no",
                "search_depth_cm": "30",
                "reduced_area": "-29.83 -19.83 0 4;-29.83 -19.828 0 4;-29.828 -19.828 0 4;-29.83 -19.83 0 4",
            },
            {"devices": []},
            "product",
        ),
        "progress": (
            {
                **where,
                "team": "TDO-MAN-1",
                "activity": "XTL-CLR-2",
                "date": TODAY,
                "period": "daily",
                "method": "manual",
                "area_m2": "250",
                "days_worked": "1",
                "searchers": "6",
                "hours_per_day": "6",
                "terrain": "flat",
                "vegetation": "light",
                "soil_metal": "low",
            },
            {},
            "progress",
        ),
    }


@pytest.mark.django_db
def test_a_qa_visit_sends_its_checklist(field):
    """The operator's own QA (it inspects its own work): each item of the chosen checklist is one question."""
    from safeground.fieldforms.definitions.qa_visit import question
    from safeground.qm.models import ChecklistTemplate
    from safeground.workbench.models import Submission

    template = ChecklistTemplate.objects.get(is_default=True)
    items = list(template.items.order_by("order"))
    answers = {
        "country": "XTL",
        "inspecting_organisation": "TDO",
        "inspected_organisation": "TDO",
        "visit_type": "monitoring",
        "visited_on": TODAY,
        "inspector": "QA lead",
        "activity": "XTL-CLR-2",
        "template": template.key,
    }
    answers |= {question(template.key, i.key): "yes" for i in items}
    answers[question(template.key, items[0].key)] = "no"
    answers[question(template.key, items[0].key) + "__remark"] = "SOP not on site"
    instance_id = f"uuid:{uuid.uuid4()}"
    answer = field["collect"].send(fill(_skeleton("qa_visit"), answers, {}, instance_id))
    assert answer.status_code == 201, answer.content
    payload = Submission.objects.get(origin__odk__instance_id=instance_id).payload
    assert len(payload["answers"]) == len(items)
    assert payload["answers"][0] == {"item": items[0].key, "answer": "no", "remark": "SOP not on site"}


@pytest.mark.django_db
@pytest.mark.parametrize("form_id", ["ts", "eod", "eore", "accident", "progress"])
def test_each_field_form_lands_as_its_kind(field, form_id):
    from safeground.operations.services import assign_team
    from safeground.organisations.services import accredit_organisation
    from safeground.workbench.models import Submission

    assign_team(field["planned"], field["team"], dt.date.today())  # a progress report is a team's, on its activity
    accredit_organisation(field["operator"], "eod", dt.date(2020, 1, 1), dt.date(2099, 12, 31), "TNA")
    answers, repeats, kind = _forms(field)[form_id]
    instance_id = f"uuid:{uuid.uuid4()}"
    answer = field["collect"].send(fill(_skeleton(form_id), answers, repeats, instance_id))
    assert answer.status_code == 201, answer.content
    submission = Submission.objects.get(origin__odk__instance_id=instance_id)
    assert submission.kind == kind and submission.organisation.acronym == "TDO"
    if form_id == "eore":
        assert submission.payload["materials"] == ["leaflet", "poster"]
        assert (submission.payload["girls"], submission.payload["men"]) == (3, 6)
    if form_id == "ts":
        assert (submission.payload["outcome"], submission.payload["clearance_depth_cm"]) == ("reduced", 30)
    if form_id == "eod":
        assert (submission.payload["found_on"], submission.payload["teams"]) == (TODAY, ["TDO-MAN-1"])
    if form_id == "accident":
        assert submission.payload["reported_casualties"]["injured_men"] == 1


@pytest.mark.django_db
def test_a_technical_survey_that_confirms_contamination_also_proposes_the_hazard_change(field):
    """Two submissions from one form, received together: the reduced ground (a product) and the hazard
    become a CHA with the confirmed area (a change to TDO's hazard, reviewed against its version)."""
    from safeground.hazards.models import Hazard
    from safeground.workbench.models import Submission

    Hazard.objects.filter(pk=field["hazard"].pk).update(reporting_organisation=field["operator"])
    answers, repeats, _kind = _forms(field)["ts"]
    confirmed = "-29.81 -19.81 0 4;-29.81 -19.805 0 4;-29.805 -19.805 0 4;-29.81 -19.81 0 4"
    instance_id = f"uuid:{uuid.uuid4()}"
    xml = fill(_skeleton("ts"), {**answers, "confirmed": "yes", "confirmed_area": confirmed}, repeats, instance_id)
    answer = field["collect"].send(xml)
    assert answer.status_code == 201, answer.content
    product, change = Submission.objects.filter(origin__odk__instance_id=instance_id).order_by("kind")[::-1]
    assert (product.kind, change.kind, change.action) == ("product", "hazard", "update")
    assert change.target_code == field["hazard"].code and change.payload["hazard_class"] == "CHA"
    assert change.origin["odk"]["with"] == product.code

    crossed = "-29.81 -19.81 0 4;-29.805 -19.805 0 4;-29.81 -19.805 0 4;-29.805 -19.81 0 4"
    before = _counts()
    xml = fill(_skeleton("ts"), {**answers, "confirmed": "yes", "confirmed_area": crossed}, repeats, "uuid:other")
    _refused(field["collect"].send(xml), 400, "confirmed_area is invalid: Self-intersection")
    assert _counts() == before
