"""Merging another programme's library: matches by name and alias, a person's decision per model, apply.

Must show: after confirming the matches of two overlapping libraries and applying, no model is there
twice (counted by the naming key over names and aliases), every incoming model is found by its name
or an alias, and re-importing the same file adds nothing.
"""

# ruff: noqa: F811  (the fixtures are imported from exchange_fixtures, then named as arguments)
from __future__ import annotations

from collections import defaultdict

import pytest

from safeground.attachments.models import Attachment
from safeground.core.errors import ValidationFailed
from safeground.library import merging
from safeground.library.models import LibraryImport, LibraryMatch
from safeground.library.tests.exchange_fixtures import KHMER, ours, theirs_document, theirs_zip  # noqa: F401
from safeground.ordnance import naming
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

pytestmark = pytest.mark.django_db


def models_by_key() -> dict[str, set[str]]:
    """Independent count: every name and alias key → the models it names (two for a duplicate)."""
    found: dict[str, set[str]] = defaultdict(set)
    for m in OrdnanceModel.objects.all():
        found[naming.key(m.name)].add(str(m.pk))
    for a in OrdnanceAlias.objects.all():
        found[naming.key(a.name)].add(str(a.model_id))
    return found


def confirm_all(library_import, user) -> None:
    """What the person does on the page: accept each proposal (merge into the candidate, else create)."""
    for match in library_import.matches.all():
        merging.decide(match, "merge" if match.candidate else "create", user=user)


def snapshot() -> tuple:
    return (
        OrdnanceModel.objects.count(),
        OrdnanceAlias.objects.count(),
        Attachment.objects.count(),
        sorted((str(m.pk), str(s.pk)) for m in OrdnanceModel.objects.all() for s in m.similar_models.all()),
        sorted(OrdnanceModel.objects.values_list("version", flat=True)),
    )


def test_matches_are_proposed_by_name_then_alias(ours, user):
    row = merging.receive(theirs_zip(), source="partner.zip", user=user)
    got = {m.name: (m.candidate.name if m.candidate else None, m.matched_by) for m in row.matches.all()}
    assert got == {
        "TL2": ("TL-2", "name"),
        KHMER: ("Type 91X", "alias"),
        "TL-2 old stock": ("TL-2", "alias"),
        "XVS-5": (None, "none"),
        "XOZ-7": (None, "none"),
    }
    assert row.programme == "Partner programme" and row.status == "open" and row.archive.name.endswith(".zip")
    assert all(m.decision == "pending" for m in row.matches.all())


def duplicates() -> dict[str, set[str]]:
    return {k: v for k, v in models_by_key().items() if len(v) > 1}


def test_two_overlapping_libraries_merge_without_duplicates(ours, user):
    before, duplicates_before = OrdnanceModel.objects.count(), duplicates()
    row = merging.receive(theirs_zip(), source="partner.zip", programme="Partner", user=user)
    confirm_all(row, user)
    row = merging.apply(row, user=user)

    # No duplicates: no key names two models (as before: the seeded catalogue's own); two models added
    # (XVS-5, XOZ-7), none for the three matched.
    keys = models_by_key()
    assert duplicates() == duplicates_before
    assert OrdnanceModel.objects.count() == before + 2
    # Every incoming model is found by its name or an alias, and its aliases too.
    for incoming in theirs_document()["models"]:
        for name in [incoming["name"], *[a["name"] for a in incoming["aliases"]]]:
            assert len(keys[naming.key(name)]) == 1, name
    tl2 = OrdnanceModel.objects.get(name="TL-2")
    assert str(tl2.pk) in keys[naming.key("TL-2 old stock")] and str(tl2.pk) in keys[naming.key("ТЛ-2")]
    # Ours never overwritten, our empty fields filled from theirs.
    assert (tl2.diameter_mm, tl2.fill, tl2.fill_mass_g, tl2.weight_g) == (125, "TNT", 100, 600)
    assert tl2.features == "Cross-shaped rubber cover"
    assert OrdnanceModel.objects.get(name="Type 91X").fill == "Tetryl"
    # Created with their fields, similar link resolved to our TL-2, images attached.
    xvs5 = OrdnanceModel.objects.get(name="XVS-5")
    assert xvs5.detectable_by == ["detector", "mdd"] and xvs5.texts == {"km": {"features": "ម៉ីនមូល"}}
    assert list(xvs5.similar_models.all()) == [tl2]
    assert Attachment.objects.filter(object_id=str(tl2.pk), caption="TL-2 top", source="exchange").count() == 1
    assert Attachment.objects.filter(object_id=str(xvs5.pk)).count() == 1
    assert row.status == "applied" and row.summary == {
        "merged": 3,
        "created": 2,
        "skipped": 0,
        "fields_filled": 4,  # TL-2: fill, fill_mass_g, weight_g; Type 91X: fill
        "aliases_added": 3,  # ТЛ-2, TL-2 old stock (TL2: TL-2's key), T91X (the Khmer name is known)
        "similar_added": 1,
        "images_added": 2,
    }
    assert [m.result.name for m in row.matches.all()] == ["TL-2", "Type 91X", "TL-2", "XVS-5", "XOZ-7"]

    # Re-importing the same file and applying again adds nothing.
    state = snapshot()
    again = merging.receive(theirs_zip(), source="partner.zip", user=user)
    assert {m.matched_by for m in again.matches.all()} <= {"name", "alias"}
    confirm_all(again, user)
    again = merging.apply(again, user=user)
    assert snapshot() == state
    assert again.summary["created"] == again.summary["aliases_added"] == again.summary["images_added"] == 0
    assert again.summary["fields_filled"] == again.summary["similar_added"] == 0


