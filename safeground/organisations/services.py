"""Writes for accreditation and personnel, and the accreditation rule (IMAS 07.30).

The rule: work with a method on a date needs the organisation accredited for that method on that
date, and every dog or rat doing it accredited too. `accreditation_gaps` says what is missing, in words
a user can act on; `require_accreditation` refuses with those words.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import columns, versions
from safeground.core.contracts import check_code
from safeground.core.errors import BulkError, ValidationFailed
from safeground.core.history import record_author
from safeground.organisations.models import (
    ACCREDITATION_METHODS,
    Accreditation,
    AnimalAccreditation,
    Asset,
    Certification,
    Organisation,
    Personnel,
    Suspension,
    Team,
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
    gaps += suspension_gaps(organisation, methods, on, teams=teams, assets=assets)
    return gaps


def in_force(on: dt.date):
    """Suspensions in force on `on`: begun on or before it and not lifted by then."""
    return Suspension.objects.filter(suspended_on__lte=on).filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=on))


def suspension_gaps(organisation: Organisation, methods: list[str], on: dt.date, teams=(), assets=()) -> list[str]:
    """The suspensions that stop this work on `on`: the organisation's for one of `methods`, a team's,
    or an asset's (the teams' own assets included), each naming what suspended it (its `reference`)."""
    needed = {ACCREDITATION_FOR.get(m, m) for m in methods} | set(methods)
    team_ids = [t.pk for t in teams]
    asset_ids = [a.pk for a in assets] + [a.pk for t in teams for a in t.assets.all()]
    rows = (
        in_force(on)
        .filter(Q(organisation=organisation, method__in=needed) | Q(team_id__in=team_ids) | Q(asset_id__in=asset_ids))
        .select_related("team", "asset", "organisation")
        .order_by("suspended_on", "reference")
    )
    return [_suspended_words(row) for row in rows]


def _suspended_words(row: Suspension) -> str:
    return f"{row.target_label} is suspended by {row.reference} since {row.suspended_on.isoformat()} ({row.reason})"


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


def suspension_gaps_many(work: list[tuple]) -> list[list[str]]:
    """`suspension_gaps` for many rows at once (bulk writes), in two queries: each row is
    (organisation id, methods, date, team ids); the answer is each row's gaps, in the same words."""
    org_ids = {w[0] for w in work}
    team_ids = {t for w in work for t in w[3]}
    assets: dict = {}
    for team_id, asset_id in Asset.objects.filter(team_id__in=team_ids).values_list("team_id", "id"):
        assets.setdefault(team_id, set()).add(asset_id)
    asset_ids = {a for group in assets.values() for a in group}
    rows = list(
        Suspension.objects.filter(Q(organisation_id__in=org_ids) | Q(team_id__in=team_ids) | Q(asset_id__in=asset_ids))
        .select_related("team", "asset", "organisation")
        .order_by("suspended_on", "reference")
    )
    out = []
    for org_id, methods, on, teams in work:
        needed = {ACCREDITATION_FOR.get(m, m) for m in methods} | set(methods)
        mine = set(teams)
        own_assets = {a for t in teams for a in assets.get(t, ())}
        out.append(
            [
                _suspended_words(row)
                for row in rows
                if row.suspended_on <= on
                and (row.lifted_on is None or on < row.lifted_on)
                and (
                    (row.organisation_id == org_id and row.method in needed)
                    or row.team_id in mine
                    or row.asset_id in own_assets
                )
            ]
        )
    return out


def require_accreditation(organisation, methods, on, teams=(), assets=(), field: str = "methods") -> None:
    gaps = accreditation_gaps(organisation, methods, on, teams=teams, assets=assets)
    if gaps:
        raise ValidationFailed("Not accredited: " + "; ".join(gaps) + ".", field=field, reason="not_accredited")


