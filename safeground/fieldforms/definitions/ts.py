"""Technical survey (form id `ts`): the ground a TS team searched on a hazard, what it reduced or
confirmed, and the devices it found.

Maps to two workbench payloads. ("product", "create") — ProductWithDevicesIn: `activity`, `hazard`,
`outcome` "reduced" (fixed), `geometry` from `reduced_area` (geoshape → Polygon), `released_on`,
`clearance_depth_cm` from `search_depth_cm`, and `devices` (the repeat; same fields as the
completion report's). When `confirmed` is "yes", ("hazard", "update") — HazardPatch on `hazard`:
`hazard_class` "CHA" and `geometry` from `confirmed_area`. `method` is the accredited method used
(filtered on the organisation's accreditations) and `remarks` (free text) are for the reviewer, not
payload fields; `country`, `organisation` and `team` narrow the lists.
"""

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q
from safeground.operations.models import METHOD_CHOICES

FORM_ID = "ts"
TITLE = N_("Technical survey")
MEDIA = ()


def survey() -> list[Q]:
    return [
        Q("select_one country", "country", N_("Country"), required=True),
        *common.who(team=True, team_required=True, org_payload="", team_payload=""),
        common.code("activity", N_("Activity code"), hint=N_("As on the task order, e.g. the activity's code.")),
        common.code("hazard", N_("Hazard code"), hint=N_("The hazard surveyed.")),
        common.date("released_on", N_("Survey completed on")),
        Q(
            "select_one method",
            "method",
            N_("Method"),
            required=True,
            choice_filter="selected(accredited, ${organisation})",
        ),
        Q(
            "geoshape",
            "reduced_area",
            N_("Area reduced"),
            hint=N_("The ground searched and found free of explosive ordnance."),
            payload="geometry",
            required=True,
        ),
        Q(
            "integer",
            "search_depth_cm",
            N_("Search depth (cm)"),
            payload="clearance_depth_cm",
            constraint=". >= 0 and . <= 1000",
            constraint_message=N_("Enter a depth between 0 and 1,000 cm."),
        ),
        Q("select_one yes_no", "confirmed", N_("Was contamination confirmed?"), required=True, default="no"),
        Q(
            "geoshape",
            "confirmed_area",
            N_("Confirmed hazardous area"),
            payload="hazard update: geometry (hazard_class CHA)",
            required=True,
            relevant="${confirmed} = 'yes'",
        ),
        *common.devices(),
        Q("text", "remarks", N_("Remarks"), appearance="multiline"),
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.accredited_methods("method", METHOD_CHOICES),
        *choices.from_model("yes_no", choices.YES_NO),
        *common.device_choices(),
    ]
