"""QA visit (form id `qa_visit`, only where the qm app is installed): a QA/QC visit with its checklist.

Maps to qm's VisitIn: `visit_type`, `inspecting_organisation`, `visited_on`, `inspector` (the
inspector's name: staff doing their job, not a victim's personal data), `activity`, `product`, `team`,
`inspected_organisation`, `findings`, `template`, and `answers`: for each item of the chosen template
the question `<template>__<item>` (yes/no/na) and `<template>__<item>__remark` give
{"item": item, "answer": …, "remark": …}. The checklists are qm's templates, one group per template
shown when it is chosen; their item texts are data (translated when the catalogue has them).
"""

from django.apps import apps
from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q

FORM_ID = "qa_visit"
TITLE = N_("QA visit")
MEDIA = ()


def available() -> bool:
    return apps.is_installed("safeground.qm")


def _templates():
    from safeground.qm.models import ChecklistTemplate

    return list(ChecklistTemplate.objects.prefetch_related("items").order_by("-is_default", "key"))


def question(template: str, item: str) -> str:
    """The question name of a template's item (XML names: `-` of slugs becomes `_`)."""
    return f"{template}__{item}".replace("-", "_")


def survey() -> list[Q]:
    templates = _templates()
    rows = [
        Q("select_one country", "country", N_("Country"), required=True),
        Q(
            "select_one organisation",
            "inspecting_organisation",
            N_("Inspecting organisation"),
            payload="inspecting_organisation",
            required=True,
            choice_filter="country=${country}",
        ),
        Q(
            "select_one organisation",
            "inspected_organisation",
            N_("Inspected organisation"),
            payload="inspected_organisation",
            choice_filter="country=${country}",
        ),
        Q(
            "select_one team",
            "team",
            N_("Team"),
            payload="team",
            choice_filter="organisation=${inspected_organisation}",
        ),
        Q("select_one visit_type", "visit_type", N_("Type of visit"), payload="visit_type", required=True),
        common.date("visited_on", N_("Date of the visit")),
        Q("text", "inspector", N_("Inspector"), payload="inspector", required=True),
        common.code("activity", N_("Activity code"), required=False),
        common.code("product", N_("Product code"), required=False, hint=N_("For a post-clearance inspection.")),
        Q(
            "select_one template",
            "template",
            N_("Checklist"),
            payload="template",
            required=bool(templates),
            default=templates[0].key if templates else "",
        ),
    ]
    for t in templates:
        rows.append(Q("begin_group", t.key.replace("-", "_"), t.name, relevant=f"${{template}} = '{t.key}'"))
        for item in t.items.all():
            name = question(t.key, item.key)
            rows.append(Q("select_one answer", name, item.text, payload="answers[].answer", required=True))
            rows.append(Q("text", f"{name}__remark", N_("Remark"), payload="answers[].remark"))
        rows.append(Q("end_group"))
    rows.append(common.note("findings", N_("Findings")))
    return rows


def choice_lists() -> list[Choice]:
    from safeground.qm.models import ChecklistAnswer, Visit

    return [
        *choices.countries(),
        *choices.organisations(),
        *choices.teams(),
        *choices.from_model("visit_type", Visit.TYPE_CHOICES),
        *choices.from_model("answer", ChecklistAnswer.ANSWER_CHOICES),
        *[Choice("template", t.key, t.name) for t in _templates()],
    ]


def data_labels() -> set[str]:
    """Labels that are data (template names, item texts): the Khmer check skips them."""
    out = set()
    for t in _templates():
        out.add(t.name)
        out.update(item.text for item in t.items.all())
    return out
