"""EOD spot task (form id `eod`): a call-out to one spot, the items found there and what was done.

Field names follow the devices of the completion report (DeviceIn) so the EOD spot task's workbench
kind can take them as they are: `organisation`, `team`, `task_date` (the day of the call-out), `point`
(geopoint → Point, the spot), `reported_by` (who called: a role, not a name), `devices` (repeat of
DeviceIn: `point`, `category`, `model`, `condition`, `disposal`, `depth_cm`, `count`, `photo`;
`found_on` is `task_date`), `hazard_suspected` ("yes" proposes a hazard around the spot) and `remarks`.
"""

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q

FORM_ID = "eod"
TITLE = N_("EOD spot task")
MEDIA = ("provinces.csv", "districts.csv", "communes.csv", "villages.csv")
CALLERS = [
    ("community", N_("Community member")),
    ("authority", N_("Local authority")),
    ("police", N_("Police or military")),
    ("operator", N_("Demining operator")),
    ("other", N_("Other")),
]


def survey() -> list[Q]:
    return [
        *common.where(villages=True),
        *common.who(team=True, team_required=True),
        common.date("task_date", N_("Date of the task")),
        Q("geopoint", "point", N_("Spot"), payload="point", required=True),
        Q("select_one caller", "reported_by", N_("Reported by"), payload="reported_by"),
        *common.devices(found_on=False),
        Q(
            "select_one yes_no",
            "hazard_suspected",
            N_("Is more contamination suspected around the spot?"),
            payload="hazard_suspected",
            required=True,
            default="no",
        ),
        common.note("remarks", N_("Remarks")),
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.from_model("caller", CALLERS),
        *choices.from_model("yes_no", choices.YES_NO),
        *common.device_choices(),
    ]
