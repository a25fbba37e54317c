"""ODK answers: geometry strings to GeoJSON (latitude first in ODK), dates; errors name the question."""

import datetime as dt

import pytest

from safeground.openrosa import geo, instance
from safeground.openrosa.errors import Refused


def test_a_geopoint_becomes_a_point_longitude_first():
    assert geo.point("-29.85 -19.85 12.0 4.5", "location") == {"type": "Point", "coordinates": [-19.85, -29.85]}
    assert geo.point("", "location") is None


def test_a_geoshape_is_closed_and_checked():
    shape = geo.polygon("-29.9 -19.9 0 5; -29.9 -19.8 0 5; -29.8 -19.8 0 5", "perimeter")
    ring = shape["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 4


def test_a_self_intersecting_shape_names_the_question_and_where():
    with pytest.raises(Refused) as refused:
        geo.polygon("-29.9 -19.9 0 0; -29.8 -19.8 0 0; -29.9 -19.8 0 0; -29.8 -19.9 0 0", "perimeter")
    assert refused.value.status == 400 and refused.value.field == "perimeter"
    assert "perimeter is invalid: Self-intersection" in str(refused.value)


@pytest.mark.parametrize(
    "text, says",
    [
        ("-29.9 -19.9; -29.9 -19.9; -29.9 -19.9", "at least 3 distinct points"),
        ("-29.9 abc; -29.8 -19.8; -29.8 -19.9", "point 1 '-29.9 abc' has a coordinate that is not a number"),
        ("-95 -19.9; -29.8 -19.8; -29.8 -19.9", "point 1 has latitude -95"),
    ],
)
def test_bad_shapes_say_why(text, says):
    with pytest.raises(Refused, match=says):
        geo.polygon(text, "perimeter")


def test_a_trace_needs_two_points():
    assert geo.line("-29.9 -19.9 0 0;-29.8 -19.8 0 0", "route")["type"] == "LineString"
    with pytest.raises(Refused, match="route: a line needs at least 2 distinct points"):
        geo.line("-29.9 -19.9 0 0", "route")


def test_odk_dates_and_times():
    assert instance.date("2024-05-01", "found_on") == dt.date(2024, 5, 1)
    stamp = instance.datetime("2024-05-01T10:20:30.123+07:00", "start")
    assert stamp.utcoffset() == dt.timedelta(hours=7)
    with pytest.raises(Refused, match="found_on: '01/05/2024' is not a date"):
        instance.date("01/05/2024", "found_on")


def test_an_instance_gives_its_form_version_id_and_repeats():
    xml = b"""<?xml version='1.0'?>
    <data xmlns:orx="http://openrosa.org/xforms" id="completion" version="3">
      <devices><model>PMN-2</model></devices><devices><model>PMN-4</model></devices>
      <orx:meta><orx:instanceID>uuid:abc</orx:instanceID></orx:meta>
    </data>"""
    parsed = instance.parse(xml)
    assert (parsed.form_id, parsed.version, parsed.instance_id) == ("completion", "3", "uuid:abc")
    assert [d["model"] for d in instance.many(parsed.answers, "devices")] == ["PMN-2", "PMN-4"]
