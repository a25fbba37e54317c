"""Accident report (form id `accident`), WITHOUT personal data: no names, identities, birth dates or
addresses of victims, only counts (docs/victims-and-privacy.md). Victims are registered one by one
later, by a victim assistance officer, never from a field form.

Maps to victims' AccidentIn: `point` (geopoint → Point), `occurred_on`, `occurred_on_precision`,
`occurred_time`, `accident_type`, `device_category`, `device_model` (the catalogue's name), `hazard`,
`organisation`, `activity` (demining accidents), `victim_activity`, `country`, and
`reported_casualties` from the ten counts `killed_men` … `injured_unknown` (victims' CASUALTY_COUNTS).
"""

from django.utils.translation import gettext_noop as N_

from safeground.core.dates import PRECISION_CHOICES
from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q
from safeground.victims.models import ACTIVITY_CHOICES, CASUALTY_GROUPS, DEVICE_CATEGORY_CHOICES, Accident

FORM_ID = "accident"
TITLE = N_("Accident report")
MEDIA = ("provinces.csv", "districts.csv", "communes.csv", "villages.csv")
GROUP_LABELS = {
    "men": N_("Men"),
    "women": N_("Women"),
    "boys": N_("Boys (under 18)"),
    "girls": N_("Girls (under 18)"),
    "unknown": N_("Sex or age not known"),
}
OUTCOMES = {"killed": N_("People killed"), "injured": N_("People injured")}


def _casualties() -> list[Q]:
    rows = []
    for outcome, label in OUTCOMES.items():
        rows.append(Q("begin_group", outcome, label, appearance="field-list"))
        rows += [
            common.count(f"{outcome}_{g}", GROUP_LABELS[g], payload=f"reported_casualties.{outcome}_{g}")
            for g in CASUALTY_GROUPS
        ]
        rows.append(Q("end_group"))
    return rows


def survey() -> list[Q]:
    return [
        Q(
            "note",
            "privacy",
            N_("Record no names or other personal details of the people involved: only how many."),
        ),
        *common.where(villages=True, country_payload="country"),
        Q("geopoint", "point", N_("Where the accident happened"), payload="point", required=True),
        common.date("occurred_on", N_("Date of the accident")),
        Q(
            "select_one precision",
            "occurred_on_precision",
            N_("How much of the date is known?"),
            payload="occurred_on_precision",
            required=True,
            default="day",
        ),
        Q("time", "occurred_time", N_("Time, if known"), payload="occurred_time"),
        Q("select_one accident_type", "accident_type", N_("Type of accident"), payload="accident_type", required=True),
        Q(
            "select_one device_category",
            "device_category",
            N_("Device category"),
            payload="device_category",
            required=True,
            default="unknown",
        ),
        Q(
            "select_one ordnance_model",
            "device_model",
            N_("Device model"),
            payload="device_model",
            choice_filter="category=${device_category}",
        ),
        Q(
            "select_one victim_activity",
            "victim_activity",
            N_("What were the people doing?"),
            payload="victim_activity",
            required=True,
            default="unknown",
        ),
        Q(
            "select_one organisation",
            "organisation",
            N_("Reporting organisation"),
            payload="organisation",
            choice_filter="country=${country}",
        ),
        common.code("hazard", N_("Hazard code, if known"), required=False),
        common.code(
            "activity",
            N_("Activity code"),
            required=False,
            hint=N_("For a demining accident: the activity the team was working on."),
        ),
        *_casualties(),
    ]


def choice_lists() -> list[Choice]:
    return [
        *choices.countries(),
        *choices.organisations(),
        *choices.from_model("precision", PRECISION_CHOICES),
        *choices.from_model("accident_type", Accident.TYPE_CHOICES),
        *choices.from_model("device_category", DEVICE_CATEGORY_CHOICES),
        *choices.from_model("victim_activity", ACTIVITY_CHOICES),
        *choices.ordnance_models(),
    ]