@transaction.atomic
def suspend(
    *,
    reference: str,
    reason: str,
    on: dt.date,
    team: Team | None = None,
    asset: Asset | None = None,
    organisation: Organisation | None = None,
    method: str = "",
    user=None,
) -> Suspension:
    """Suspend one team, one asset, or an organisation's work with one method from `on` until `lift`."""
    targets = [x for x in (team, asset, organisation) if x is not None]
    if len(targets) != 1:
        raise ValidationFailed("suspend one team, one asset, or one organisation for a method", field="team")
    if organisation is not None and method not in METHOD_LABELS:
        raise ValidationFailed(
            f"name the method suspended: one of {', '.join(METHOD_LABELS)}", field="method", reason="required"
        )
    if organisation is None and method:
        raise ValidationFailed("a method is suspended for an organisation only", field="method")
    if not reference.strip() or len(reference) > 40:
        raise ValidationFailed("a suspension needs a reference of at most 40 characters", field="reference")
    row = Suspension(
        team=team,
        asset=asset,
        organisation=organisation,
        method=method,
        reference=reference.strip(),
        reason=reason.strip()[:300],
        suspended_on=on,
    )
    if user is not None:
        record_author(row, user)
    row.save()
    return row


@transaction.atomic
def lift(reference: str, on: dt.date, reason: str = "", user=None) -> int:
    """Lift every suspension in force that `reference` made, from `on` (not before it began)."""
    lifted = 0
    for row in Suspension.objects.select_for_update().filter(reference=reference, lifted_on__isnull=True):
        row.lifted_on = max(on, row.suspended_on)
        row.lifted_reason = reason.strip()[:300]
        if user is not None:
            record_author(row, user)
        row.save()
        lifted += 1
    return lifted


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
    check_code(code)
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
    check_code(code)
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


#: What an edit may change: corrections, conditions, and a shortened period (a suspension or withdrawal
#: by the authority ends the accreditation on that date). A renewal is a new row (`renew`).
ACCREDITATION_FIELDS = ("issuing_authority", "valid_from", "valid_until", "conditions")
ANIMAL_ACCREDITATION_FIELDS = ("issuing_authority", "valid_from", "valid_until", "tests_passed", "handler")


def find_accreditation(code: str, *, lock: bool = False) -> Accreditation | AnimalAccreditation | None:
    """An organisation's or an animal's accreditation by its code (codes are unique across both)."""
    for model in (Accreditation, AnimalAccreditation):
        qs = model.objects.select_for_update() if lock else model.objects.all()
        found = qs.filter(code=code).first()
        if found is not None:
            return found
    return None


@transaction.atomic
def edit_accreditation(code: str, expected_version: int | None = None, **changes):
    """Correct an accreditation, change its conditions, or end it early (a shorter `valid_until`: the
    authority suspended or withdrew it). Fields left out stay; a refused change writes nothing.
    `expected_version`: the version the change was made to (`StaleVersion` when it is older)."""
    accreditation = find_accreditation(code, lock=True)
    if accreditation is None:
        raise ValidationFailed(
            _("no %(what)s %(code)s") % {"what": "accreditation", "code": repr(code)}, field="code", reason="not found"
        )
    animal = isinstance(accreditation, AnimalAccreditation)
    allowed = ANIMAL_ACCREDITATION_FIELDS if animal else ACCREDITATION_FIELDS
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("unknown field %(field)s (can change: %(allowed)s)")
            % {"field": unknown[0], "allowed": ", ".join(allowed)},
            field=unknown[0],
            reason="unknown",
        )
    for name, value in changes.items():
        if name == "handler" and isinstance(accreditation, AnimalAccreditation):
            handler = Personnel.objects.filter(code=value).first() if value else None
            if value and handler is None:
                raise ValidationFailed(
                    _("no %(what)s %(code)s") % {"what": "person", "code": repr(value)},
                    field="handler",
                    reason="not found",
                )
            accreditation.handler = handler
        elif name == "tests_passed" and isinstance(accreditation, AnimalAccreditation):
            if not value:
                raise ValidationFailed("name the tests the animal passed", field="tests_passed", reason="required")
            accreditation.tests_passed = [str(t).strip() for t in value]
        else:
            setattr(accreditation, name, value.strip() if isinstance(value, str) else value)
    _check_dates(accreditation.valid_from, accreditation.valid_until)
    columns.refuse(
        [
            p
            for p in columns.instances(type(accreditation), [accreditation], "accreditation", "code")
            if p.field != "code"
        ],
        single=True,
    )
    versions.advance(accreditation, expected_version, f"accreditation {accreditation.code}")
    accreditation.save()
    return accreditation


