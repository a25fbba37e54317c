"""The reconciliation report as HTML and CSV, and the migrate-imsma command's refusals and summary."""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safeground.imsma.models import MigrationRun
from safeground.imsma.reconcile import Reconciliation
from safeground.imsma.report import CSV_COLUMNS, render_csv, render_html
from safeground.imsma.tests.report_sample import sample

UNREACHABLE = "postgresql://postgres@127.0.0.1:5432/sg_does_not_exist"


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_html_names_every_number_cause_and_value():
    html = render_html(sample())
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and ".imsma-report" in html  # the CSS travels inline
    assert "<script" not in html and 'href="http' not in html and "<link" not in html  # no outside assets
    assert "postgresql://reader:***@ng-host/imsma" in html
    for cause in ("self-intersection", "too-few-vertices", "ring-not-closed", "far-point", "same-organisation"):
        assert cause in html
    assert "HAZ-0009" in html and "g-h-1" in html and "ring crosses itself" in html
    assert "Worked on (legacy)" in html and "kept as read" in html
    assert "hazard.status_guid" in html
    assert "differs by -1000" in html  # the area total: SafeGround − NG
    assert "hazreduc: 3 rows handled, 4 in NG" in html
    # hazreduc read 4, accounted for 3: flagged; hazard and organisation balance
    assert 'id="imsma-table-hazreduc" class="unbalanced"' in html
    assert 'id="imsma-table-hazard">' in html
    assert "not balanced: 3 accounted for" in html
    assert "no: some rows read have no outcome" in html


def test_html_of_a_balanced_dry_run_says_so():
    rec = Reconciliation(source="postgresql://ng/x", country="XTL", dry_run=True)
    rec.read("place", 2)
    rec.outcome("place", "migrated", 2)
    html = render_html(rec)
    assert "yes: every row read has one outcome" in html
    assert "nothing was written" in html
    assert "No problem was found." in html
    assert "unbalanced" not in html.split("</style>")[1]


def test_html_escapes_what_ng_holds():
    rec = sample()
    rec.problem("hazard", "g", "<b>1</b>", "duplicate-id", "<script>alert(1)</script>", "reported")
    html = render_html(rec)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_csv_has_one_row_per_count_problem_value_total_and_note():
    rows = _rows(render_csv(sample()))
    assert list(rows[0]) == CSV_COLUMNS
    sections = [r["section"] for r in rows]
    assert sections.count("count") == 3
    assert sections.count("problem") == 5
    assert sections.count("enum") == 2
    assert sections.count("total") == 2
    assert sections.count("note") == 1
    hazard = next(r for r in rows if r["section"] == "count" and r["table"] == "hazard")
    assert (hazard["read"], hazard["migrated"], hazard["updated"], hazard["unchanged"], hazard["refused"]) == (
        "12",
        "7",
        "2",
        "1",
        "2",
    )
    assert hazard["balanced"] == "yes"
    assert hazard["cause"] == "self-intersection=1; too-few-vertices=1"
    hazreduc = next(r for r in rows if r["section"] == "count" and r["table"] == "hazreduc")
    assert hazreduc["balanced"] == "no"
    refused = [r for r in rows if r["section"] == "problem" and r["action"] == "refused"]
    assert {(r["localid"], r["guid"], r["cause"]) for r in refused} == {
        ("HAZ-0009", "g-h-1", "self-intersection"),
        ("HAZ-0010", "g-h-2", "too-few-vertices"),
    }
    repaired = next(r for r in rows if r["section"] == "problem" and r["action"] == "repaired")
    assert repaired["code"] == "XTL-HZ-3"
    active, legacy = (r for r in rows if r["section"] == "enum")
    assert (active["value"], active["target"], active["count"], active["action"]) == ("Active", "open", "2", "mapped")
    assert (legacy["value"], legacy["target"], legacy["count"], legacy["action"]) == (
        "Worked on (legacy)",
        "",
        "1",
        "kept as read",
    )
    area = next(r for r in rows if r["section"] == "total" and r["name"] == "hazard area")
    assert (area["ng"], area["safeground"], area["equal"], area["difference"], area["unit"]) == (
        "125000.5",
        "124000.5",
        "no",
        "-1000",
        "m²",
    )


def test_csv_keeps_spreadsheets_from_running_ng_text():
    rec = Reconciliation()
    rec.problem("hazard", "g", "=1+1", "duplicate-id", "@SUM(A1)", "reported")
    row = _rows(render_csv(rec))[0]
    assert row["localid"] == "'=1+1" and row["detail"] == "'@SUM(A1)"


def test_the_report_survives_the_database():
    """What the pages read back (MigrationRun.report) renders as what was built."""
    rec = Reconciliation.from_dict(sample().as_dict())
    assert render_csv(rec) == render_csv(sample())


# ------------------------------------------------------------------------------------------ the command


