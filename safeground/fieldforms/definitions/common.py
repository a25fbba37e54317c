"""Question blocks several forms share: where (country and the gazetteer cascade), who (organisation,
team) and the devices found (a repeat). Field names follow the workbench/API payloads."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.xlsform import Choice, Q
from safeground.landrelease.models import Device
from safeground.ordnance.models import CATEGORY_CHOICES

NOT_FUTURE = ". <= today()"
NOT_FUTURE_MSG = N_("The date cannot be in the future.")
NOT_NEGATIVE = ". >= 0"
NOT_NEGATIVE_MSG = N_("Enter zero or more.")
CODE = "regex(., '^[A-Za-z0-9][A-Za-z0-9._-]*$')"
CODE_MSG = N_("A code has letters, digits, '-', '_' and '.', and starts with a letter or digit.")


def date(name: str, label: str, payload: str = "", required: bool = True) -> Q:
    return Q(
        "date",
        name,
        label,
        payload=payload or name,
        required=required,
        constraint=NOT_FUTURE,
        constraint_message=NOT_FUTURE_MSG,
        default="today()" if required else "",
    )


def count(name: str, label: str, payload: str = "", hint: str = "", required: bool = True) -> Q:
    return Q(
        "integer",
        name,
        label,
        hint=hint,
        payload=payload or name,
        required=required,
        constraint=NOT_NEGATIVE,
        constraint_message=NOT_NEGATIVE_MSG,
        default="0" if required else "",
    )


def code(name: str, label: str, hint: str = "", required: bool = True, payload: str = "") -> Q:
    return Q(
        "text",
        name,
        label,
        hint=hint,
        payload=payload or name,
        required=required,
        constraint=CODE,
        constraint_message=CODE_MSG,
    )


#: Villages of the levels chosen so far (a country without communes still lists its villages).
VILLAGE_FILTER = (
    "country=${country} and province=${province} and (${district} = '' or district=${district})"
    " and (${commune} = '' or commune=${commune})"
)


def where(levels: int = 3, villages: bool = False, country_payload: str = "") -> list[Q]:
    """Country, then province → district → commune (→ village) from the gazetteer's CSV media.
    The areas are for the field team's orientation: the server derives them from the geometry."""
    rows = [
        Q("select_one country", "country", N_("Country"), payload=country_payload, required=True),
        Q(
            "select_one_from_file provinces.csv",
            "province",
            N_("Province"),
            choice_filter="country=${country}",
        ),
    ]
    if levels >= 2:
        rows.append(
            Q(
                "select_one_from_file districts.csv",
                "district",
                N_("District"),
                choice_filter="country=${country} and province=${province}",
            )
        )
    if levels >= 3:
        rows.append(
            Q(
                "select_one_from_file communes.csv",
                "commune",
                N_("Commune"),
                choice_filter="country=${country} and district=${district}",
            )
        )
    if villages:
        rows.append(
            Q(
                "select_one_from_file villages.csv",
                "village",
                N_("Village"),
                choice_filter=VILLAGE_FILTER,
            )
        )
    return rows


def who(
    team: bool = True, team_required: bool = False, org_payload: str = "organisation", team_payload: str = "team"
) -> list[Q]:
    """The organisation (of the chosen country) and one of its teams; an empty payload: the question only
    narrows the lists below it."""
    rows = [
        Q(
            "select_one organisation",
            "organisation",
            N_("Organisation"),
            payload=org_payload,
            required=True,
            choice_filter="country=${country}",
        )
    ]
    if team:
        rows.append(
            Q(
                "select_one team",
                "team",
                N_("Team"),
                payload=team_payload,
                required=team_required,
                choice_filter="organisation=${organisation}",
            )
        )
    return rows


def who_choices(team: bool = True) -> list[Choice]:
    return [*choices.countries(), *choices.organisations(), *(choices.teams() if team else [])]


def devices(found_on: bool = True) -> list[Q]:
    """The devices found, one repeat each (DeviceIn): where, what, its condition and what was done."""
    rows = [
        Q("begin_repeat", "devices", N_("Device found"), payload="devices"),
        Q("geopoint", "point", N_("Where the device was found"), payload="devices[].point", required=True),
        Q("select_one category", "category", N_("Category"), payload="devices[].category", required=True),
        Q(
            "select_one ordnance_model",
            "model",
            N_("Model"),
            hint=N_("From the ordnance catalogue; leave empty when not identified."),
            payload="devices[].model",
            choice_filter="category=${category}",
        ),
        Q(
            "select_one condition",
            "condition",
            N_("Condition"),
            payload="devices[].condition",
            required=True,
            default="unknown",
        ),
        Q("select_one disposal", "disposal", N_("Disposal"), payload="devices[].disposal", required=True),
        Q(
            "integer",
            "depth_cm",
            N_("Depth (cm)"),
            payload="devices[].depth_cm",
            constraint=". >= 0 and . <= 1000",
            constraint_message=N_("Enter a depth between 0 and 1,000 cm."),
        ),
        Q(
            "integer",
            "count",
            N_("Number of items"),
            hint=N_("More than 1 for grouped finds, such as submunitions."),
            payload="devices[].count",
            required=True,
            default="1",
            constraint=". >= 1",
            constraint_message=N_("Enter 1 or more."),
        ),
    ]
    if found_on:
        rows.append(date("found_on", N_("Date found"), payload="devices[].found_on"))
    rows += [
        Q("image", "photo", N_("Photo of the device"), payload="devices[].photo", parameters="max-pixels=2048"),
        Q("end_repeat"),
    ]
    return rows


def device_choices() -> list[Choice]:
    return [
        *choices.from_model("category", CATEGORY_CHOICES),
        *choices.from_model("condition", Device.CONDITION_CHOICES),
        *choices.from_model("disposal", Device.DISPOSAL_CHOICES),
        *choices.ordnance_models(),
    ]


def note(name: str, label: str) -> Q:
    return Q("text", name, label, payload=name, appearance="multiline")
