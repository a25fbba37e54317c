"""The cooperation services: refusals name the field and write nothing; due-soon ordering; links checked;
lesson search in two languages with a translated title."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from safeground.cooperation import queries, services
from safeground.cooperation.models import Action, Agreement, JointTraining, Lesson, Loan, Partner, Visit
from safeground.core.errors import StaleVersion, ValidationFailed

TODAY = dt.date.today()


def refused(field: str, call, model, *args, **kwargs) -> ValidationFailed:
    before = model.objects.count()
    with pytest.raises(ValidationFailed) as info:
        call(*args, **kwargs)
    assert info.value.field == field, (info.value.field, str(info.value))
    assert model.objects.count() == before
    return info.value


def test_visit_with_people_and_sites(visit, coop_world):
    assert visit.code.startswith(f"{coop_world['iso3']}-CVIS-")
    people = list(visit.participants.all())
    assert {p.name for p in people} == {"A. Visitor", "Ana Testa"}
    sites = list(visit.sites.all())
    assert sites[0].training_centre == coop_world["centre"] and sites[0].name == "Testland Training Centre"
    assert queries.site_point(sites[0]) == (-19.8, -29.8) and queries.site_point(sites[1]) is None


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("host", {"host": "NOPE"}),
        ("visitor", {"visitor": "TNA"}),
        ("direction", {"direction": "sideways"}),
        ("end_on", {"end_on": dt.date(2025, 2, 1)}),
        ("topics", {"topics": ["mdr", "astrology"]}),
        ("sites[0].hazard", {"sites": [{"kind": "field_site", "hazard": "NO-SUCH-HAZARD"}]}),
        ("sites[0].kind", {"sites": [{"kind": "beach", "name": "x"}]}),
        ("participants[0].person", {"participants": [{"person": "NOBODY"}]}),
        ("participants[0].name", {"participants": [{"role": "no name"}]}),
    ],
)
def test_bad_visits_are_refused_naming_the_field(coop_world, field, changes):
    body = dict(
        country=coop_world["iso3"],
        title="x",
        direction="hosted",
        host="TNA",
        visitor="OTHER",
        start_on=dt.date(2025, 3, 1),
        end_on=dt.date(2025, 3, 4),
    )
    refused(field, services.create_visit, Visit, **{**body, **changes})


def test_agreements_need_two_parties_and_a_signature_in_force(coop_world):
    iso3 = coop_world["iso3"]
    refused(
        "parties", services.create_agreement, Agreement, country=iso3, title="x", parties=[], own_authority_party=True
    )
    refused(
        "signed_on", services.create_agreement, Agreement, country=iso3, title="x", parties=["OTHER"], status="in_force"
    )
    refused(
        "valid_until",
        services.create_agreement,
        Agreement,
        country=iso3,
        title="x",
        parties=["OTHER"],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2024, 1, 1),
    )
    refused("country", services.create_agreement, Agreement, country="ZZZ", title="x", parties=["OTHER"])
    a = services.create_agreement(
        country=iso3, title="MoU", parties=["OTHER"], signed_on=dt.date(2025, 1, 1), status="in_force"
    )
    assert [p.code for p in a.parties.all()] == ["OTHER"] and a.version == 1
    services.edit_agreement(a, expected_version=1, status="ended")
    with pytest.raises(StaleVersion):
        services.edit_agreement(a, expected_version=1, status="expired")
    a.refresh_from_db()
    assert a.status == "ended" and a.version == 2


def test_documents_are_checked_and_kept(coop_world):
    a = services.create_agreement(country=coop_world["iso3"], title="MoU", parties=["OTHER"])
    with pytest.raises(ValidationFailed) as info:
        services.attach_document(a, name="evil.exe", content=b"MZ")
    assert info.value.field == "file" and not a.documents.exists()
    doc = services.attach_document(a, name="../../signed text.pdf", content=b"%PDF-1.4 x")
    assert doc.name == "signed_text.pdf" and doc.size == 10 and bytes(doc.content) == b"%PDF-1.4 x"


def test_due_soon_lists_open_actions_overdue_first(visit):
    for days, status in ((20, "open"), (-3, "open"), (5, "open"), (400, "open"), (-10, "done")):
        action = services.create_action(
            visit=visit, description=f"in {days}", due_on=TODAY + dt.timedelta(days=days), owner_partner="TNA"
        )
        if status == "done":
            services.edit_action(action, status="done")
    due = list(queries.due_soon(30))
    assert [a.description for a in due] == ["in -3", "in 5", "in 20"]
    assert queries.action_properties(due[0])["overdue"] is True
    done = Action.objects.get(description="in -10")
    assert done.closed_on == TODAY


def test_actions_need_an_owner_and_a_parent(visit):
    refused("owner_text", services.create_action, Action, visit=visit, description="x", due_on=TODAY)
    refused("visit", services.create_action, Action, description="x", due_on=TODAY, owner_text="me")
    refused("visit", services.create_action, Action, visit="NO-VISIT", description="x", due_on=TODAY, owner_text="me")
    refused("due_on", services.create_action, Action, visit=visit, description="x", due_on="soon", owner_text="me")


def test_loans_are_linked_to_the_right_animal_and_accreditation(coop_world, visit):
    iso3 = coop_world["iso3"]
    body = dict(country=iso3, kind="rat", lender="TNA", borrower="OTHER", start_on=TODAY)
    refused("asset", services.create_loan, Loan, **body)
    refused("asset", services.create_loan, Loan, **body, asset="TDO-DOG-1")
    other = services.create_loan(
        country=iso3, kind="dog", lender="TNA", borrower="OTHER", start_on=TODAY, asset="TDO-DOG-1"
    )
    refused(
        "animal_accreditation",
        services.create_loan,
        Loan,
        **{**body, "kind": "dog"},
        asset="TDO-DOG-1",
        animal_accreditation="TDO-RAT-1-ACC",
    )
    refused("person", services.create_loan, Loan, **{**body, "kind": "expert"})
    refused("borrower", services.create_loan, Loan, **{**body, "borrower": "TNA"}, asset="TDO-RAT-1")
    loan = services.create_loan(**body, asset="TDO-RAT-1", animal_accreditation="TDO-RAT-1-ACC", visit=visit.code)
    assert loan.animal_accreditation == coop_world["accreditation"] and other.asset.kind == "dog"
    services.edit_loan(loan, status="returned", end_on=TODAY + dt.timedelta(days=10))
    assert queries.loans(visit=visit.code).get().status == "returned"


def test_joint_training_links_a_session(coop_world, visit):
    iso3 = coop_world["iso3"]
    refused("session", services.create_joint_training, JointTraining, country=iso3, session="NOPE", partners=["OTHER"])
    refused("partners", services.create_joint_training, JointTraining, country=iso3, session="TNA-MDR-1", partners=[])
    row = services.create_joint_training(country=iso3, session="TNA-MDR-1", partners=["OTHER", "RC"], visit=visit.code)
    assert queries.training_properties(row)["partners"] == ["OTHER", "RC"]


def _lessons(visit):
    services.create_lesson(
        country=visit.country,
        title="Rats on laterite",
        text="Short sessions in the heat.",
        language="en",
        source_kind="visit",
        source_visit=visit.code,
        tags=["method:mdr", "terrain:laterite"],
        titles={"az": "Lateritdə siçovullar"},
    )
    services.create_lesson(
        country=visit.country,
        title="Təlim proqramı",
        text="Ümumi əsas kurs.",
        language="az",
        source_kind="other",
        source_note="workshop",
        tags=["topic:training"],
    )


def test_lesson_search_two_languages_and_translated_titles(visit):
    _lessons(visit)
    assert [x.title for x in queries.lessons(q="SIÇOVUL")] == ["Rats on laterite"]  # the az title, accents off
    assert [x.title for x in queries.lessons(q="sicovul")] == ["Rats on laterite"]
    assert [x.title for x in queries.lessons(q="telim")] == []  # ə is a letter of its own (core.folding)
    assert [x.title for x in queries.lessons(q="təlim")] == ["Təlim proqramı"]
    assert [x.title for x in queries.lessons(q="ÜMUMI")] == ["Təlim proqramı"]  # the text, ü folded
    assert [x.title for x in queries.lessons(q="laterite soil")] == ["Rats on laterite"]  # a tag's label
    assert [x.title for x in queries.lessons(tag="topic:training")] == ["Təlim proqramı"]
    assert [x.title for x in queries.lessons(source_kind="visit")] == ["Rats on laterite"]
    rats = Lesson.objects.get(title="Rats on laterite")
    assert queries.title_in(rats, "az") == "Lateritdə siçovullar"
    assert queries.title_in(rats, "km") == "Rats on laterite"
    with translation.override("az"):
        assert queries.lesson_properties(queries.lesson(rats.code), "az")["title_shown"] == "Lateritdə siçovullar"


def test_lessons_refuse_bad_links(visit):
    body = dict(country=visit.country, title="x", text="y", language="en")
    refused("source_visit", services.create_lesson, Lesson, **body, source_kind="visit")
    refused("source_ref", services.create_lesson, Lesson, **body, source_kind="accident", source_ref="NO-ACC")
    refused("source_ref", services.create_lesson, Lesson, **body, source_kind="qa_finding", source_ref="NO-NC")
    refused(
        "evidence[0].code",
        services.create_lesson,
        Lesson,
        **body,
        source_kind="other",
        evidence=[{"kind": "hazard", "code": "NOPE"}],
    )
    refused(
        "evidence[0].kind",
        services.create_lesson,
        Lesson,
        **body,
        source_kind="other",
        evidence=[{"kind": "rumour", "code": "x"}],
    )
    refused("tags", services.create_lesson, Lesson, **body, source_kind="other", tags=["method:magic"])
    refused("language", services.create_lesson, Lesson, **{**body, "language": "xx"}, source_kind="other")
    refused("titles", services.create_lesson, Lesson, **body, source_kind="other", titles={"xx": "t"})
    lesson = services.create_lesson(
        **body,
        source_kind="other",
        evidence=[{"kind": "visit", "code": visit.code}, {"kind": "training_session", "code": "TNA-MDR-1"}],
    )
    assert sorted(e.kind for e in lesson.evidence.all()) == ["training_session", "visit"]


def test_partner_refusals(coop_world):
    refused("code", services.create_partner, Partner, code="x y", name="n", kind="operator")
    refused("kind", services.create_partner, Partner, code="NEW", name="n", kind="pirate")
    refused(
        "organisation", services.create_partner, Partner, code="NEW", name="n", kind="operator", organisation="NOPE"
    )


def test_the_demo_rebuilds_over_a_partner_that_other_records_name(coop_world):
    """delete_synthetic keeps a synthetic partner that a protected row still names; the rebuild reuses it."""
    from safeground.cooperation.models import Action as ActionModel

    partner = services.create_partner(code="KEPT", name="Kept", kind="operator", is_synthetic=True)
    visit = services.create_visit(
        country=coop_world["iso3"],
        title="real",
        direction="hosted",
        host="TNA",
        visitor="KEPT",
        start_on=TODAY,
        end_on=TODAY,
    )
    services.create_action(visit=visit, description="real", due_on=TODAY, owner_partner="KEPT")
    services.create_partner(code="GONE", name="Gone", kind="operator", is_synthetic=True)
    counts = services.delete_synthetic()
    assert counts["partner"] == 1 and Partner.objects.filter(pk=partner.pk).exists()
    assert not Partner.objects.filter(code="GONE").exists() and ActionModel.objects.count() == 1
