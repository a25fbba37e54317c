"""`safeground task`, `safeground priorities` and `safeground devrequest`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safeground.tasking.models import DevelopmentRequest, PriorityWeights, Task

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_task_commands(land, accident):
    a = land["hazards"]["A"].code
    with pytest.raises(CommandError, match="planned_end is before planned_start"):
        run(
            "task",
            "issue",
            "--organisation",
            "XOP",
            "--hazard",
            a,
            "--method",
            "manual",
            "--start",
            "2026-02-01",
            "--end",
            "2026-01-01",
        )
    assert Task.objects.count() == 0
    out = run(
        "task",
        "issue",
        "--organisation",
        "XOP",
        "--hazard",
        a,
        "--method",
        "manual",
        "--start",
        "2026-02-01",
        "--end",
        "2026-05-01",
        "--budget",
        "5000",
        "--currency",
        "USD",
    )
    assert "XT-TASK-000001 issued to XOP" in out
    with pytest.raises(CommandError, match="say why"):
        run("task", "decline", "XT-TASK-000001")
    assert "is now accepted" in run("task", "accept", "XT-TASK-000001")
    assert "is now in_progress" in run("task", "start", "XT-TASK-000001")
    listed = run("task", "list", "--country", "XTL")
    assert "XT-TASK-000001" in listed and "in_progress" in listed and "1 tasks" in listed
    rows = json.loads(run("task", "list", "--json"))
    assert rows[0]["code"] == "XT-TASK-000001" and rows[0]["budget_amount"] == 5000
    assert "XOP" in run("task", "plan", "--by", "organisation")


def test_priorities_and_devrequest_commands(land, accident):
    out = json.loads(run("priorities", "--country", "XTL", "--json"))
    assert out["count"] == 3 and out["rows"][0]["rank"] == 1
    first = out["rows"][0]["code"]
    changed = json.loads(
        run("priorities", "--country", "XTL", "--json", "--set", "casualties=100", "--set", "beneficiaries=0")
    )
    assert changed["rows"][0]["code"] == land["hazards"]["B"].code and PriorityWeights.objects.get().version == 1
    assert first in run("priorities", "--country", "XTL")
    with pytest.raises(CommandError, match="unknown criterion .luck."):
        run("priorities", "--country", "XTL", "--set", "luck=3")
    with pytest.raises(CommandError, match="unknown programme"):
        run("priorities", "--country", "ZZZ")
    c = land["hazards"]["C"].code
    out = run(
        "devrequest",
        "add",
        "--requester",
        "Ministry",
        "--project",
        "Canal",
        "--purpose",
        "water",
        "--date",
        "2025-03-01",
        "--hazard",
        c,
    )
    assert "XT-DEV-000001 recorded" in out
    with pytest.raises(CommandError, match="purpose must be one of"):
        run(
            "devrequest",
            "add",
            "--requester",
            "M",
            "--project",
            "P",
            "--purpose",
            "fun",
            "--date",
            "2025-03-01",
            "--hazard",
            c,
        )
    assert DevelopmentRequest.objects.count() == 1
    assert "Canal" in run("devrequest", "list", "--country", "XTL")
