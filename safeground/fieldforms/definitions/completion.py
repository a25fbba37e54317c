"""Completion report (form id `completion`): a land release product with the devices found on it.

Maps to the workbench's ("product", "create") payload, ProductWithDevicesIn: `activity`, `hazard`,
`outcome`, `geometry` from `perimeter` (geoshape → Polygon), `released_on`, `clearance_depth_cm`,
`reported_area_m2`, and `devices`, one per repeat (DeviceIn): `point` (geopoint → Point),
`category`, `model` (the ordnance catalogue's model name, see choices.token), `condition`,
`disposal`, `depth_cm`, `found_on`, `count`, and `photo` (an attachment). `country`, `organisation`
and `team` only narrow the lists.
"""

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q
from safeground.landrelease.models import Product

FORM_ID = "completion"
TITLE = N_("Completion report")
MEDIA = ()


def survey() -> list[Q]:
    return [
        Q("select_one country", "country", N_("Country"), required=True),
        *common.who(team=True, org_payload="", team_payload=""),
        common.code("activity", N_("Activity code")),
        common.code("hazard", N_("Hazard code"), required=False, hint=N_("Empty for ground outside every hazard.")),
        Q("select_one outcome", "outcome", N_("Outcome"), payload="outcome", required=True),
        Q("geoshape", "perimeter", N_("Perimeter of the released land"), payload="geometry", required=True),
        common.date("released_on", N_("Released on")),
        Q(
            "integer",
            "clearance_depth_cm",
            N_("Clearance depth (cm)"),
            payload="clearance_depth_cm",
            constraint=". >= 0 and . <= 1000",
            constraint_message=N_("Enter a depth between 0 and 1,000 cm."),
        ),
        Q(
            "decimal",
            "reported_area_m2",
            N_("Reported area (m²)"),
            hint=N_("As measured by the team; the server computes the area from the perimeter too."),
            payload="reported_area_m2",
            constraint=". > 0",
            constraint_message=N_("Enter an area above 0."),
        ),
        *common.devices(),
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.from_model("outcome", Product.OUTCOME_CHOICES),
        *common.device_choices(),
    ]
