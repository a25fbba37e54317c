"""Importing evidence of contamination for recorded hazards: each row names its hazard by code, the
kind (direct, indirect) and type of evidence, and may give the point where it was observed.

Set-based through `hazards.services.bulk_add_evidence` (one insert and its history rows).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.hazards import services
from safeground.hazards.models import Evidence, Hazard
from safeground.interop.importers.common import Context, Plan, Rows, points

CHUNK = 5000


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking evidence"), rows.n)
    hazard_codes = rows.text("hazard_code", required=True, max_length=40)
    columns = {
        "kind": rows.choice("kind", Evidence.KIND_CHOICES),
        "evidence_type": rows.choice("evidence_type", Evidence.TYPE_CHOICES),
        "observed_on": rows.date("observed_on"),
        "description": [v or "" for v in rows.text("description", max_length=2000)],
        "point": list(points(rows, _("evidence point"), required=False)),
    }
    wanted = sorted({c for c in hazard_codes if c})
    ids: dict[str, object] = {}
    for start in range(0, len(wanted), CHUNK):
        ids.update(Hazard.objects.filter(code__in=wanted[start : start + CHUNK]).values_list("code", "id"))
    for i, code in enumerate(hazard_codes):
        if code and code not in ids:
            rows.error(i, "hazard_code", code, _("no hazard with this code"), "unknown")
    progress.update(rows.n)
    progress.close()
    plan = Plan("evidence", rows.n)
    if not rows.bad.any():
        plan.codes = list(hazard_codes)
        plan.extra["rows"] = {"hazard": [ids[c] for c in hazard_codes], **columns}
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    progress.stage(_("writing evidence"), plan.n)
    n = services.bulk_add_evidence(plan.extra["rows"], reason=ctx.reason)
    progress.update(n)
    progress.close()
    return [_("evidence added to %(n)d hazard(s)") % {"n": len(set(plan.codes))}]
