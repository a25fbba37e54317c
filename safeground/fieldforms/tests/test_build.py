"""Field forms built from the model: they convert, they carry every language, their versions follow
their content, their media hold the gazetteer (Testland's areas too), their constraints are there."""

import csv
import io
import re
from xml.etree import ElementTree as ET

import pytest
from pyxform.xls2xform import convert

from safeground.fieldforms import definitions, queries, services
from safeground.fieldforms.models import FormMedia, FormVersion

XF = "{http://www.w3.org/2002/xforms}"
FORMS = {"nts", "ts", "completion", "eod", "eore", "accident", "progress", "qa_visit"}


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.mark.django_db
def test_every_form_is_built_and_its_xlsform_converts_with_pyxform(forms_world):
    built = services.build()
    assert {b.form_id for b in built} == FORMS and all(b.new for b in built)
    for row in FormVersion.objects.all():
        again = convert(bytes(row.xlsform), warnings=[], form_name="data", file_type=".xlsx").xform
        assert again == row.xform
        instance = ET.fromstring(row.xform).find(f".//{XF}instance/{XF}data")
        assert instance.get("id") == row.form_id and instance.get("version") == row.version


@pytest.mark.django_db
def test_an_unchanged_form_keeps_its_version_and_a_new_team_retires_the_old(forms_world):
    from safeground.organisations.models import Team

    first = {b.form_id: b.version for b in services.build()}
    again = services.build()
    assert all(not b.new for b in again) and {b.form_id: b.version for b in again} == first

    Team.objects.create(organisation=forms_world["operator"], code="TDO-EOD-9", kind="eod", size=4)
    third = {b.form_id: b for b in services.build()}
    with_teams = {"nts", "ts", "completion", "eod", "eore", "progress", "qa_visit"}
    for form_id in with_teams:
        assert third[form_id].new and int(third[form_id].version) > int(first[form_id])
        assert queries.current(form_id).version == third[form_id].version
        old = queries.version(form_id, first[form_id])
        assert old.state == "retired" and old.retired_at is not None
        assert "TDO-EOD-9" in queries.current(form_id).xform and "TDO-EOD-9" not in old.xform
    assert not third["accident"].new  # no team list in the accident report
    assert FormVersion.objects.filter(state="current").count() == len(FORMS)


@pytest.mark.django_db
def test_versions_only_increase():
    import datetime as dt

    day = dt.date(2026, 3, 4)
    assert services.next_version(None, day) == "2026030401"
    assert services.next_version("2026030401", day) == "2026030402"
    assert services.next_version("2026010107", day) == "2026030401"
    assert services.next_version("2027010101", day) == "2027010102"  # a clock set back


@pytest.mark.django_db
def test_the_cascade_media_hold_the_third_countrys_areas_and_villages(forms_world):
    services.build()
    nts = queries.current("nts")
    files = {m.filename: bytes(m.content) for m in nts.media.all()}
    assert set(files) == {"provinces.csv", "districts.csv", "communes.csv", "villages.csv"}
    provinces = {r["name"]: r for r in _rows(files["provinces.csv"]) if r["country"] == "XTL"}
    assert {k: v["label"] for k, v in provinces.items()} == {"XT01": "West", "XT02": "East"}
    districts = [r for r in _rows(files["districts.csv"]) if r["country"] == "XTL"]
    assert districts == [{"name": "XT0201", "label": "East district", "country": "XTL", "province": "XT02"}]
    communes = [r for r in _rows(files["communes.csv"]) if r["country"] == "XTL"]
    assert communes == [{"name": "XT020101", "label": "East commune", "country": "XTL", "district": "XT0201"}]
    villages = [r for r in _rows(files["villages.csv"]) if r["country"] == "XTL"]
    assert villages == [
        {
            "name": "XTV001",
            "label": "Riverbend",
            "country": "XTL",
            "province": "XT02",
            "district": "XT0201",
            "commune": "XT020101",
        }
    ]
    # The form reads them as external instances, filtered on the answer above.
    assert 'src="jr://file-csv/villages.csv"' in nts.xform
    assert "instance('districts')/root/item[country= /data/country  and province= /data/province ]" in nts.xform
    # Every programme's provinces are there (the reference gazetteer's countries as well as the test's).
    from safeground.gazetteer.models import AdminArea

    every = set(AdminArea.objects.filter(level=1).values_list("country", flat=True))
    assert len(every) >= 2 and {r["country"] for r in _rows(files["provinces.csv"])} == every
    # Forms without a cascade carry no media.
    assert not FormMedia.objects.filter(form_version=queries.current("progress")).exists()


