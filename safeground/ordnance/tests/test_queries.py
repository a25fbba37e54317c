"""Search over names and aliases (any script), and the name matching the library merge uses."""

import pytest

from safeground.ordnance import naming, queries, services
from safeground.ordnance.models import OrdnanceModel

pytestmark = pytest.mark.django_db

KHMER = "មីនភីអឹមអិនពីរ"  # a made-up local name in Khmer script


@pytest.fixture
def pmn2():
    model = OrdnanceModel.objects.get(name="PMN-2")
    services.add_aliases(model, [(KHMER, "km"), ("Piyada minası P2", "az")])
    return model


def test_search_finds_a_model_by_its_khmer_alias(pmn2):
    assert list(queries.search(KHMER)) == [pmn2]
    assert list(queries.search(KHMER[3:8])) == [pmn2]  # a part of it


def test_search_ignores_case_accents_and_punctuation(pmn2):
    assert pmn2 in queries.search("pmn2")
    assert pmn2 in queries.search("MINASI p2")
    assert list(queries.search("piyada minasi")) == [pmn2]
    assert not queries.search("no such thing at all").exists()


def test_search_filters(pmn2):
    low = queries.search(metal_content="low")
    assert pmn2 in low and all(m.metal_content == "low" for m in low)
    smelt = queries.search(detectable_by="mdd")
    assert pmn2 in smelt and all("mdd" in m.detectable_by for m in smelt)
    assert not queries.search("PMN-2", category="at_mine").exists()


def test_key_keeps_khmer_vowel_signs_and_folds_dotless_i():
    assert naming.key(KHMER) == KHMER  # Khmer vowels are combining marks: kept
    assert naming.key("ភីអឹមអិន ២") != naming.key("ភអមអន ២")
    assert naming.key("PMN-2 minası") == naming.key("pmn2 MINASI") == "pmn2minasi"


def test_by_slug():
    found = queries.by_slug("pomz-2")
    assert found is not None and found.name == "POMZ-2"
    assert queries.by_slug("no-such-slug") is None


def test_matches_by_name_then_alias(pmn2):
    assert queries.matches("pmn 2") == [(pmn2, "name")]
    assert queries.matches(KHMER) == [(pmn2, "alias")]
    assert queries.matches("PIYADA MINASI P-2") == [(pmn2, "alias")]
    assert queries.matches("nothing like it") == []
    assert queries.matches("--") == []


def test_a_name_match_wins_over_an_alias(pmn2):
    pmn = OrdnanceModel.objects.get(name="PMN")
    services.add_aliases(pmn2, [("PMN", "")])  # a careless alias: the name still decides
    assert queries.matches("PMN") == [(pmn, "name")]
    assert queries.key_index()["pmn"] == [(pmn, "name")]
    assert queries.key_index()[KHMER] == [(pmn2, "alias")]
