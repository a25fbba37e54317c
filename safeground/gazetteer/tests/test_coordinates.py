"""Coordinates as written → WGS 84: formats, legacy datums, known references, round trips, bad input."""

import json
import random

import pytest
from django.core.management import CommandError, call_command
from pyproj import Geod, Transformer

from safeground.core.tests.fixtures import BATTAMBANG, FUZULI
from safeground.gazetteer.coordinates import (
    CoordinateError,
    check_position,
    format_coordinate,
    from_mgrs,
    parse_coordinate,
    read_coordinate,
    to_mgrs,
    to_wgs84,
)

GEOD = Geod(ellps="WGS84")
DMS_LAT = 13 + 3 / 60 + 4.3 / 3600  # 13°03'04.3"N
DMS_LON = 103 + 3 / 60 + 7.6 / 3600  # 103°03'07.6"E


def metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize(
    "text",
    [
        "13.0512, 103.0521",
        "13.0512 103.0521",
        "13.0512N 103.0521E",
        "N13.0512 E103.0521",
        "13.0512° N, 103.0521° E",
        "Lat: 13.0512, Lon: 103.0521",
        "lon 103.0521 lat 13.0512",
        "103.0521E 13.0512N",
    ],
)
def test_decimal_degrees_latitude_first_unless_letters_say_otherwise(text):
    assert parse_coordinate(text) == pytest.approx((103.0521, 13.0512), abs=1e-12)


def test_signs_and_hemisphere_letters():
    assert parse_coordinate("-13.05, -103.05") == pytest.approx((-103.05, -13.05))
    assert parse_coordinate("13.05S 103.05W") == pytest.approx((-103.05, -13.05))
    assert parse_coordinate("−13.05, 103.05") == pytest.approx((103.05, -13.05))  # Unicode minus


@pytest.mark.parametrize(
    "text",
    [
        "13°03'04.3\"N 103°03'07.6\"E",
        "13°03′04.3″N 103°03′07.6″E",
        "13º03'04.3''N, 103º03'07.6''E",
        "13 03 04.3 N 103 03 07.6 E",
        "13 03 04.3, 103 03 07.6",
        "N 13 03 04.3 E 103 03 07.6",
        "13d03m04.3sN 103d03m07.6sE",
        "13:03:04.3N 103:03:07.6E",
        "13-03-04.3N 103-03-07.6E",
        "13 deg 03 min 04.3 sec N, 103 deg 03 min 07.6 sec E",
    ],
)
def test_dms_variants(text):
    reading = read_coordinate(text)
    assert reading.format == "dms"
    assert (reading.lon, reading.lat) == pytest.approx((DMS_LON, DMS_LAT), abs=1e-12)


@pytest.mark.parametrize("text", ["13°03.072'N 103°03.126'E", "13 03.072N 103 03.126E", "13°03.072', 103°03.126'"])
def test_ddm_variants(text):
    reading = read_coordinate(text)
    assert reading.format == "ddm"
    assert (reading.lon, reading.lat) == pytest.approx((103 + 3.126 / 60, 13 + 3.072 / 60), abs=1e-12)


def test_southern_western_dms():
    lon, lat = parse_coordinate("33°51'35.9\"S 151°12'40\"E")  # Sydney Opera House, as usually quoted
    assert (lon, lat) == pytest.approx((151 + 12 / 60 + 40 / 3600, -(33 + 51 / 60 + 35.9 / 3600)))


def _utm_inverse(epsg, e, n):
    return Transformer.from_crs(epsg, 4326, always_xy=True).transform(e, n)


@pytest.mark.parametrize(
    "text", ["48P 505000 1443000", "48N 505000 1443000", "zone 48 north 505000 1443000", "48P 505000mE 1443000mN"]
)
def test_utm_band_letter_or_north_give_the_same_position(text):
    expected = _utm_inverse(32648, 505000, 1443000)
    assert parse_coordinate(text) == pytest.approx(expected, abs=1e-9)


def test_utm_band_s_is_azerbaijan_and_south_must_be_spelt_out():
    assert parse_coordinate("38S 684731 4380021") == pytest.approx(_utm_inverse(32638, 684731, 4380021), abs=1e-9)
    assert parse_coordinate("zone 38 south 684731 4380021") == pytest.approx(
        _utm_inverse(32738, 684731, 4380021), abs=1e-9
    )


