"""The gazetteer loader: reference data (loaded once per session by the root conftest) and `load_file`."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
import shapely
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command
from pyogrio import raw as ogr

from safeground.gazetteer.loaders import GazetteerLoadError, load_file, load_reference, match_names, name_key
from safeground.gazetteer.models import AdminArea, Place

db = pytest.mark.django_db


def areas(country: str, level: int):
    return AdminArea.objects.filter(country=country, level=level)


# --- names (no database) -------------------------------------------------------------------------


def test_name_key_ignores_case_spaces_hyphens_and_krong():
    assert name_key("Krong Serei Saophoan") == name_key("serei-saophoan") == "sereisaophoan"


def test_match_names_accepts_transliteration_variants_only():
    left = ["Russey Keo", "Siem Reap", "Pur Rieng", "Phnum Proek"]
    right = ["Kampong Leav", "Krong Siem Reab", "Ruessei Kaev", "Phnom Proek"]
    matches = {left[i]: right[j] for i, (j, _score) in match_names(left, right).items()}
    assert matches == {"Russey Keo": "Ruessei Kaev", "Siem Reap": "Krong Siem Reab", "Phnum Proek": "Phnom Proek"}


# --- reference data: Cambodia ---------------------------------------------------------------------


@db
def test_cambodia_country_and_provinces_with_official_codes():
    country = areas("KHM", 0).get()
    assert country.code == "KHM" and country.parent is None
    provinces = dict(areas("KHM", 1).values_list("code", "name"))
    assert sorted(provinces) == [f"KH{n:02d}" for n in range(1, 26)]
    assert provinces["KH01"] == "Banteay Meanchey"
    assert provinces["KH02"] == "Battambang"
    assert provinces["KH12"] == "Phnom Penh"
    assert provinces["KH24"] == "Pailin"
    assert provinces["KH25"] == "Tboung Khmum"
    assert set(areas("KHM", 1).values_list("parent_id", flat=True)) == {country.id}


@db
def test_province_geometry_is_the_reprojected_odc_outline():
    pailin = areas("KHM", 1).get(code="KH24")
    minx, miny, maxx, maxy = pailin.geom.extent
    assert 102.3 < minx < maxx < 103.0 and 12.6 < miny < maxy < 13.2  # degrees, not UTM metres
    assert pailin.geom.geom_type == "MultiPolygon" and pailin.geom.srid == 4326


@db
def test_cambodia_districts_and_communes_have_parents_of_the_level_above():
    assert areas("KHM", 2).count() == 197
    assert areas("KHM", 3).count() == 1633
    assert not areas("KHM", 2).exclude(parent__level=1, parent__country="KHM").exists()
    assert not areas("KHM", 3).exclude(parent__level=2, parent__country="KHM").exists()


@db
def test_district_codes_joined_from_the_2011_list_by_name_within_the_province():
    mongkol_borei = areas("KHM", 2).get(code="KH0102")
    assert mongkol_borei.name == "Mongkol Borei" and mongkol_borei.parent.code == "KH01"
    assert areas("KHM", 2).get(code="KH1207").name == "Russey Keo"  # 2011 spelling: Ruessei Kaev
    assert areas("KHM", 2).get(code="KH0203").name == "Battambang"  # 2011: Krong Battambang
    # Tboung Khmum was split from Kampong Cham in 2013: no code in the 2011 list, generated codes.
    dambae = areas("KHM", 2).get(name="Dambae")
    assert dambae.code == "KH25-D01" and dambae.parent.code == "KH25"
    official = areas("KHM", 2).filter(code__regex=r"^KH[0-9]{4}$")
    assert official.count() == 186
    for code, parent_code in official.values_list("code", "parent__code"):
        assert code[:4] == parent_code, code


@db
def test_commune_codes_start_with_their_district_code():
    for code, parent_code in areas("KHM", 3).values_list("code", "parent__code"):
        assert code.startswith(parent_code), code
    assert areas("KHM", 3).filter(code__regex=r"^KH[0-9]{6}$").count() == 1514


@db
def test_villages_are_loaded_in_the_commune_that_contains_them():
    assert Place.objects.filter(country="KHM", kind="village").count() == 14073
    assert not Place.objects.filter(country="KHM", kind="village", admin_area__isnull=True).exists()
    ou_thum = Place.objects.select_related("admin_area__parent__parent").get(country="KHM", code="01020101")
    assert ou_thum.name == "Ou Thum"
    assert ou_thum.admin_area.code == "KH010201" and ou_thum.admin_area.level == 3
    assert ou_thum.admin_area.parent.code == "KH0102"
    assert ou_thum.admin_area.parent.parent.code == "KH01"
    assert abs(ou_thum.point.x - 103.0356394) < 1e-9 and abs(ou_thum.point.y - 13.51566147) < 1e-9
    # The one line that isn't UTF-8 is decoded (cp1252), not dropped.
    assert Place.objects.filter(country="KHM", code="24020211").exists()


# --- reference data: Azerbaijan and towns ---------------------------------------------------------


@db
def test_azerbaijan_rayons_and_outline():
    assert areas("AZE", 1).count() == 79
    country = areas("AZE", 0).get()
    assert country.code == "AZE"
    assert set(areas("AZE", 1).values_list("parent_id", flat=True)) == {country.id}
    lankaran = areas("AZE", 1).filter(name="Lankaran District")
    assert lankaran.count() == 2
    assert sorted(lankaran.values_list("code", flat=True)) == ["AZ-LANKARAN", "AZ-LANKARAN-2"]
    assert areas("AZE", 1).get(name="Fuzuli District").code == "AZ-FUZULI"
    assert areas("AZE", 1).get(name="Shaki City").code == "AZ-SHAKI-C"
    assert all(code.startswith("AZ-") for code in areas("AZE", 1).values_list("code", flat=True))


@db
def test_towns_get_their_level_one_unit_and_kapan_is_not_an_azerbaijani_town():
    assert not Place.objects.filter(kind="town", name="Kapan").exists()
    baku = Place.objects.select_related("admin_area").get(country="AZE", kind="town", name="Baku")
    assert baku.admin_area.name == "Baku City"
    phnom_penh = Place.objects.select_related("admin_area").get(country="KHM", kind="town", name="Phnom Penh")
    assert phnom_penh.admin_area.code == "KH12"
    assert Place.objects.filter(country="KHM", kind="town").count() == 19
    assert Place.objects.filter(country="AZE", kind="town").count() == 16


@db
def test_a_town_at_a_city_unit_is_named_as_the_national_boundaries_name_it():
    """Natural Earth keeps "Stepanakert" and other spellings ("Ganca"); the national boundaries' city units
    say Khankendi and Ganja, and the gazetteer (and so the demo's addresses) follows them."""
    from safeground.gazetteer.loaders.ne_towns import city_name

    assert city_name("Ganca", "Ganja City") == "Ganja"
    assert city_name("Battambang", "Battambang") == "Battambang"  # not a city unit: the town's own name
    assert city_name("Somewhere", None) == "Somewhere"
    towns = dict(Place.objects.filter(country="AZE", kind="town").values_list("name", "admin_area__name"))
    assert towns["Khankendi"] == "Khankendi City" and towns["Ganja"] == "Ganja City"
    assert not {"Stepanakert", "Ganca", "Ali Bayramli"} & set(towns)


@db
def test_second_load_is_idempotent_repairs_edits_and_reports_quirks():
    province_ids = dict(areas("KHM", 1).values_list("code", "id"))
    commune = areas("KHM", 3).get(code="KH010201")
    commune_name = commune.name
    village = Place.objects.get(country="KHM", code="01020101")
    totals = (AdminArea.objects.count(), Place.objects.count())
    commune_geom = commune.geom.clone()
    commune.name = "edited"
    commune.geom = MultiPolygon(Polygon.from_bbox((103.0, 13.5, 103.01, 13.51)), srid=4326)
    commune.save()
    village.point = village.point.__class__(100.0, 10.0, srid=4326)
    village.save()

    lines: list[str] = []
    started = time.monotonic()
    summary = load_reference(settings.SHARED_DATA_DIR, report=lines.append)
    elapsed = time.monotonic() - started

    assert (AdminArea.objects.count(), Place.objects.count()) == totals
    assert dict(areas("KHM", 1).values_list("code", "id")) == province_ids
    assert summary["created"] == 0 and summary["updated"] == 2 and summary["kept"] == 0
    assert summary["unchanged"] == sum(totals) - 2
    restored = AdminArea.objects.get(id=commune.id)
    assert restored.name == commune_name and restored.geom.equals_exact(commune_geom, 1e-9)
    assert Place.objects.get(id=village.id).point.x == pytest.approx(103.0356394)
    text = "\n".join(lines)
    assert "Kapan" in text and "outside" in text
    assert "Lankaran District" in text
    assert "cp1252" in text
    assert "KH25-D01 Dambae" in text
    assert elapsed < 30, f"reference load took {elapsed:.1f} s"


# --- load_file: any file, any CRS -----------------------------------------------------------------


def _write_gpkg(path, polygons_utm, fields: dict[str, list], epsg: int | None = 32648, layer: str = "units"):
    ogr.write(
        path,
        shapely.to_wkb(np.array(polygons_utm, dtype=object)),
        field_data=[np.array(values, dtype=object) for values in fields.values()],
        fields=list(fields),
        layer=layer,
        driver="GPKG",
        geometry_type="Polygon",
        crs=f"EPSG:{epsg}" if epsg else None,
    )
    return path


def _square(x, y, size):
    return shapely.box(x, y, x + size, y + size)


@pytest.fixture
def tst_files(tmp_path):
    """A fictional programme 'TST': two provinces and three districts, in UTM 48N metres."""
    provinces = _write_gpkg(
        tmp_path / "provinces.gpkg",
        [_square(500_000, 1_400_000, 20_000), _square(520_000, 1_400_000, 20_000)],
        {"pcode": ["T01", "T02"], "pname": ["West", "East"]},
    )
    districts = _write_gpkg(
        tmp_path / "districts.gpkg",
        [
            _square(500_000, 1_400_000, 10_000),
            _square(512_000, 1_405_000, 10_000),  # 80 % in West, 20 % in East
            _square(528_000, 1_402_000, 10_000),  # wholly in East
        ],
        {"dcode": ["T0101", "T0102", "T0201"], "name": ["Alpha", "Bravo", "Charlie"]},
    )
    return provinces, districts


@db
def test_load_file_reprojects_creates_level_0_and_derives_parents(tst_files):
    provinces, districts = tst_files
    lines: list[str] = []
    load_file(provinces, "TST", 1, code_field="pcode", name_field="pname", report=lines.append)
    load_file(districts, "TST", 2, code_field="dcode", report=lines.append)  # name field found: "name"

    country = areas("TST", 0).get()
    assert country.code == "TST" and "union" in "\n".join(lines)
    west = areas("TST", 1).get(code="T01")
    assert west.name == "West" and west.parent_id == country.id
    minx, miny, maxx, maxy = west.geom.extent
    assert 104.9 < minx < maxx < 105.3 and 12.6 < miny < maxy < 12.9  # lon/lat around UTM 48N 500 km E
    parents = dict(areas("TST", 2).values_list("code", "parent__code"))
    assert parents == {"T0101": "T01", "T0102": "T01", "T0201": "T02"}
    # Country outline is the union of the provinces: both provinces' area.
    assert country.geom.area == pytest.approx(west.geom.area * 2, rel=1e-3)

    ids = dict(areas("TST", 2).values_list("code", "id"))
    summary = load_file(districts, "TST", 2, code_field="dcode")
    assert summary["created"] == 0 and summary["unchanged"] == 3
    assert dict(areas("TST", 2).values_list("code", "id")) == ids


@db
def test_load_file_generates_codes_when_no_code_field(tst_files):
    provinces, districts = tst_files
    load_file(provinces, "TST", 1, code_field="pcode", name_field="pname")
    lines: list[str] = []
    load_file(districts, "TST", 2, report=lines.append)
    assert dict(areas("TST", 2).values_list("name", "code")) == {
        "Alpha": "T01-D01",
        "Bravo": "T01-D02",
        "Charlie": "T02-D01",
    }
    assert "generated codes" in "\n".join(lines)


@db
def test_load_file_missing_code_field_names_the_field_and_writes_nothing(tst_files):
    provinces, _ = tst_files
    before = AdminArea.objects.count()
    with pytest.raises(GazetteerLoadError) as err:
        load_file(provinces, "TST", 1, code_field="PCODE_X", name_field="pname")
    assert "PCODE_X" in str(err.value) and "provinces.gpkg" in str(err.value)
    assert AdminArea.objects.count() == before
    assert not AdminArea.objects.filter(country="TST").exists()


@db
@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_load_file_refuses_points_and_a_missing_crs(tmp_path):
    points = tmp_path / "points.gpkg"
    ogr.write(
        points,
        shapely.to_wkb(np.array([shapely.Point(500_000, 1_400_000)], dtype=object)),
        field_data=[np.array(["A"], dtype=object)],
        fields=["name"],
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:32648",
    )
    with pytest.raises(GazetteerLoadError, match="Polygon or MultiPolygon.*Point"):
        load_file(points, "TST", 1)
    no_crs = _write_gpkg(tmp_path / "nocrs.gpkg", [_square(0, 0, 1)], {"name": ["A"]}, epsg=None)
    with pytest.raises(GazetteerLoadError, match="coordinate reference system"):
        load_file(no_crs, "TST", 1)
    with pytest.raises(GazetteerLoadError, match="load level 1 first"):
        load_file(_write_gpkg(tmp_path / "d.gpkg", [_square(0, 0, 1)], {"name": ["A"]}), "TST", 2)
    assert not AdminArea.objects.filter(country="TST").exists()


@db
def test_command_loads_a_file_and_prints_a_summary(tst_files):
    provinces, _ = tst_files
    out = io.StringIO()
    call_command(
        "gazetteer", "load", str(provinces), "--country", "TST", "--level", "1", "--code-field", "pcode",
        "--name-field", "pname", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "3 created" in text  # the two provinces and the country outline made from them
    assert "TST level 1 (province/rayon): 2" in text
    with pytest.raises(CommandError, match="nope"):
        call_command("gazetteer", "load", str(provinces), "--country", "TST", "--level", "1", "--code-field", "nope")
    with pytest.raises(CommandError, match="--country is required"):
        call_command("gazetteer", "load", str(provinces), "--level", "1")


@db
def test_load_file_repairs_invalid_polygons_and_reports_it(tmp_path):
    bow_tie = shapely.Polygon([(500_000, 1_400_000), (510_000, 1_410_000), (510_000, 1_400_000), (500_000, 1_410_000)])
    assert not bow_tie.is_valid
    path = _write_gpkg(tmp_path / "bowtie.gpkg", [bow_tie], {"code": ["B1"], "name": ["Bow"]})
    lines: list[str] = []
    load_file(path, "TST", 1, code_field="code", report=lines.append)
    area = areas("TST", 1).get(code="B1")
    assert area.geom.valid and area.geom.geom_type == "MultiPolygon" and len(area.geom) == 2
    assert "1 of 1 source polygon(s) were invalid, repaired with make_valid" in "\n".join(lines)


@db
def test_load_file_places_get_the_deepest_admin_area(tst_files, tmp_path):
    provinces, districts = tst_files
    load_file(provinces, "TST", 1, code_field="pcode", name_field="pname")
    load_file(districts, "TST", 2, code_field="dcode")
    path = tmp_path / "villages.gpkg"
    ogr.write(
        path,
        shapely.to_wkb(shapely.points([(501_000, 1_401_000), (530_000, 1_415_000), (600_000, 1_400_000)])),
        field_data=[np.array(["V1", "V2", "V3"], dtype=object), np.array(["One", "Two", "Far"], dtype=object)],
        fields=["vcode", "name"],
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:32648",
    )
    lines: list[str] = []
    load_file(path, "TST", places=True, code_field="vcode", report=lines.append)
    found = dict(Place.objects.filter(country="TST").values_list("code", "admin_area__code"))
    assert found == {"V1": "T0101", "V2": "T02"}  # V2 lies in East but in no district; V3 is outside TST
    assert "1 place(s) outside TST skipped" in "\n".join(lines)


@db
def test_admin_lists_areas_and_places_with_filters(admin_client):
    response = admin_client.get("/admin/gazetteer/adminarea/", {"country__exact": "KHM", "level__exact": "1"})
    assert response.status_code == 200 and b"Battambang" in response.content
    response = admin_client.get("/admin/gazetteer/place/", {"country__exact": "KHM", "kind__exact": "town"})
    assert response.status_code == 200 and b"Phnom Penh" in response.content
    area = areas("KHM", 2).get(code="KH0102")
    assert admin_client.get(f"/admin/gazetteer/adminarea/{area.pk}/change/").status_code == 200
