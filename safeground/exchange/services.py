"""Every write of the exchange app: keys, policies, exports made, partner packages imported.

Imports write only the exchange app's own tables (PartnerDataset, PartnerFeature, PartnerFigure):
never a national record, so no national total can move. A refused package writes nothing. A package
carrying the partner's reference library adds a library import (library.merging.receive) that waits
for a person to confirm each model on the library's merge page: the library itself changes only then.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.cooperation.models import Partner
from safeground.core import packages
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.exchange import package as exchange_package
from safeground.exchange import policies, queries
from safeground.exchange.models import (
    ExportLog,
    PartnerDataset,
    PartnerFeature,
    PartnerFigure,
    PartnerKey,
    RedactionPolicy,
)
from safeground.gazetteer.models import Programme
from safeground.library import merging as library_merging

MAX_PACKAGE_BYTES = 512 * 1024**2


def _partner(code: str) -> Partner:
    code = (code or "").strip().upper()
    partner = Partner.objects.filter(code=code).first()
    if partner is None:
        raise ValidationFailed(
            _("no partner %(code)s: register it in the cooperation register first") % {"code": repr(code)},
            field="partner",
            reason="unknown",
        )
    return partner


# --- keys -----------------------------------------------------------------------------------------


def keygen(directory: Path | None = None) -> tuple[Path, Path, str]:
    """This installation's key pair (core.packages.generate_key), by default where own_key() reads it."""
    target = Path(directory) if directory else packages.own_key_path().parent
    name = packages.own_key_path().stem if directory is None else "signing-key"
    return packages.generate_key(target, name)


def read_key_text(text: str) -> str:
    """The one-line public key from a file's text or the line itself; ValidationFailed names the problem."""
    try:
        return packages.public_text(packages.read_public(text))
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="key", reason="invalid") from exc


def trust_key(*, partner: str, key: str, user=None) -> PartnerKey:
    """Register a partner's public key; packages it signs are accepted from now on."""
    found = _partner(partner)
    line = read_key_text(key)
    fingerprint = packages.fingerprint(packages.read_public(line))
    with transaction.atomic():
        existing = PartnerKey.objects.filter(fingerprint=fingerprint).first()
        if existing is not None:
            raise ValidationFailed(
                _("key %(fingerprint)s is already registered for %(partner)s")
                % {"fingerprint": fingerprint, "partner": existing.partner.code},
                field="key",
                reason="duplicate",
            )
        row = PartnerKey(partner=found, public_key=line, fingerprint=fingerprint, registered_by=user)
        record_author(row, user)
        row.save()
    return row


def revoke_key(fingerprint: str, *, user=None) -> PartnerKey:
    """Stop trusting a key; packages already imported stay, new ones signed by it are refused."""
    with transaction.atomic():
        row = PartnerKey.objects.select_for_update().filter(fingerprint=(fingerprint or "").strip()).first()
        if row is None:
            raise ValidationFailed(
                _("no registered key %(fingerprint)s") % {"fingerprint": repr(fingerprint)},
                field="fingerprint",
                reason="unknown",
            )
        if row.revoked_at is not None:
            raise ValidationFailed(
                _("key %(fingerprint)s was revoked on %(when)s")
                % {"fingerprint": row.fingerprint, "when": row.revoked_at.date().isoformat()},
                field="fingerprint",
                reason="revoked",
            )
        row.revoked_at, row.revoked_by = timezone.now(), user
        record_author(row, user)
        row.save()
    return row


# --- policies -------------------------------------------------------------------------------------


def add_policy(text: str, *, user=None) -> RedactionPolicy:
    """A custom policy from YAML/JSON text; the same name again makes its next version."""
    rules = policies.parse(text)
    if rules["name"] in policies.BUILTIN:
        raise ValidationFailed(
            _("%(name)s is a built-in policy; choose another name") % {"name": rules["name"]},
            field="name",
            reason="duplicate",
        )
    with transaction.atomic():
        row = RedactionPolicy.objects.select_for_update().filter(name=rules["name"]).first()
        if row is None:
            row = RedactionPolicy(name=rules["name"], created_by=user)
        else:
            row.version += 1
        row.description, row.rules = rules["description"], rules
        record_author(row, user)
        row.save()
    return row


# --- export ---------------------------------------------------------------------------------------


def export_package(
    *,
    partner: str,
    policy: str,
    out: Path,
    programme: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user=None,
    library: bool = False,
) -> ExportLog:
    """Write a signed package of `programme` for `partner` under `policy` to `out` (with the reference
    library when `library`), and log it."""
    data, log = _make(partner, policy, programme, date_from, date_to, user, Path(out).name, library)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    packages.save(out, data)
    log.save()
    return log