def test_apply_is_refused_while_a_match_waits(ours, user):
    row = merging.receive(theirs_zip(), source="partner.zip", user=user)
    merging.decide(row.matches.get(position=1), "merge", user=user)
    state = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        merging.apply(row, user=user)
    assert "4 model(s) wait for a decision, first " + KHMER in str(refused.value)
    assert snapshot() == state and LibraryImport.objects.get(pk=row.pk).status == "open"


def test_create_under_a_taken_name_is_refused_with_merge_suggested(ours, user):
    row = merging.receive(theirs_zip(), source="partner.zip", user=user)
    with pytest.raises(ValidationFailed) as refused:
        merging.decide(row.matches.get(name="TL2"), "create", user=user)
    assert str(refused.value) == "TL2: the library already has TL-2 by this name; choose merge"
    assert LibraryMatch.objects.get(library_import=row, name="TL2").decision == "pending"


def test_merge_without_candidate_needs_a_target_and_another_target_may_be_chosen(ours, user):
    row = merging.receive(theirs_zip(), source="partner.zip", user=user)
    ozm = row.matches.get(name="XOZ-7")
    with pytest.raises(ValidationFailed) as refused:
        merging.decide(ozm, "merge", user=user)
    assert refused.value.field == "target" and "XOZ-7: no model here to merge into" in str(refused.value)
    merging.decide(ozm, "merge", target=ours["TL-9M"], user=user)
    for match in row.matches.exclude(pk=ozm.pk):
        merging.decide(match, "skip", user=user)
    merging.apply(row, user=user)
    assert OrdnanceModel.objects.filter(name="XOZ-7").count() == 0
    assert set(ours["TL-9M"].aliases.values_list("name", flat=True)) == {"XOZ-7", "ХОЗ-7"}
    assert merging.apply.__doc__ and LibraryImport.objects.get(pk=row.pk).summary["skipped"] == 4


def test_two_incoming_models_created_under_one_key_become_one(db, user):
    from safeground.library import exchange

    document = theirs_document()
    document["models"] = [
        {"name": "XM-41", "category": "ap_mine"},
        {"name": "XM41", "category": "ap_mine", "fill": "Tetryl"},
    ]
    row = merging.receive(exchange.to_json(document), source="two.json", user=user)
    for match in row.matches.all():
        merging.decide(match, "create", user=user)
    merging.apply(row, user=user)
    made = OrdnanceModel.objects.filter(name__in=["XM-41", "XM41"])
    assert list(made.values_list("name", "fill")) == [("XM-41", "Tetryl")]
    assert list(OrdnanceAlias.objects.filter(model__in=made).values_list("name", flat=True)) == []  # same key


def test_a_closed_import_takes_no_more_decisions(ours, user):
    row = merging.receive(theirs_zip(), source="partner.zip", user=user)
    merging.drop(row, user=user)
    with pytest.raises(ValidationFailed) as refused:
        merging.decide(row.matches.first(), "skip", user=user)
    assert refused.value.field == "status"
