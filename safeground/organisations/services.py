"""Writes for accreditation and personnel, and the accreditation rule (IMAS 07.30).

The rule: work with a method on a date needs the organisation accredited for that method on that
date, and every dog or rat doing it accredited too. `accreditation_gaps` says what is missing, in words
a user can act on; `require_accreditation` refuses with those words.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safeground.core.errors import ValidationFailed
from safeground.organisations.models import (
    ACCREDITATION_METHODS,
    Accreditation,
    AnimalAccreditation,
    Asset,
    Organisation,
    Personnel,
)

METHOD_LABELS = dict(ACCREDITATION_METHODS)
#: The accreditation an activity method needs (REST is screened by accredited rats).
ACCREDITATION_FOR = {"rest": "mdr"}
#: Methods whose animals need their own accreditation.
ANIMAL_METHODS = {"mdd": "dog", "mdr": "rat", "rest": "rat"}


def _valid(qs, on: dt.date):
    return qs.filter(valid_from__lte=on, valid_until__gte=on)


def accreditation_gaps(organisation: Organisation, methods: list[str], on: dt.date, teams=(), assets=()) -> list[str]:
    """What is missing for `organisation` (and these teams' or assets' animals) to work with `methods` on `on`."""
    gaps = []
    held = set(_valid(organisation.accreditations.all(), on).values_list("method", flat=True))
    for method in methods:
        needed = ACCREDITATION_FOR.get(method, method)
        if needed not in held:
            last = organisation.accreditations.filter(method=needed).order_by("-valid_until").first()
            why = (
                f" (last one {last.code} expired on {last.valid_until.isoformat()})"
                if last and last.valid_until < on
                else ""
            )
            gaps.append(
                f"{organisation.acronym} holds no valid accreditation for {METHOD_LABELS.get(needed, needed)} "
                f"on {on.isoformat()}{why}"
            )
    animals = {ANIMAL_METHODS[m] for m in methods if m in ANIMAL_METHODS}
    if animals:
        pool = list(assets) + [a for t in teams for a in t.assets.all()]
        gaps += animal_gaps([a for a in pool if a.kind in animals], on)
    return gaps


def animal_gaps(assets: list[Asset], on: dt.date) -> list[str]:
    gaps = []
    valid = set(_valid(AnimalAccreditation.objects.filter(asset__in=assets), on).values_list("asset_id", flat=True))
    for asset in sorted({a.pk: a for a in assets}.values(), key=lambda a: a.identifier):
        if asset.pk in valid:
            continue
        last = asset.accreditations.order_by("-valid_until").first()
        if last and last.valid_until < on:
            why = f": accreditation {last.code} expired on {last.valid_until.isoformat()}"
        elif last:
            why = f": accreditation {last.code} starts on {last.valid_from.isoformat()}"
        else:
            why = ": never accredited"
        label = asset.get_kind_display().lower()
        gaps.append(
            f"{label} {asset.identifier}{f' ({asset.name})' if asset.name else ''} "
            f"is not accredited on {on.isoformat()}{why}"
        )
    return gaps


def require_accreditation(organisation, methods, on, teams=(), assets=(), field: str = "methods") -> None:
    gaps = accreditation_gaps(organisation, methods, on, teams=teams, assets=assets)
    if gaps:
        raise ValidationFailed("Not accredited: " + "; ".join(gaps) + ".", field=field, reason="not_accredited")


def _check_dates(valid_from: dt.date, valid_until: dt.date) -> None:
    if valid_until < valid_from:
        raise ValidationFailed(
            f"valid_until {valid_until.isoformat()} is before valid_from {valid_from.isoformat()}",
            field="valid_until",
            reason="dates_reversed",
        )


def _next_code(model, prefix: str) -> str:
    n = model.objects.filter(code__startswith=prefix).count() + 1
    while model.objects.filter(code=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


@transaction.atomic
def accredit_organisation(
    organisation: Organisation,
    method: str,
    valid_from: dt.date,
    valid_until: dt.date,
    issuing_authority: str,
    conditions: str = "",
    code: str | None = None,
) -> Accreditation:
    if method not in METHOD_LABELS:
        raise ValidationFailed(
            f"unknown method {method!r}; choose one of {', '.join(METHOD_LABELS)}", field="method", reason="unknown"
        )
    _check_dates(valid_from, valid_until)
    code = code or _next_code(Accreditation, f"{organisation.acronym}-ACC-{method.upper()}-")
    return Accreditation.objects.create(
        code=code,
        organisation=organisation,
        method=method,
        valid_from=valid_from,
        valid_until=valid_until,
        issuing_authority=issuing_authority,
        conditions=conditions,
    )


@transaction.atomic
def accredit_animal(
    asset: Asset,
    valid_from: dt.date,
    valid_until: dt.date,
    issuing_authority: str,
    tests_passed: list[str],
    handler: Personnel | None = None,
    code: str | None = None,
) -> AnimalAccreditation:
    if asset.kind not in ("dog", "rat"):
        raise ValidationFailed(
            f"{asset.identifier} is a {asset.kind}: only dogs and rats get an animal accreditation",
            field="asset",
            reason="not_an_animal",
        )
    if not tests_passed:
        raise ValidationFailed("name the tests the animal passed", field="tests_passed", reason="required")
    _check_dates(valid_from, valid_until)
    code = code or _next_code(AnimalAccreditation, f"{asset.identifier}-ACC-")
    return AnimalAccreditation.objects.create(
        code=code,
        asset=asset,
        handler=handler,
        tests_passed=list(tests_passed),
        valid_from=valid_from,
        valid_until=valid_until,
        issuing_authority=issuing_authority,
    )


@transaction.atomic
def renew(accreditation, valid_until: dt.date, valid_from: dt.date | None = None):
    """Renewal after re-testing: a new period that starts the day after the last one ends (or `valid_from`).

    A new row, not an edit, so the record of when the organisation or animal was *not* accredited
    stays true for activities in the gap.
    """
    start = valid_from or (accreditation.valid_until + dt.timedelta(days=1))
    if isinstance(accreditation, AnimalAccreditation):
        return accredit_animal(
            accreditation.asset,
            start,
            valid_until,
            accreditation.issuing_authority,
            accreditation.tests_passed,
            handler=accreditation.handler,
        )
    return accredit_organisation(
        accreditation.organisation,
        accreditation.method,
        start,
        valid_until,
        accreditation.issuing_authority,
        accreditation.conditions,
    )