def _make(
    partner, policy, programme, date_from, date_to, user, file_name: str, library: bool = False
) -> tuple[bytes, ExportLog]:
    """The signed package's bytes and its log entry (not yet saved: the caller saves it once the
    package is where it goes). Every refusal names its field; nothing is written."""
    recipient = _partner(partner)
    rules, version = queries.policy_rules(policy)
    country = (programme or queries.default_programme() or "").strip().upper()
    if not Programme.objects.filter(iso3=country).exists():
        raise ValidationFailed(
            _("no programme %(code)s here") % {"code": repr(country)}, field="programme", reason="unknown"
        )
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(_("the period ends before it starts"), field="date_to", reason="invalid")
    try:
        key = packages.own_key()
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="key", reason="missing") from exc
    signer = packages.fingerprint(key.public_key())
    if Path(file_name).suffix.lower() != ".sgx":
        raise ValidationFailed(_("a package's file name ends in .sgx"), field="out", reason="invalid")
    manifest, members = exchange_package.build(
        country=country,
        rules=rules,
        policy_version=version,
        recipient={"code": recipient.code, "name": recipient.name},
        signer=signer,
        date_from=date_from,
        date_to=date_to,
        library=library,
    )
    data = packages.build(manifest, members, key)
    log = ExportLog(
        partner=recipient,
        programme=country,
        period_from=date_from,
        period_to=date_to,
        policy_name=rules["name"],
        policy_version=version,
        policy_rules=manifest["policy"]["rules"],
        counts={name: meta["rows"] for name, meta in manifest["layers"].items()},
        package_id=packages.package_id(data),
        file_name=file_name,
        signer=signer,
        created_by=user,
    )
    return data, log


def download_name(programme: str, partner: str, day: dt.date | None = None) -> str:
    """`xtl-for-xpa-2026-12-05.sgx`: the programme, the partner and the day it was made."""
    slug = lambda text: re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"  # noqa: E731
    return f"{slug(programme)}-for-{slug(partner)}-{(day or timezone.localdate()).isoformat()}.sgx"


def export_download(
    *,
    partner: str,
    policy: str,
    programme: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user=None,
    library: bool = False,
) -> tuple[ExportLog, bytes]:
    """The package as bytes, for the page's and the API's download: made and logged as the CLI's
    `export_package` makes and logs it."""
    country = (programme or queries.default_programme() or "").strip().upper()
    name = download_name(country, _partner(partner).code)
    data, log = _make(partner, policy, country, date_from, date_to, user, name, library)
    log.save()
    return log, data


# --- import ---------------------------------------------------------------------------------------


def import_package(data: bytes, *, file_name: str = "", user=None) -> tuple[PartnerDataset, bool]:
    """Load a partner's package read-only: (the dataset, True) or, when imported before, (it, False).

    PackageRefused (nothing written) for a tampered, unsigned or unknown-signer package, or one whose
    schema or layers do not match its manifest.
    """
    if len(data) > MAX_PACKAGE_BYTES:
        raise packages.PackageRefused(_("the package is larger than this installation accepts"))
    package_id = packages.package_id(data)
    known = PartnerDataset.objects.filter(package_id=package_id).first()
    if known is not None:
        return known, False
    package, read = exchange_package.check(data, queries.trusted_keys())
    m = package.manifest
    key = PartnerKey.objects.select_related("partner").get(fingerprint=package.signer)
    period = m.get("period") or {}

    def _date(value):
        try:
            return dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None

    def _when(value):
        try:
            return dt.datetime.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None

    with transaction.atomic():
        if PartnerDataset.objects.select_for_update().filter(package_id=package_id).exists():
            return PartnerDataset.objects.get(package_id=package_id), False
        dataset = PartnerDataset.objects.create(
            package_id=package_id,
            partner=key.partner,
            key=key,
            programme=str(m["programme"].get("country", ""))[:3],
            programme_name=str(m["programme"].get("name", ""))[:200],
            period_from=_date(period.get("from")),
            period_to=_date(period.get("to")),
            exported_at=_when(m.get("created_at")),
            manifest=m,
            file_name=file_name[:300],
            imported_by=user,
        )
        features, figures_ = [], []
        for name, layer in sorted(read.items()):
            if layer["wkb"] is None:
                figures_ += [PartnerFigure(dataset=dataset, table=name, row=row) for row in layer["rows"]]
                continue
            for row, wkb in zip(layer["rows"], layer["wkb"], strict=True):
                geom = GEOSGeometry(memoryview(wkb), srid=4326) if wkb is not None else None
                features.append(PartnerFeature(dataset=dataset, layer=name, properties=row, geom=geom))
        PartnerFeature.objects.bulk_create(features, batch_size=2000)
        PartnerFigure.objects.bulk_create(figures_, batch_size=2000)
        bundle = exchange_package.library_bundle(package)
        if bundle is not None:
            library_merging.receive(
                bundle,
                source=(file_name or f"package {package_id[:12]}")[:290] + " (library)",
                programme=dataset.programme_name,
                partner=key.partner.code,
                user=user,
            )
    return dataset, True
