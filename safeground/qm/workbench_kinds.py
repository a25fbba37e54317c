"""The QA visit as a workbench kind: a field form's visit report waits for review like any submission.

Registered from QmConfig.ready(): qm sits above the workbench (it proposes hazards there), so the
workbench never imports qm (decision 0039). The submission belongs to the inspecting organisation.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext_noop as N_
from pydantic import ConfigDict

from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.qm import services
from safeground.qm.models import Visit
from safeground.qm.schemas import VisitIn
from safeground.workbench import kinds
from safeground.workbench.appliers import Applied


class QaVisitIn(VisitIn):
    """A visit as the QM API takes it, without `code` (the approval numbers it); unknown fields refused."""

    model_config = ConfigDict(extra="forbid")
    code: None = None


def create_visit(data: QaVisitIn, user) -> Applied:
    fields = data.dict(exclude={"code"})
    fields["answers"] = [dict(a) for a in fields["answers"]]
    return Applied.of(services.record_visit(user=user, **fields))


def where(payload: dict) -> dict | None:
    """The visited product's polygon, else the visited activity's reference point."""
    product = payload.get("product")
    if isinstance(product, str) and product:
        geom = Product.objects.filter(code=product).values_list("geom", flat=True).first()
        if geom is not None:
            return json.loads(geom.geojson)
    activity = payload.get("activity")
    if isinstance(activity, str) and activity:
        point = Activity.objects.filter(code=activity).values_list("reference_point", flat=True).first()
        if point is not None:
            return json.loads(point.geojson)
    return None


def register() -> None:
    kinds.register(
        kinds.Kind(
            "qa_visit",
            N_("QA visit"),
            {"create": QaVisitIn},
            create_visit,
            "inspecting_organisation",
            where,
            Visit,
            abbreviation="QAV",
        )
    )