@pytest.mark.django_db
def test_choice_lists_come_from_the_programme_with_filters_and_readable_labels(forms_world):
    from safeground.fieldforms import choices as lists
    from safeground.fieldforms.definitions import completion, progress

    choices = progress.choice_lists()
    teams = [c for c in choices if c.list_name == "team"]
    assert any(c.name == "TDO-MAN-1" and c.extra == {"organisation": "TDO"} for c in teams)
    orgs = {c.name: c.extra["country"] for c in choices if c.list_name == "organisation"}
    assert orgs["TDO"] == "XTL"
    methods = {c.name: c.extra["accredited"].split() for c in choices if c.list_name == "method"}
    assert "TDO" in methods["manual"] and "TDO" not in methods["mdd"]
    models = [c for c in completion.choice_lists() if c.list_name == "ordnance_model"]
    assert any(c.name == "TL-1_Test" and c.label == "TL-1 Test" and c.extra == {"category": "ap_mine"} for c in models)
    assert lists.ordnance_model_names()["TL-1_Test"] == "TL-1 Test"
    assert len({c.name for c in models}) == len(models)  # no two catalogue names give the same choice
    # Every translated choice has a label that is words, never its code (destroyed_in_situ).
    for module in definitions.available():
        for c in module.choice_lists():
            if c.translate:
                assert c.label and c.label != c.name, (module.FORM_ID, c.list_name, c.name)
    services.build()
    xform = queries.current("completion").xform
    assert "Destroyed in situ" in xform and ">destroyed_in_situ<" in xform  # label shown, code stored


@pytest.mark.django_db
def test_constraints_mirror_the_servers_checks_with_translated_messages(forms_world):
    services.build()
    binds = {
        form_id: {b.get("nodeset"): b for b in ET.fromstring(queries.current(form_id).xform).iter(f"{XF}bind")}
        for form_id in ("nts", "progress", "eore", "completion")
    }
    nts = binds["nts"]
    assert nts["/data/recorded_on"].get("constraint") == ". <= today()"
    assert nts["/data/recorded_on"].get("required") == "true()"
    assert nts["/data/radius_m"].get("constraint") == ". > 0 and . <= 10000"
    assert nts["/data/perimeter"].get("type") == "geoshape"
    assert nts["/data/evidence/photo"].get("type") == "binary"
    assert binds["progress"]["/data/area_m2"].get("constraint") == ". >= 0"
    assert binds["progress"]["/data/days_worked"].get("constraint") == ". > 0 and . <= 7"
    for group in ("girls", "boys", "women"):
        assert binds["eore"][f"/data/beneficiaries/{group}"].get("constraint") == ". >= 0"
    men = binds["eore"]["/data/beneficiaries/men"].get("constraint")
    assert men.startswith(". >= 0 and ") and men.endswith("+ . >= 1")  # at least one person, as the server
    device = binds["completion"]
    assert device["/data/devices/point"].get("type") == "geopoint"
    assert device["/data/devices/count"].get("constraint") == ". >= 1"
    # Each constraint message is looked up per language (itext), one translation per site language.
    xform = queries.current("nts").xform
    assert "jr:constraintMsg=\"jr:itext('/data/recorded_on:jr:constraintMsg')\"" in xform
    assert re.search(r'<translation lang="Khmer \(km\)"', xform)


@pytest.mark.django_db
def test_the_accident_report_asks_for_no_personal_data(forms_world):
    from safeground.fieldforms.definitions import accident
    from safeground.victims.models import CASUALTY_COUNTS

    names = {q.name for q in accident.survey()}
    assert not names & {"name", "victim_name", "date_of_birth", "address", "medical_notes", "phone", "id_number"}
    assert set(CASUALTY_COUNTS) <= names
    assert not any(q.type.startswith(("begin_repeat", "image")) for q in accident.survey())


