"""Reports on a programme built here (Testland): every table cell of every report recomputed with raw SQL
(not the report's queries, not its reconciliation) and compared; a wrong figure stops the report and is
named; the formats; the CLI, the API and the page; refusals naming the field."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections import defaultdict

import pytest
import shapely
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from safeground.core.errors import ValidationFailed
from safeground.eore.services import create_session
from safeground.gazetteer import programmes
from safeground.gazetteer.models import Programme
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards.services import create_hazard
from safeground.landrelease import services as landrelease
from safeground.operations.models import Activity, ProgressReport
from safeground.ordnance import services as ordnance
from safeground.organisations.models import Organisation, Team
from safeground.organisations.roles import assign_role
from safeground.reports import definitions, figures, render
from safeground.reports.build import build
from safeground.reports.reconcile import ReconciliationFailed
from safeground.reports.tables import TOTAL
from safeground.victims import services as victims
from safeground.victims.access import Actor

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture(autouse=True)
def field_key(monkeypatch, tmp_path):
    import base64
    import os

    from safeground.core import crypto

    monkeypatch.delenv(crypto.ENV_KEY_FILE, raising=False)
    monkeypatch.setenv(crypto.ENV_KEY, base64.b64encode(os.urandom(32)).decode())
    monkeypatch.chdir(tmp_path)
    crypto.reset()
    yield
    crypto.reset()


def _activity(org, code, kind, methods):
    return Activity.objects.create(
        code=code,
        activity_type=kind,
        organisation=org,
        methods=methods,
        reference_point="POINT(-19.85 -29.85)",
        country=ISO3,
        start_date=dt.date(2020, 1, 1),
        status="ongoing",
    )


@pytest.fixture
def testland():
    build_testland()
    programmes.add_programme(
        ISO3,
        name="Testland",
        admin_levels=["Province", "District", "Commune"],
        apmbc_party=True,
        ccm_party=True,
        article5_deadline=dt.date(2030, 12, 31),
    )
    org = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    team = Team.objects.create(organisation=org, code="TDO-M1", kind="manual", size=10)
    ordnance.create_model(name="TL-AP-1", category="ap_mine")
    ordnance.create_model(name="TL-BLU", category="submunition")
    clearance = _activity(org, "XTL-CLR-1", "clearance", ["manual"])
    survey = _activity(org, "XTL-NTS-1", "nts", ["nts"])
    ap_west = create_hazard(
        geometry=shapely.box(-19.9, -29.9, -19.8, -29.8),
        hazard_class="SHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2020, 3, 1),
        suspected_models=["TL-AP-1"],
    )
    # Overlaps the west AP hazard: its shared ground counts once in the unique figures.
    create_hazard(
        geometry=shapely.box(-19.85, -29.85, -19.7, -29.75),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2022, 5, 1),
    )
    create_hazard(
        geometry=shapely.box(-19.4, -29.6, -19.35, -29.55),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(YEAR, 2, 1),
        suspected_models=["TL-AP-1"],
    )
    cmr = create_hazard(
        geometry=shapely.box(-19.3, -29.9, -19.2, -29.8),
        hazard_class="CHA",
        contamination_type="cmr",
        recorded_on=dt.date(2021, 1, 1),
        suspected_models=["TL-BLU"],
    )
    landrelease.create_product(
        activity=survey.code,
        hazard=ap_west.code,
        outcome="cancelled",
        geometry=shapely.box(-19.9, -29.9, -19.85, -29.8),
        released_on=dt.date(YEAR, 4, 1),
    )
    cleared = landrelease.create_product(
        activity=clearance.code,
        hazard=ap_west.code,
        outcome="cleared",
        geometry=shapely.box(-19.85, -29.9, -19.83, -29.85),
        released_on=dt.date(YEAR, 6, 1),
        clearance_depth_cm=20,
    )
    landrelease.record_devices(
        cleared,
        [
            {
                "point": shapely.Point(-19.84, -29.88),
                "category": "ap_mine",
                "model": "TL-AP-1",
                "disposal": "destroyed_in_situ",
                "count": 3,
            },
            {"point": shapely.Point(-19.84, -29.87), "category": "ap_mine", "disposal": "removed_destroyed"},
            {"point": shapely.Point(-19.84, -29.86), "category": "ap_mine", "disposal": "removed_stored"},
        ],
    )
    old = landrelease.create_product(
        activity=clearance.code,
        hazard=cmr.code,
        outcome="cleared",
        geometry=shapely.box(-19.3, -29.9, -19.28, -29.88),
        released_on=dt.date(YEAR - 1, 6, 1),
        clearance_depth_cm=20,
    )
    landrelease.create_product(
        activity=clearance.code,
        hazard=cmr.code,
        outcome="reduced",
        geometry=shapely.box(-19.28, -29.9, -19.26, -29.88),
        released_on=dt.date(YEAR, 8, 1),
    )
    landrelease.record_devices(
        old,
        [
            {
                "point": shapely.Point(-19.29, -29.89),
                "category": "submunition",
                "model": "TL-BLU",
                "disposal": "destroyed_in_situ",
                "count": 12,
                "found_on": dt.date(YEAR, 1, 5),
            }
        ],
    )
    system = Actor.for_system("test set-up")
    mine = victims.create_accident(
        point=shapely.Point(-19.75, -29.7),
        occurred_on=dt.date(YEAR, 5, 1),
        accident_type="mine_erw",
        device_category="ap_mine",
    )
    for i in range(7):
        victims.record_victim(
            accident=mine.code,
            actor=system,
            outcome="injured",
            sex="male",
            age_years=30,
            victim_type="civilian",
            needs=["medical", "rehabilitation"] if i < 6 else ["medical"],
        )
    for _i in range(2):
        victims.record_victim(
            accident=mine.code, actor=system, outcome="killed", sex="female", age_years=10, victim_type="civilian"
        )
    bomblet = victims.create_accident(
        point=shapely.Point(-19.25, -29.85),
        occurred_on=dt.date(YEAR, 7, 1),
        accident_type="mine_erw",
        device_category="submunition",
    )
    victims.record_victim(
        accident=bomblet.code, actor=system, outcome="injured", sex="male", age_years=10, victim_type="civilian"
    )
    create_session(
        held_on=dt.date(YEAR, 3, 1),
        organisation="TDO",
        method="community",
        point=shapely.Point(-19.7, -29.7),
        girls=10,
        boys=12,
        women=20,
        men=15,
    )
    create_session(
        held_on=dt.date(YEAR, 4, 1),
        organisation="TDO",
        method="school",
        point=shapely.Point(-19.3, -29.7),
        girls=30,
        boys=28,
    )
    for n, (month, area, days) in enumerate(((1, 2000.0, 5), (2, 2500.0, 5), (3, 1800.0, 4)), start=1):
        ProgressReport.objects.create(
            code=f"XTL-PR-{n:03d}",
            activity=clearance,
            team=team,
            hazard=ap_west,
            period="weekly",
            date=dt.date(YEAR, month, 3),
            method="manual",
            area_m2=area,
            days_worked=days,
            searchers=8,
            hours_per_day=6,
            terrain="flat",
            vegetation="light",
            soil_metal="low",
        )
    return Programme.objects.get(iso3=ISO3)


# --- the raw SQL: every figure, computed without the report's code --------------------------------------


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


PG = connection.vendor == "postgresql"
FIRST_METHOD = "a.methods->>0" if PG else "json_extract(a.methods, '$[0]')"
MON = {"ap_mines": "AP", "at_mines": "AT", "cmr": "CMR", "uxo": "ERW", "axo": "ERW", "ied": "IED", "mixed": "MIX"}
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)


def _open_hazards():
    return _sql(
        """SELECT h.id, COALESCE(p.code, '—'), h.hazard_class, h.contamination_type,
                  l.remaining_m2 - l.remaining_overlap_m2
           FROM hazards_hazard h JOIN landrelease_hazardledger l ON l.hazard_id = h.id
           LEFT JOIN gazetteer_adminarea p ON p.id = h.province_id
           WHERE h.country = %s AND h.status IN ('open', 'suspended') AND l.remaining_m2 > 1.0""",
        [ISO3],
    )


def _credits(start, end):
    return _sql(
        f"""SELECT pr.released_on, COALESCE(p.code, '—'), h.contamination_type, COALESCE({FIRST_METHOD}, ''),
                   r.outcome, r.released_m2
            FROM landrelease_productrelease r JOIN landrelease_product pr ON pr.id = r.product_id
            JOIN operations_activity a ON a.id = pr.activity_id JOIN hazards_hazard h ON h.id = r.hazard_id
            LEFT JOIN gazetteer_adminarea p ON p.id = h.province_id
            WHERE h.country = %s AND pr.released_on BETWEEN %s AND %s""",
        [ISO3, start, end],
    )


def _put(out, key, col, value):
    out[(key, col)] += float(value)
    out[((TOTAL,), col)] += float(value)


def sql_figures(key: str) -> dict:
    out: dict = defaultdict(float)
    if key in ("apmbc_c_areas", "ccm_f_areas", "monitor_types", "monitor_province"):
        types = {"apmbc_c_areas": ("ap_mines", "mixed"), "ccm_f_areas": ("cmr",)}.get(key)
        for _id, province, klass, kind, m2 in _open_hazards():
            if types and kind not in types:
                continue
            if key == "monitor_province":
                _put(out, (province, klass), MON[kind], m2)
                _put(out, (province, klass), "total_m2", m2)
                continue
            row = (MON[kind],) if key == "monitor_types" else (province,)
            _put(out, row, f"{klass.lower()}_n", 1)
            _put(out, row, f"{klass.lower()}_m2", m2)
            _put(out, row, "total_m2", m2)
    elif key == "apmbc_c_models":
        open_ap = {r[0]: r[4] for r in _open_hazards() if r[3] in ("ap_mines", "mixed")}
        for hazard_id, name in _sql(
            "SELECT s.hazard_id, m.name FROM hazards_hazard_suspected_models s"
            " JOIN ordnance_ordnancemodel m ON m.id = s.ordnancemodel_id"
        ):
            if hazard_id in open_ap:
                out[((name,), "hazards")] += 1
                out[((name,), "area_m2")] += open_ap[hazard_id]
    elif key in (
        "apmbc_f_province",
        "apmbc_f_method",
        "apmbc_f_year",
        "ccm_f_release",
        "monitor_release",
        "annual_release_province",
    ):
        types = {"ccm_f_release": ("cmr",), "monitor_release": None, "annual_release_province": None}.get(
            key, ("ap_mines", "mixed")
        )
        start = dt.date(YEAR - 4, 1, 1) if key in ("apmbc_f_year", "monitor_release") else START
        for on, province, kind, method, outcome, m2 in _credits(start, END):
            if types and kind not in types:
                continue
            on = on if isinstance(on, dt.date) else dt.date.fromisoformat(on)
            row = {
                "apmbc_f_method": (method,),
                "apmbc_f_year": (str(on.year),),
                "monitor_release": (str(on.year), MON[kind]),
            }.get(key, (province,))
            _put(out, row, f"{outcome}_m2", m2)
            _put(out, row, "released_m2", m2)
    elif key in ("apmbc_g_mines", "ccm_f_devices", "monitor_devices"):
        categories = {"apmbc_g_mines": ("ap_mine",), "ccm_f_devices": ("submunition",)}.get(key)
        for name, category, on_product, n in _sql(
            """SELECT COALESCE(m.name, ''), d.category, d.product_id IS NOT NULL, d.count FROM landrelease_device d
               LEFT JOIN ordnance_ordnancemodel m ON m.id = d.model_id
               LEFT JOIN operations_activity a ON a.id = d.activity_id
               WHERE a.country = %s AND d.found_on BETWEEN %s AND %s
                 AND d.disposal IN ('destroyed_in_situ', 'removed_destroyed')""",
            [ISO3, START, END],
        ):
            if categories and category not in categories:
                continue
            row = (category,) if key == "monitor_devices" else (name, category)
            _put(out, row, "area_clearance" if on_product else "spot_tasks", n)
            _put(out, row, "total", n)
    elif key in ("j_casualties", "j_victim_type", "ccm_h_casualties"):
        a, b = {
            "j_casualties": ("outcome", "age_group"),
            "j_victim_type": ("victim_type", "sex"),
            "ccm_h_casualties": ("outcome", "sex"),
        }[key]
        device = "AND c.device_category = 'submunition'" if key == "ccm_h_casualties" else ""
        for x, y, n in _sql(
            f"""SELECT v.{a}, v.{b}, COUNT(*) FROM victims_victim v JOIN victims_accident c ON c.id = v.accident_id
                WHERE c.country = %s AND c.occurred_on BETWEEN %s AND %s {device} GROUP BY v.{a}, v.{b}""",
            [ISO3, START, END],
        ):
            for row, col in (((x,), y), ((x,), "total"), ((TOTAL,), y), ((TOTAL,), "total")):
                out[(row, col)] += n
    elif key == "j_needs":
        each = "jsonb_array_elements_text(v.needs) n(value)" if PG else "json_each(v.needs) n"
        for need, n in _sql(
            f"""SELECT n.value, COUNT(*) FROM victims_victim v JOIN victims_accident c ON c.id = v.accident_id, {each}
                WHERE c.country = %s AND v.outcome = 'injured' GROUP BY n.value""",
            [ISO3],
        ):
            _put(out, (need,), "survivors", n)
    elif key == "j_eore":
        for method, sessions, girls, boys, women, men in _sql(
            """SELECT method, COUNT(*), SUM(girls), SUM(boys), SUM(women), SUM(men) FROM eore_session
               WHERE country = %s AND held_on BETWEEN %s AND %s GROUP BY method""",
            [ISO3, START, END],
        ):
            for col, v in (
                ("sessions", sessions),
                ("girls", girls),
                ("boys", boys),
                ("women", women),
                ("men", men),
                ("total", girls + boys + women + men),
            ):
                _put(out, (method,), col, v)
    elif key == "monitor_new":
        for recorded_on, kind, m2 in _sql(
            """SELECT h.recorded_on, h.contamination_type, l.estimated_m2 - l.estimated_overlap_m2 FROM hazards_hazard h
               JOIN landrelease_hazardledger l ON l.hazard_id = h.id WHERE h.country = %s AND h.recorded_on <= %s""",
            [ISO3, END],
        ):
            recorded_on = recorded_on if isinstance(recorded_on, dt.date) else dt.date.fromisoformat(recorded_on)
            prefix = "new" if recorded_on >= START else "base"
            _put(out, (MON[kind],), f"{prefix}_n", 1)
            _put(out, (MON[kind],), f"{prefix}_m2", m2)
    elif key == "annual_productivity":
        for method, reports, area, days in _sql(
            """SELECT r.method, COUNT(*), SUM(r.area_m2), SUM(r.days_worked) FROM operations_progressreport r
               JOIN operations_activity a ON a.id = r.activity_id
               WHERE a.country = %s AND r.date BETWEEN %s AND %s GROUP BY r.method""",
            [ISO3, START, END],
        ):
            out[((method,), "reports")] = reports
            out[((method,), "area_m2")] = area
            out[((method,), "team_days")] = days
            out[((method,), "m2_per_team_day")] = round(area / days, 2)
    elif key == "annual_article5":
        remaining = sum(r[4] for r in _open_hazards() if r[3] in ("ap_mines", "mixed"))
        released = sum(c[5] for c in _credits(START, END) if c[2] in ("ap_mines", "mixed"))
        out[(("remaining_m2",), "value")] = remaining
        out[(("released_m2",), "value")] = released
        out[(("needed_m2",), "value")] = remaining / ((dt.date(2030, 12, 31) - END).days / 365.25)
    else:
        raise AssertionError(f"no SQL for {key}")
    return dict(out)


@pytest.mark.parametrize("kind", ["article7-apmbc", "article7-ccm", "monitor", "annual"])
def test_every_cell_equals_raw_sql(testland, kind):
    built = build(kind, ISO3, YEAR, "en")
    checked = 0
    for table in built.tables():
        expected = sql_figures(table.key)
        shown = table.figures()
        for key in set(shown) | set(expected):
            assert shown.get(key, 0.0) == pytest.approx(expected.get(key, 0.0), abs=0.01), (table.key, key)
            checked += 1
    assert checked > 20
    # The fixture makes every kind of figure non-zero somewhere: the comparison compares something.
    assert sql_figures("apmbc_c_areas")[((TOTAL,), "sha_m2")] > 0
    assert sql_figures("apmbc_f_province")[((TOTAL,), "cancelled_m2")] > 0


def test_figures_the_fixture_fixes(testland):
    built = build("annual", ISO3, YEAR, "en")
    tables = {t.key: t for t in built.tables()}
    g = {r.key: r.values for r in tables["apmbc_g_mines"].rows}
    assert g[("TL-AP-1", "ap_mine")]["area_clearance"] == 3  # the stored device is not destroyed
    assert g[(TOTAL,)]["total"] == 4
    devices = {r.key: r.values["total"] for r in tables["monitor_devices"].rows}
    assert devices[("submunition",)] == 12  # found in the year on a product released the year before
    # The overlapping UXO hazard's shared ground counts once: unique total < the plain sum of remaining.
    from safeground.landrelease.models import HazardLedger

    plain = sum(h.remaining_m2 for h in HazardLedger.objects.filter(hazard__country=ISO3))
    types = {r.key: r.values for r in tables["monitor_types"].rows}
    assert types[(TOTAL,)]["total_m2"] < plain - 1000
    # New contamination is reported apart from the baseline.
    new = {r.key: r.values for r in tables["monitor_new"].rows}
    assert new[("AP",)]["new_n"] == 1 and new[("AP",)]["base_n"] == 1
    # Victims are suppressed: 2 killed children are shown as <5 and their complements withheld.
    cas = {r.key: r.shown for r in tables["j_casualties"].rows}
    assert cas[("killed",)]["child"] == "<5"
    assert all(not (isinstance(v, int) and 0 < v < 5) for row in cas.values() for v in row.values())


def test_a_wrong_figure_stops_the_report_and_is_named(testland, monkeypatch):
    real = figures.release_by_province

    def off_by_one(ctx, key, title, types):
        table = real(ctx, key, title, types)
        table.rows[0].values["cleared_m2"] += 1.0
        return table

    monkeypatch.setattr(figures, "release_by_province", off_by_one)
    monkeypatch.setattr(definitions, "F_PROVINCE", None)  # the definitions hold their own binding: rebuild it
    from functools import partial

    for d in definitions.REPORTS.values():
        for s in d.sections:
            for t in s.tables:
                if t.key == "apmbc_f_province":
                    object.__setattr__(t, "query", partial(off_by_one, types=figures.APMBC_TYPES))
    with pytest.raises(ReconciliationFailed) as exc:
        build("article7-apmbc", ISO3, YEAR, "en")
    assert exc.value.figure == {
        "report": "article7-apmbc",
        "table": "apmbc_f_province",
        "row": ["XT01"],
        "column": "cleared_m2",
    }
    assert "apmbc_f_province" in str(exc.value) and "cleared_m2" in str(exc.value)
    for d in definitions.REPORTS.values():
        for s in d.sections:
            for t in s.tables:
                if t.key == "apmbc_f_province":
                    object.__setattr__(t, "query", partial(real, types=figures.APMBC_TYPES))


def test_which_reports_apply_comes_from_the_profile(testland):
    assert [d.kind for d in definitions.applicable(testland)] == ["article7-apmbc", "article7-ccm", "monitor", "annual"]
    programmes.edit_programme(ISO3, apmbc_party=False, ccm_party=False)
    testland.refresh_from_db()
    assert [d.kind for d in definitions.applicable(testland)] == ["voluntary", "monitor", "annual"]
    with pytest.raises(ValidationFailed) as exc:
        build("article7-apmbc", ISO3, YEAR, "en")
    assert exc.value.field == "report" and "voluntary" in str(exc.value)
    built = build("voluntary", ISO3, YEAR, "az")
    assert [s.key for s in built.sections] == list("ABCDEFGHIJ")
    assert [s.recorded for s in built.sections].count(False) == 6


@pytest.mark.parametrize(
    "args,field",
    [
        (("nonsense", ISO3, YEAR, "en"), "report"),
        (("monitor", "ZZZ", YEAR, "en"), "country"),
        (("monitor", ISO3, 1700, "en"), "year"),
        (("monitor", ISO3, YEAR, "xx"), "lang"),
    ],
)
def test_bad_requests_are_refused_naming_the_field(testland, args, field):
    with pytest.raises(ValidationFailed) as exc:
        build(*args)
    assert exc.value.field == field


def test_formats_carry_the_stamp_and_the_figures(testland):
    built = build("article7-apmbc", ISO3, YEAR, "km")
    again = build("article7-apmbc", ISO3, YEAR, "en")
    assert built.figures_hash == again.figures_hash and len(built.figures_hash) == 12  # the same figures
    pdf = render.render(built, "pdf")
    assert pdf.startswith(b"%PDF")
    book = zipfile.ZipFile(io.BytesIO(render.render(again, "xlsx")))
    sheets = book.read("xl/workbook.xml").decode()
    for key in ("About", "apmbc_c_areas", "apmbc_f_province", "apmbc_g_mines", "j_casualties", "j_eore"):
        assert f'name="{key}"' in sheets
    rows = list(csv.reader(io.StringIO(render.render(again, "csv").decode())))
    assert rows[1][6] == again.figures_hash and rows[1][4] == again.generated_at
    values = {(r[1], r[3], r[5]): r[7] for r in rows[4:] if len(r) == 8}
    assert values[("j_casualties", "killed", "child")] == "<5"  # suppressed in every format
    assert values[("apmbc_g_mines", TOTAL, "total")] == "4"


def test_cli_api_and_page(testland, tmp_path, django_user_model):
    out = tmp_path / "r.csv"
    stdout = io.StringIO()
    call_command("report", "annual", country=ISO3, year=YEAR, format="csv", lang="en", out=str(out), stdout=stdout)
    assert out.read_bytes().startswith(b"report,country") and "figures hash" in stdout.getvalue()
    listed = io.StringIO()
    call_command("report", "LIST", country=ISO3, stdout=listed)
    assert "article7-apmbc" in listed.getvalue() and "voluntary" not in listed.getvalue()
    with pytest.raises(CommandError, match="year"):
        call_command("report", "monitor", country=ISO3, year=1700, out=str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()

    user = django_user_model.objects.create_user("viewer-x", password="pw")
    assign_role(user, "viewer")
    client = Client()
    client.force_login(user)
    body = client.get(f"/api/v1/reports?country={ISO3}").json()
    assert [r["report"] for r in body["reports"]] == ["article7-apmbc", "article7-ccm", "monitor", "annual"]
    answer = client.get(f"/api/v1/reports/monitor?country={ISO3}&year={YEAR}&lang=az")
    assert answer.status_code == 200 and answer.json()["lang"] == "az"
    pdf = client.get(f"/api/v1/reports/article7-ccm?country={ISO3}&year={YEAR}&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bad = client.get(f"/api/v1/reports/monitor?country={ISO3}&year={YEAR}&lang=xx")
    assert bad.status_code == 422 and bad.json()["field"] == "lang"
    page = client.get(f"/reports/?country={ISO3}&report=article7-apmbc&year={YEAR}&lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Form C: Location of mined areas" in html and "Not recorded in this system." in html
    download = client.get(f"/reports/download/?country={ISO3}&report=monitor&year={YEAR}&lang=en&format=xlsx")
    assert download.status_code == 200 and download.content.startswith(b"PK")
    refused = client.get(f"/reports/?country={ISO3}&report=monitor&year=abc")
    assert refused.status_code == 422 and "year must be" in refused.content.decode()
    assert json.loads(client.get("/api/v1/reports?country=ZZZ").content)["field"] == "country"


def test_the_khmer_pdf_holds_khmer_text_and_the_stamp(testland, tmp_path):
    """The PDF's text, read back with pdftotext (poppler-utils): Khmer letters are there as text (a font
    covered them; none fell back to a missing glyph), and so are the stamp and the Latin parts.

    The extracted Khmer repeats some glyph clusters (typst's text layer maps a cluster to each of its
    glyphs), so the test looks for Khmer letters, not for the exact title; the drawn text is checked by
    eye (docs/reports.md)."""
    import subprocess

    built = build("article7-apmbc", ISO3, YEAR, "km")
    path = tmp_path / "r.pdf"
    path.write_bytes(render.render(built, "pdf"))
    words = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    text = words.decode()
    khmer = [c for c in text if "\u1780" <= c <= "\u17ff"]
    assert len(khmer) > 500 and "\ufffd" not in text
    assert built.figures_hash in text and built.generated_at in text and "Testland (XTL)" in text