# ------------------------------------------------------------------------------------------------
# Bulk writes (the demo, migrations): the single writes' checks on every row, then set-based inserts
# ------------------------------------------------------------------------------------------------


def _bulk_insert(model, objs: list, problems: list, reason: str) -> int:
    """Refuse when a row has a problem (nothing written); otherwise insert the rows and, for models with
    history, their "created" history rows beside them (these tables carry no batch, decision 0015)."""
    columns.refuse(problems)
    model._default_manager.bulk_create(objs, batch_size=2000)
    if hasattr(model, "history"):
        model.history.bulk_history_create(
            objs, batch_size=2000, default_change_reason=reason[:100] or None, default_date=timezone.now()
        )
    return len(objs)


@transaction.atomic
def bulk_create_organisation_structure(organisations: list, teams: list, assets: list) -> dict[str, int]:
    """Write many organisations, their teams and the teams' assets (unsaved model instances) at once.

    Every row gets the checks a form would make (choices, required fields, lengths, unique acronyms,
    codes and identifiers, existing parents); any problem refuses the whole write, naming the row.
    """
    written = {
        "organisations": _bulk_insert(
            Organisation, organisations, columns.instances(Organisation, organisations, "organisation", "acronym"), ""
        )
    }
    written["teams"] = _bulk_insert(Team, teams, columns.instances(Team, teams, "team"), "")
    written["assets"] = _bulk_insert(Asset, assets, columns.instances(Asset, assets, "asset", "identifier"), "")
    return written


@transaction.atomic
def bulk_accredit_organisations(accreditations: list, reason: str = "") -> int:
    """Write many organisation accreditations (unsaved `Accreditation`s) with `accredit_organisation`'s checks."""
    problems = columns.instances(Accreditation, accreditations, "accreditation")
    problems += columns.dates_in_order(accreditations, "valid_from", "valid_until", "accreditation")
    return _bulk_insert(Accreditation, accreditations, problems, reason)


@transaction.atomic
def bulk_accredit_animals(accreditations: list, reason: str = "") -> int:
    """Write many animal accreditations (unsaved `AnimalAccreditation`s) with `accredit_animal`'s checks:
    dogs and rats only, the tests passed named, valid_until not before valid_from."""
    problems = columns.instances(AnimalAccreditation, accreditations, "animal accreditation")
    problems += columns.dates_in_order(accreditations, "valid_from", "valid_until", "animal accreditation")
    kinds = columns.lookup(Asset, "id", [a.asset_id for a in accreditations], "kind")
    for i, a in enumerate(accreditations):
        kind = kinds.get(a.asset_id)
        if kind is not None and kind not in ("dog", "rat"):
            problems.append(
                BulkError(
                    i + 1,
                    "asset",
                    str(a.asset_id),
                    f"animal accreditation {a.code}: the asset is a {kind}: only dogs and rats get one",
                    "not_an_animal",
                )
            )
        if not a.tests_passed:
            problems.append(
                BulkError(
                    i + 1, "tests_passed", "", f"animal accreditation {a.code}: name the tests passed", "required"
                )
            )
    return _bulk_insert(AnimalAccreditation, accreditations, problems, reason)


@transaction.atomic
def bulk_create_personnel(people: list, reason: str = "") -> int:
    """Write many staff records (unsaved `Personnel`), checked like a form's, with their "created" history."""
    return _bulk_insert(Personnel, people, columns.instances(Personnel, people, "person"), reason)


