"""EOD spot task (form id `eod`): a call-out to one spot, the items found there and what was done.

Maps to the workbench's ("eod", "create") payload, EodIn (docs/workbench.md), field for field:
`point` (geopoint → Point, the spot), `found_on` (the day of the task), `organisation`, `teams` (from
`team`, one code → a list of one), `hazard` (a recorded hazard the spot lies in; empty: a point hazard
is recorded with `contamination_type`, `radius_m`, `name`), and `devices`, one per repeat (SpotDeviceIn):
`category`, `disposal`, `point` (empty: the spot's), `model` (the catalogue's name, see choices.token),
`condition`, `depth_cm`, `count`. `photo` is an attachment of the device, not a payload field;
`country`, `province`, `district`, `commune`, `village` only orient the team and narrow the lists.
"""

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q
from safeground.hazards.models import CONTAMINATION_CHOICES

FORM_ID = "eod"
TITLE = N_("EOD spot task")
MEDIA = ("provinces.csv", "districts.csv", "communes.csv", "villages.csv")
NO_HAZARD = "${hazard} = ''"


def survey() -> list[Q]:
    devices = common.devices(found_on=False)
    for q in devices:
        if q.name == "point":  # a device found at the spot itself needs no point of its own
            q.required, q.label = False, N_("Where the device was found, if not at the spot")
    return [
        *common.where(villages=True),
        *common.who(team=True, team_required=True, team_payload="teams[]"),
        common.date("found_on", N_("Date of the task"), payload="found_on"),
        Q("geopoint", "point", N_("Spot"), payload="point", required=True),
        common.code(
            "hazard",
            N_("Hazard code, if the spot lies in a recorded hazard"),
            required=False,
            hint=N_("Leave empty: a point hazard is recorded at the spot."),
        ),
        Q(
            "select_one contamination_type",
            "contamination_type",
            N_("Contamination"),
            payload="contamination_type",
            relevant=NO_HAZARD,
            default="uxo",
        ),
        Q(
            "decimal",
            "radius_m",
            N_("Radius (m)"),
            payload="radius_m",
            relevant=NO_HAZARD,
            constraint=". > 0 and . <= 10000",
            constraint_message=N_("Enter a radius above 0 and up to 10,000 m."),
        ),
        Q("text", "name", N_("Name of the place"), payload="name", relevant=NO_HAZARD),
        *devices,
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.from_model("contamination_type", CONTAMINATION_CHOICES),
        *common.device_choices(),
    ]
