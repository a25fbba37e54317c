"""Choice lists: the models' own choices (translated labels, never the codes) and the programme's data
(countries, organisations, teams with their accredited methods, the ordnance catalogue).

Data lists carry filter columns for `choice_filter`: organisations by `country`, teams by
`organisation`, methods by the organisations accredited for them (`accredited`, space-separated
acronyms, so `selected(accredited, ${organisation})`), ordnance models by `category`.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms.xlsform import Choice
from safeground.gazetteer import queries as gazetteer
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Accreditation, Organisation, Team

YES_NO = [("yes", N_("Yes")), ("no", N_("No"))]


def from_model(list_name: str, pairs, exclude: tuple[str, ...] = ()) -> list[Choice]:
    """A list from Django (value, msgid) pairs: the label is the translated msgid."""
    return [Choice(list_name, value, label) for value, label in pairs if value not in exclude]


def countries() -> list[Choice]:
    return [Choice("country", iso3, gazetteer.country_name(iso3), translate=False) for iso3 in gazetteer.countries()]


def organisations(list_name: str = "organisation", kinds: tuple[str, ...] = ()) -> list[Choice]:
    rows = Organisation.objects.filter(is_active=True).order_by("country", "acronym")
    if kinds:
        rows = rows.filter(kind__in=kinds)
    return [
        Choice(list_name, o.acronym, f"{o.acronym} – {o.name}", translate=False, extra={"country": o.country})
        for o in rows
    ]


def teams() -> list[Choice]:
    rows = Team.objects.select_related("organisation").order_by("organisation__acronym", "code")
    return [
        Choice("team", t.code, t.code, translate=False, extra={"organisation": t.organisation.acronym}) for t in rows
    ]


def accredited_methods(list_name: str, pairs, on: dt.date | None = None) -> list[Choice]:
    """The methods of `pairs`, each with the acronyms of the organisations accredited for it today
    (the server's accreditation gate; an unaccredited pick would be refused at review)."""
    on = on or dt.date.today()
    holders: dict[str, set[str]] = {}
    valid = Accreditation.objects.filter(valid_from__lte=on, valid_until__gte=on)
    for method, acronym in valid.values_list("method", "organisation__acronym"):
        holders.setdefault(method, set()).add(acronym)
    return [
        Choice(list_name, value, label, extra={"accredited": " ".join(sorted(holders.get(value, ())))})
        for value, label in pairs
    ]


def ordnance_models() -> list[Choice]:
    rows = OrdnanceModel.objects.order_by("category", "name").values_list("name", "category")
    # The model's name is the payload's value (DeviceIn.model); choice names must be XML-safe tokens.
    return [Choice("ordnance_model", token(name), name, translate=False, extra={"category": cat}) for name, cat in rows]


def ordnance_model_names() -> dict[str, str]:
    """{choice name: the catalogue's model name}: what a submission's `model` answer stands for."""
    return {token(name): name for name in OrdnanceModel.objects.values_list("name", flat=True)}


def token(text: str) -> str:
    """A choice name for a free text (an ordnance model's name): spaces and slashes become `_`.

    Kept reversible through the choice list itself: the OpenRosa mapping looks the label up."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)