def delete_synthetic_credentials() -> dict[str, int]:
    """Remove the synthetic accreditations, certifications and personnel with their history (demo rebuild).

    The only hard delete of these tables, limited to `is_synthetic` rows: they never described anything
    real, so set-based DELETEs, children first, with no per-row signals and no "deleted" history rows.
    Run after the rows that point at personnel (training, progress reports) are gone.
    """
    counts: dict[str, int] = {}
    for model in (AnimalAccreditation, Certification, Personnel, Accreditation):
        qs = model.objects.filter(is_synthetic=True)
        counts[str(model._meta.verbose_name_plural)] = qs._raw_delete(qs.db)
        if hasattr(model, "history"):
            h = model.history.model.objects.filter(is_synthetic=True)
            counts[f"{model._meta.model_name} history"] = h._raw_delete(h.db)
    return counts


def delete_synthetic_structure() -> dict[str, int]:
    """Remove the synthetic assets, teams and organisations (the demo's rebuild), after the rows that
    point at them (activities, hazards, credentials) are gone.

    The only hard delete of these tables, limited to `is_synthetic` rows. Through Django's collector:
    what cascades from them goes too, what they are SET_NULL on is cleared, and a real record that
    PROTECTs one makes the rebuild fail rather than lose it.
    """
    counts: dict[str, int] = {}
    for model in (Asset, Team, Organisation):
        for label, n in model.objects.filter(is_synthetic=True).delete()[1].items():
            counts[label] = counts.get(label, 0) + n
    return counts


def delete_synthetic_suspensions() -> int:
    """Remove the synthetic suspensions and their history (the demo's rebuild; `is_synthetic` rows only),
    before the synthetic teams and organisations they point at."""
    qs = Suspension.objects.filter(is_synthetic=True)
    n = qs._raw_delete(qs.db)
    h = Suspension.history.model.objects.filter(is_synthetic=True)
    h._raw_delete(h.db)
    return n


def mark_suspensions_synthetic(references: list[str]) -> int:
    """Flag the demo's suspensions (made through `suspend`, so checked like any other) as synthetic."""
    Suspension.history.model.objects.filter(reference__in=references).update(is_synthetic=True)
    return Suspension.objects.filter(reference__in=references).update(is_synthetic=True)


# ------------------------------------------------------------------ a person's sign-in


@transaction.atomic
def link_account(personnel: Personnel, user, *, by=None, reason: str | None = None) -> Personnel:
    """Link a person to their sign-in, so that their qualifications (an EOD certification) count for it.

    Refused when the account is already some person's (one sign-in, one person) or the person already
    has another account (unlink it first): a qualification must never follow the wrong account."""
    person = Personnel.objects.select_for_update().get(pk=personnel.pk)
    holder = Personnel.objects.filter(account=user).exclude(pk=person.pk).first()
    if holder is not None:
        raise ValidationFailed(
            _("the account %(user)s is already linked to %(code)s")
            % {"user": user.get_username(), "code": holder.code},
            field="account",
            reason="taken",
        )
    if person.account is not None and person.account_id != user.pk:
        raise ValidationFailed(
            _("%(code)s is already linked to the account %(user)s: unlink it first")
            % {"code": person.code, "user": person.account.get_username()},
            field="account",
            reason="linked",
        )
    person.account = user
    record_author(person, by, reason or "link account")
    person.save(update_fields=["account"])
    personnel.account = user
    return person


@transaction.atomic
def unlink_account(personnel: Personnel, *, by=None, reason: str | None = None) -> Personnel:
    """Remove a person's sign-in (their qualifications no longer count for any account)."""
    person = Personnel.objects.select_for_update().get(pk=personnel.pk)
    if person.account_id is None:
        raise ValidationFailed(
            _("%(code)s has no linked account") % {"code": person.code}, field="account", reason="none"
        )
    person.account = None
    record_author(person, by, reason or "unlink account")
    person.save(update_fields=["account"])
    personnel.account = None
    return person