def test_mgrs_known_references():
    # Published examples: earthpoint.us via proj4js/mgrs#19 (truncated), and movable-type's geodesy library.
    assert to_mgrs(-115.0820944, 36.2361322) == "11S PA 72349 11844"
    assert to_mgrs(-171.45995, 64.00078) == "02W MR 77503 97182"
    # The brief's example: 48P, square UV = easting 3xx km, northing 14xx km in an even zone.
    lon, lat = from_mgrs("48PUV0500043000")
    assert (lon, lat) == pytest.approx(_utm_inverse(32648, 305000, 1443000), abs=1e-9)
    assert parse_coordinate("48P UV 05000 43000") == (lon, lat)
    assert parse_coordinate("48PUV0543") == (lon, lat)  # 4 digits: 10 km, same corner
    assert from_mgrs("11SPA7234911844") == pytest.approx(_utm_inverse(32611, 672349, 4011844), abs=1e-9)


def test_mgrs_truncates_never_rounds():
    lon, lat = _utm_inverse(32648, 305000.9, 1443000.9)
    assert to_mgrs(lon, lat) == "48P UV 05000 43000"
    lon, lat = _utm_inverse(32648, 305999.9, 1443999.9)
    assert to_mgrs(lon, lat, digits=2) == "48P UV 05 43"
    assert to_mgrs(lon, lat, digits=5) == "48P UV 05999 43999"


def test_grid_zone_designators_of_cambodia_and_azerbaijan():
    assert to_mgrs(*BATTAMBANG).startswith("48P ")
    assert to_mgrs(*FUZULI).startswith("38S ")
    assert to_mgrs(46.5, 40.6).startswith("38T ")


def _random_points(n, box, seed):
    rng = random.Random(seed)
    return [(rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])) for _ in range(n)]


@pytest.mark.parametrize("box", [(102.4, 10.5, 107.5, 14.6), (44.8, 38.5, 50.3, 41.8)], ids=["KHM", "AZE"])
def test_round_trips(box):
    for lon, lat in _random_points(200, box, seed=7):
        assert metres((lon, lat), parse_coordinate(format_coordinate(lon, lat, "dd"))) < 0.1
        assert metres((lon, lat), parse_coordinate(format_coordinate(lon, lat, "dms"))) < 0.2  # 0.01″
        assert metres((lon, lat), parse_coordinate(format_coordinate(lon, lat, "ddm"))) < 0.2  # 0.0001′
        assert metres((lon, lat), parse_coordinate(format_coordinate(lon, lat, "utm"))) < 0.71  # metres rounded
        text = format_coordinate(lon, lat, "mgrs")
        corner = parse_coordinate(text)
        assert metres((lon, lat), corner) < 1.42  # truncated to the 1 m square's corner
        assert format_coordinate(*corner, "mgrs") == text


def test_formats_of_a_known_point():
    assert format_coordinate(DMS_LON, DMS_LAT, "dms") == "13°03'04.30\"N 103°03'07.60\"E"
    assert format_coordinate(DMS_LON, DMS_LAT, "dd") == "13.051194, 103.052111"
    assert format_coordinate(-0.5, -0.25, "ddm") == "0°15.0000'S 0°30.0000'W"
    assert format_coordinate(0.0, 59.99999999, "dms") == "60°00'00.00\"N 0°00'00.00\"E"  # carries, no 60″


