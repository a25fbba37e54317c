"""Progress report (form id `progress`): a team's daily or weekly work on an activity.

Maps to the workbench's ("progress", "create") payload, ProgressSubmissionIn, field for field:
`activity`, `team`, `date`, `period`, `method` (filtered on the organisation's accreditations),
`area_m2`, `days_worked`, `searchers`, `hours_per_day`, `assets_deployed`, `devices_found`,
`terrain`, `vegetation`, `soil_metal`, `weather`, `stoppage_hours`, `stoppages`, `hazard`.
`country` and `organisation` only narrow the team and method lists.
"""

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q
from safeground.operations.models import (
    METHOD_CHOICES,
    SOIL_METAL_CHOICES,
    TERRAIN_CHOICES,
    VEGETATION_CHOICES,
    WEATHER_CHOICES,
    ProgressReport,
)

FORM_ID = "progress"
TITLE = N_("Progress report")
MEDIA = ()


def _number(name: str, label: str, constraint: str, message: str, default: str = "", kind: str = "decimal") -> Q:
    return Q(
        kind,
        name,
        label,
        payload=name,
        required=True,
        constraint=constraint,
        constraint_message=message,
        default=default,
    )


def survey() -> list[Q]:
    return [
        Q("select_one country", "country", N_("Country"), required=True),
        *common.who(team=True, team_required=True, org_payload=""),
        common.code("activity", N_("Activity code")),
        common.code("hazard", N_("Hazard code"), required=False),
        common.date("date", N_("Date"), payload="date"),
        Q("select_one period", "period", N_("Period"), payload="period", required=True, default="daily"),
        Q(
            "select_one method",
            "method",
            N_("Method"),
            payload="method",
            required=True,
            choice_filter="selected(accredited, ${organisation})",
        ),
        _number("area_m2", N_("Area searched (m²)"), ". >= 0", common.NOT_NEGATIVE_MSG),
        _number(
            "days_worked",
            N_("Days worked"),
            ". > 0 and . <= 7",
            N_("Enter more than 0 and up to 7 days."),
            default="1",
        ),
        _number("searchers", N_("Searchers"), ". >= 0", common.NOT_NEGATIVE_MSG, kind="integer"),
        _number(
            "hours_per_day",
            N_("Hours of search per searcher per day"),
            ". > 0 and . <= 24",
            N_("Enter more than 0 and up to 24 hours."),
        ),
        common.count("assets_deployed", N_("Dogs, rats or machines working")),
        common.count("devices_found", N_("Devices found")),
        Q("select_one terrain", "terrain", N_("Terrain"), payload="terrain", required=True),
        Q("select_one vegetation", "vegetation", N_("Vegetation"), payload="vegetation", required=True),
        Q("select_one soil_metal", "soil_metal", N_("Metal in the soil"), payload="soil_metal", required=True),
        Q("select_one weather", "weather", N_("Weather"), payload="weather"),
        _number("stoppage_hours", N_("Hours stopped"), ". >= 0", common.NOT_NEGATIVE_MSG, default="0"),
        common.note("stoppages", N_("Why work stopped")),
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.from_model("period", ProgressReport.PERIOD_CHOICES),
        *choices.accredited_methods("method", METHOD_CHOICES),
        *choices.from_model("terrain", TERRAIN_CHOICES),
        *choices.from_model("vegetation", VEGETATION_CHOICES),
        *choices.from_model("soil_metal", SOIL_METAL_CHOICES),
        *choices.from_model("weather", WEATHER_CHOICES),
    ]
