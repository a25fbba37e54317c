"""EORE session (form id `eore`): a risk education session and who it reached, by sex and age.

Maps to eore's SessionIn: `held_on`, `organisation`, `team`, `method`, `point` (geopoint → Point;
mass media and digital sessions may leave it empty), `audience`, `girls`, `boys`, `women`, `men`,
`materials` (text, split on commas into the list), `country` (docs/workbench.md, kind `eore`).
`province`, `district`, `commune`, `village` orient the team.
"""

from django.utils.translation import gettext_noop as N_

from safeground.eore.models import Session
from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q

FORM_ID = "eore"
TITLE = N_("EORE session")
MEDIA = ("provinces.csv", "districts.csv", "communes.csv", "villages.csv")
REMOTE = "${method} = 'mass_media' or ${method} = 'digital'"


def survey() -> list[Q]:
    return [
        *common.where(villages=True, country_payload="country"),
        *common.who(team=True),
        common.date("held_on", N_("Date of the session")),
        Q("select_one method", "method", N_("Method"), payload="method", required=True),
        Q("select_one audience", "audience", N_("Audience"), payload="audience", required=True, default="general"),
        Q("geopoint", "point", N_("Where the session was held"), payload="point", required=f"not({REMOTE})"),
        Q("begin_group", "beneficiaries", N_("People reached"), appearance="field-list"),
        common.count("girls", N_("Girls (under 18)")),
        common.count("boys", N_("Boys (under 18)")),
        common.count("women", N_("Women")),
        Q(
            "integer",
            "men",
            N_("Men"),
            payload="men",
            required=True,
            default="0",
            constraint=". >= 0 and ${girls} + ${boys} + ${women} + . >= 1",
            constraint_message=N_("Enter zero or more; a session reaches at least one person."),
        ),
        Q("end_group"),
        Q(
            "text",
            "materials",
            N_("Materials used"),
            hint=N_("Separate them with commas, e.g. leaflet, poster."),
            payload="materials",
        ),
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.from_model("method", Session.METHOD_CHOICES),
        *choices.from_model("audience", Session.AUDIENCE_CHOICES),
    ]