@pytest.fixture
def testland(db):
    from safeground.gazetteer import programmes

    programmes.add_programme("XTL", name="Testland")
    return "XTL"


def _nothing_written(folder: Path):
    assert MigrationRun.objects.count() == 0
    assert not folder.exists() or not any(folder.iterdir())


def test_unreachable_database_is_refused_with_its_reason(testland, tmp_path):
    out = tmp_path / "report"
    with pytest.raises(CommandError) as refused:
        call_command("migrate-imsma", "--from", UNREACHABLE, "--country", testland, "--report", str(out))
    message = str(refused.value)
    assert "cannot open the IMSMA NG database postgresql://postgres@127.0.0.1:5432/sg_does_not_exist" in message
    assert "Nothing was written." in message
    _nothing_written(out)


def test_password_is_never_printed(testland, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command(
            "migrate-imsma",
            "--from",
            "postgresql://postgres:s3cret@127.0.0.1:5432/sg_does_not_exist",
            "--country",
            testland,
            "--report",
            str(tmp_path),
        )
    assert "s3cret" not in str(refused.value) and ":***@" in str(refused.value)


def test_write_mapping_from_an_unreachable_database_writes_no_file(tmp_path):
    target = tmp_path / "mapping.yaml"
    with pytest.raises(CommandError, match="cannot open the IMSMA NG database"):
        call_command("migrate-imsma", "--from", UNREACHABLE, "--write-mapping", str(target))
    assert not target.exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [("hazard.status_guid: [unclosed", "mapping file"), ("hazard: {values: {}}", "must be table.column")],
)
def test_bad_mapping_file_is_refused_before_reading_ng(testland, tmp_path, text, says):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command(
            "migrate-imsma",
            "--from",
            UNREACHABLE,
            "--country",
            testland,
            "--mapping",
            str(mapping),
            "--report",
            str(tmp_path / "r"),
        )
    assert says in str(refused.value) and str(mapping) in str(refused.value)
    assert "Nothing was written." in str(refused.value)
    _nothing_written(tmp_path / "r")


def test_missing_mapping_file(testland, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "migrate-imsma", "--from", UNREACHABLE, "--country", testland, "--mapping", str(tmp_path / "x.yaml")
        )


def test_country_must_be_known_and_named_when_there_are_several(testland, tmp_path):
    with pytest.raises(CommandError, match="--country QQQ: no programme for this country here"):
        call_command("migrate-imsma", "--from", UNREACHABLE, "--country", "QQQ", "--report", str(tmp_path))
    from safeground.gazetteer.models import Programme

    assert Programme.objects.count() > 1
    with pytest.raises(CommandError, match="--country is required: there are"):
        call_command("migrate-imsma", "--from", UNREACHABLE, "--report", str(tmp_path))


def test_only_programme_is_the_default(testland, tmp_path, monkeypatch):
    from safeground.gazetteer.models import Programme

    command = importlib.import_module("safeground.imsma.management.commands.migrate-imsma").Command()
    monkeypatch.setattr(Programme.objects, "order_by", lambda *a: Programme.objects.filter(iso3=testland))
    assert command._country(None) == testland


def test_unknown_account(testland, tmp_path):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("migrate-imsma", "--from", UNREACHABLE, "--country", testland, "--as", "nobody")


def test_a_run_prints_its_summary_and_writes_its_report(testland, tmp_path, monkeypatch, user):
    """The command around migrate(): the per-table summary, the report files and where they went."""
    module = importlib.import_module("safeground.imsma.management.commands.migrate-imsma")
    calls: dict = {}

    def fake_migrate(url, **kwargs):
        calls.update(kwargs, url=url)
        return MigrationRun.objects.create(
            source="postgresql://ng/x", country="XTL", status="done", report=sample().as_dict()
        )

    monkeypatch.setattr(module, "migrate", fake_migrate)
    out = io.StringIO()
    call_command(
        "migrate-imsma", "--from", "postgresql://ng/x", "--country", "xtl", "--as", user.username,
        "--report", str(tmp_path / "r"), "--far-m", "250", "--no-progress", stdout=out,
    )  # fmt: skip
    assert calls["country"] == "XTL" and calls["user"] == user and calls["far_m"] == 250.0
    text = out.getvalue()
    assert "hazard" in text and "NOT BALANCED" in text and "refused: 1 hazard (self-intersection)" in text
    assert (
        "total differs: hazard area all: NG 125000, SafeGround 124000" in text or "total differs: hazard area" in text
    )
    html, csv_file = tmp_path / "r" / "report.html", tmp_path / "r" / "report.csv"
    assert f"report: {html}" in text and str(csv_file) in text
    assert "HAZ-0009" in html.read_text(encoding="utf-8")
    assert _rows(csv_file.read_text(encoding="utf-8"))[0]["section"] == "count"