def test_indian_1960_utm_48n_lands_within_1_m_of_pyproj_with_epsg_1542():
    # The expectation written out independently: UTM 48N on Everest 1830 (1937 adj.), then the
    # EPSG:1542 geocentric translation (198, 881, 317) m to WGS 84.
    pipeline = Transformer.from_pipeline(
        "+proj=pipeline +step +inv +proj=utm +zone=48 +ellps=evrst30 "
        "+step +proj=push +v_3 +step +proj=cart +ellps=evrst30 +step +proj=helmert +x=198 +y=881 +z=317 "
        "+step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )
    e, n = 290000.0, 1443000.0
    expected = pipeline.transform(e, n)
    assert metres(to_wgs84(e, n, "EPSG:3148"), expected) < 1.0
    reading = read_coordinate("48P 290000 1443000", datum="Indian 1960")
    assert metres((reading.lon, reading.lat), expected) < 1.0
    assert reading.transformation.startswith("EPSG:1542 ")
    # The datum shift is real (hundreds of metres): reading the same text as WGS 84 lands elsewhere.
    assert metres(parse_coordinate("48P 290000 1443000"), expected) > 300


def test_pulkovo_1942_gauss_kruger_uses_epsg_1808_not_projs_first_pick():
    pipeline = Transformer.from_pipeline(
        "+proj=pipeline +step +inv +proj=tmerc +lat_0=0 +lon_0=45 +k=1 +x_0=8500000 +y_0=0 +ellps=krass "
        "+step +proj=push +v_3 +step +proj=cart +ellps=krass +step +proj=helmert +x=686.1 +y=-123.5 +z=-574.4 "
        "+rx=8.045 +ry=-23.366 +rz=10.791 +s=-2.926 +convention=position_vector "
        "+step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )
    x, y = 8684808.0, 4381851.0  # Fuzuli
    expected = pipeline.transform(x, y)
    assert metres(to_wgs84(x, y, 28408), expected) < 1.0
    assert metres(to_wgs84(x, y, "EPSG:28408", operation=1808), expected) < 1.0
    unnamed = Transformer.from_crs(28408, 4326, always_xy=True).transform(x, y)
    assert metres(unnamed, expected) > 2.0  # PROJ's own ranking would pick another transformation
    lon, lat = parse_coordinate("39.55, 47.15", datum="SK-42")
    assert metres((lon, lat), (47.15, 39.55)) > 50  # Pulkovo → WGS 84 moves the point


@pytest.mark.parametrize(
    ("text", "fmt", "datum", "message"),
    [
        ("13°63'N 103°03'E", None, "WGS84", "minutes must be < 60 in '13°63'N'"),
        ("13°03'64\"N 103°03'E", None, "WGS84", "seconds must be < 60 in '13°03'64\"N'"),
        ("103.05, 13.05", None, "WGS84", "latitude 103.05 is out of range (−90 to 90) in '103.05, 13.05'"),
        ("13.05N 103.05N", None, "WGS84", "'13.05N 103.05N' has two latitudes"),
        ("-13.05S 103E", None, "WGS84", "'-13.05S' has both a minus sign and a hemisphere letter"),
        ("13.5°30'N 103E", None, "WGS84", "degrees must be a whole number when minutes follow, in '13.5°30'N'"),
        ("13.05", None, "WGS84", "can't tell where latitude ends and longitude begins in '13.05'"),
        ("hello", None, "WGS84", "unexpected 'h' at position 1 in 'hello'"),
        ("13.05, 103.05", "dms", "WGS84", "expected degrees, minutes and seconds but '13.05' has degrees only"),
        ("48 505000 1443000", None, "WGS84", "has no hemisphere or latitude band after zone 48"),
        ("48Q 505000 1443000", None, "WGS84", "latitude band Q (16°N–24°N) does not match"),
        ("48S 505000 1443000", None, "WGS84", "for the southern hemisphere write 'zone 48 south'"),
        ("48P 5050000 1443000", None, "WGS84", "easting 5050000 in '48P 5050000 1443000' is outside the UTM range"),
        ("61P 505000 1443000", None, "WGS84", "UTM zone 61 in '61P 505000 1443000' is out of range (1–60)"),
        ("48PUV050004300", None, "WGS84", "'48PUV050004300' has 9 digits: MGRS needs an even number"),
        (
            "48PAV0500043000",
            None,
            "WGS84",
            "column letter 'A' in '48PAV0500043000' is not used in zone 48 (it uses S–Z)",
        ),
        ("48PUV0500043000", None, "Indian 1960", "MGRS is read on WGS 84 only, not Indian 1960"),
        ("13.05, 103.05", None, "Tokyo", "unknown datum 'Tokyo'"),
        ("13.05, 103.05", "gk", "WGS84", "unknown format 'gk'"),
        ("   ", None, "WGS84", "empty coordinate"),
    ],
)
def test_bad_input_names_the_value_and_the_problem(text, fmt, datum, message):
    with pytest.raises(CoordinateError) as exc:
        parse_coordinate(text, fmt, datum)
    assert message in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_to_wgs84_refuses_an_unknown_crs():
    with pytest.raises(CoordinateError, match="unknown coordinate reference system 'EPSG:999999'"):
        to_wgs84(1, 2, "EPSG:999999")


@pytest.mark.django_db
def test_check_position_accepts_a_position_inside_the_country():
    check_position(*BATTAMBANG, "KHM")
    check_position(*FUZULI, "AZE")


@pytest.mark.django_db
def test_check_position_detects_swapped_latitude_and_longitude():
    lon, lat = BATTAMBANG
    with pytest.raises(CoordinateError) as exc:
        check_position(lat, lon, "KHM")
    assert exc.value.reason == "swapped coordinates"
    assert "lon 13.050000, lat 103.050000 is not a longitude/latitude position" in str(exc.value)
    assert "look swapped: lon 103.050000, lat 13.050000 lies in Cambodia (KHM)" in str(exc.value)
    # Azerbaijan: both numbers are valid latitudes, so the swapped point is a real place (near Rostov-on-Don).
    lon, lat = FUZULI
    with pytest.raises(
        CoordinateError,
        match=r"lon 39.550000, lat 47.150000 lies outside Azerbaijan \(AZE\); latitude and longitude look swapped",
    ):
        check_position(lat, lon, "AZE")


@pytest.mark.django_db
def test_check_position_names_a_position_outside_the_country_and_how_far():
    with pytest.raises(CoordinateError) as exc:
        check_position(102.0, 13.6, "KHM")  # Thailand
    assert exc.value.reason == "outside country"
    assert str(exc.value).startswith("lon 102.000000, lat 13.600000 lies outside Cambodia (KHM), ")
    assert " km beyond its border" in str(exc.value)
    check_position(102.0, 13.6, "KHM", tolerance_m=200_000)  # within a (silly) tolerance it passes
    with pytest.raises(CoordinateError, match="a sign looks wrong"):
        check_position(-103.05, 13.05, "KHM")


@pytest.mark.django_db
def test_coords_command_prints_every_format_and_checks_the_country(capsys):
    call_command("coords", "48PUV0500043000", "--json")
    body = json.loads(capsys.readouterr().out)
    assert (body["lon"], body["lat"]) == pytest.approx(_utm_inverse(32648, 305000, 1443000))
    assert body["format"] == "mgrs"
    assert body["formats"]["utm"] == "48P 305000 1443000"
    assert body["formats"]["mgrs"] == "48P UV 05000 43000"
    call_command("coords", "48P 290000 1443000", "--datum", "Indian 1960", "--to", "dd")
    assert capsys.readouterr().out.strip() == format_coordinate(*to_wgs84(290000, 1443000, 3148), "dd")
    call_command("coords", "290000 1443000", "--crs", "EPSG:3148")
    out = capsys.readouterr().out
    assert "datum shift  EPSG:1542 " in out and "stated accuracy 44 m" in out
    with pytest.raises(CommandError, match=r"lies outside Cambodia \(KHM\)"):
        call_command("coords", "13.6, 102.0", "--country", "KHM")
    with pytest.raises(CommandError, match="minutes must be < 60"):
        call_command("coords", "13°63'N 103°03'E")


@pytest.mark.django_db
def test_coordinates_api(client):
    response = client.get("/api/v1/coordinates", {"text": "13°03'04.3\"N 103°03'07.6\"E", "country": "KHM"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["lon"], body["lat"]) == pytest.approx((DMS_LON, DMS_LAT))
    assert body["format"] == "dms" and body["warnings"] == []
    assert body["formats"]["mgrs"].startswith("48P TV ")
    response = client.get("/api/v1/coordinates", {"text": "13.05, 103.05", "country": "AZE"})
    assert "lies outside Azerbaijan (AZE)" in response.json()["warnings"][0]
    response = client.get("/api/v1/coordinates", {"text": "300000 1443000", "crs": "EPSG:3148"})
    assert response.json()["transformation"].startswith("EPSG:1542 ")
    response = client.get("/api/v1/coordinates", {"text": "48PUV050004300"})
    assert response.status_code == 422
    assert response.json()["field"] == "text"
    assert "MGRS needs an even number" in response.json()["detail"]