@pytest.mark.django_db
def test_every_question_and_choice_has_a_label_in_every_language(forms_world):
    from safeground.fieldforms.xlsform import languages

    services.build()
    codes = [code for code, _name in languages()]
    assert codes[0] == "en" and "km" in codes
    for module in definitions.available():
        sheets = definitions.sheets(module, {name: b"" for name in module.MEDIA})
        tables = sheets.tables("1")
        head = tables["survey"][0]
        label_columns = [i for i, h in enumerate(head) if h.startswith("label::")]
        assert len(label_columns) == len(codes)
        for row in tables["survey"][1:]:
            if row[0] not in ("end_repeat", "end_group"):
                assert all(row[i] for i in label_columns), (module.FORM_ID, row[1])
        chead = tables["choices"][0]
        for row in tables["choices"][1:]:
            assert all(row[i] for i, h in enumerate(chead) if h.startswith("label::")), (module.FORM_ID, row[1])
        assert tables["settings"][1][3] == "English (en)"


def _untranslated_khmer() -> list[str]:
    """Translatable texts of every form whose Khmer equals the English msgid (acronyms such as "EOD" and
    data such as checklist texts excepted)."""
    from safeground.fieldforms.definitions import qa_visit
    from safeground.fieldforms.xlsform import TRANSLATED, localise

    data = qa_visit.data_labels()
    missing = set()
    for module in definitions.available():
        texts = [getattr(q, c) for q in module.survey() for c in TRANSLATED]
        texts += [c.label for c in module.choice_lists() if c.translate]
        texts.append(module.TITLE)
        for msgid in texts:
            if msgid and msgid not in data and re.search("[a-z]", msgid) and localise(msgid, "km") == msgid:
                missing.add(msgid)
    return sorted(missing)


@pytest.mark.django_db
def test_khmer_labels_complete(forms_world):
    """Every label, hint, choice and constraint message of every form has its Khmer translation: a Khmer
    label equal to its English msgid is untranslated (the issue's must-show)."""
    missing = _untranslated_khmer()
    assert missing == [], f"{len(missing)} texts have no Khmer translation, e.g. {missing[:10]}"


@pytest.mark.django_db
def test_the_khmer_check_sees_translated_words_from_the_catalogue(forms_world):
    """The check above compares against the catalogue: words the km catalogue already has are not reported."""
    from safeground.fieldforms.xlsform import localise

    assert localise("Cleared", "km") != "Cleared"  # a model's choice already in the catalogue
    missing = _untranslated_khmer()
    assert "Cleared" not in missing and "Non-technical survey" not in missing


@pytest.mark.django_db
def test_the_instance_skeleton_has_each_question_once(forms_world):
    services.build()
    skeleton = queries.instance_skeleton(queries.current("completion"))
    assert skeleton.tag == f"{XF}data" and skeleton.get("id") == "completion"
    assert [e.tag.removeprefix(XF) for e in skeleton.findall(f"{XF}devices")] == ["devices"]
    device = [e.tag.removeprefix(XF) for e in skeleton.find(f"{XF}devices")]
    assert device[:3] == ["point", "category", "model"] and "photo" in device
    assert all(e.text is None for e in skeleton.iter())
    assert skeleton.find(f"{XF}meta/{XF}instanceID") is not None


def test_each_definition_documents_its_payload_fields():
    for module in definitions.MODULES:
        assert module.__doc__ and module.FORM_ID in module.__doc__
    from safeground.fieldforms.definitions import common

    assert definitions.payload_map.__doc__
    names = {q.name: q.payload for q in common.devices()}
    assert names["point"] == "devices[].point" and names["disposal"] == "devices[].disposal"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_id", "kind"),
    [
        ("completion", "product"),
        ("progress", "progress"),
        ("eod", "eod"),
        ("eore", "eore"),
        ("accident", "accident"),
        ("qa_visit", "qa_visit"),
        ("nts", "hazard"),
    ],
)
def test_each_questions_payload_field_is_one_the_workbench_kind_takes(forms_world, form_id, kind):
    """The OpenRosa mapping is a lookup: every `payload` a question names is a field of its kind's schema
    (a repeat's fields of the item schema). Photos are attachments, not payload fields."""
    import typing

    from safeground.workbench import kinds

    schema = kinds.get(kind).schemas["create"]
    pending = {"evidence"} if kind == "hazard" else set()  # HazardIn's evidence items: issue 19's hazard part
    for name, payload in definitions.payload_map(definitions.by_id(form_id)).items():
        top, _, rest = payload.partition("[]")
        top = top.split(".")[0]
        if name == "photo" or top in pending:
            continue
        assert top in schema.model_fields, (form_id, name, payload)
        if rest.startswith("."):
            (item,) = typing.get_args(schema.model_fields[top].annotation)
            assert rest[1:] in item.model_fields, (form_id, name, payload)
