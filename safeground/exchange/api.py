"""Exchange API (/api/v1/exchange): partners' keys, redaction policies, exports made, partner packages
(verify, import, review) and the comparison with a partner."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from safeground.core.auth import needs
from safeground.core.contracts import AnyDate, Country
from safeground.core.errors import ValidationFailed
from safeground.core.packages import PackageRefused
from safeground.core.schemas import ErrorOut
from safeground.exchange import queries, services
from safeground.exchange.schemas import (
    ExchangeComparisonOut,
    ExchangeExportIn,
    ExchangeExportOut,
    ExchangeImportOut,
    ExchangeKeyIn,
    ExchangeKeyOut,
    ExchangeKeysOut,
    ExchangePackageOut,
    ExchangePolicyIn,
    ExchangePolicyOut,
    ExchangeRefusedOut,
    ExchangeVerifyOut,
)

router = Router(tags=["exchange"])
MAX_UPLOAD = services.MAX_PACKAGE_BYTES


def _key(k) -> dict:
    return {
        "partner": k.partner.code,
        "fingerprint": k.fingerprint,
        "public_key": k.public_key,
        "registered_at": k.registered_at,
        "revoked_at": k.revoked_at,
    }


@router.get("/keys", response=ExchangeKeysOut, summary="This installation's key and the partners' keys")
def list_keys(request):
    own = queries.own_key_summary()
    return {
        "own": {k: own[k] for k in ("fingerprint", "public_key", "problem")},
        "keys": [_key(k) for k in queries.keys()],
    }


@router.post(
    "/keys",
    response={201: ExchangeKeyOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("exchange.add_partnerkey"),
    summary="Register a partner's public key",
)
def add_key(request, payload: ExchangeKeyIn):
    return Status(201, _key(services.trust_key(partner=payload.partner, key=payload.key, user=request.user)))


@router.post(
    "/keys/{fingerprint}/revoke",
    response={200: ExchangeKeyOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("exchange.change_partnerkey"),
    summary="Revoke a partner's key",
)
def revoke_key(request, fingerprint: str):
    return _key(services.revoke_key(fingerprint[:64], user=request.user))


@router.get("/policies", response=list[ExchangePolicyOut], summary="Redaction policies, built-in and custom")
def list_policies(request):
    return queries.policy_list()


@router.post(
    "/policies",
    response={201: ExchangePolicyOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("exchange.add_redactionpolicy"),
    summary="Add a custom redaction policy (or its next version)",
)
def add_policy(request, payload: ExchangePolicyIn):
    row = services.add_policy(payload.text, user=request.user)
    return Status(201, next(p for p in queries.policy_list() if p["name"] == row.name))


@router.get("/exports", response=list[ExchangeExportOut], summary="Packages this installation made for partners")
def list_exports(request):
    return [
        {
            "id": str(e.id),
            "partner": e.partner.code,
            "programme": e.programme,
            "period_from": e.period_from,
            "period_to": e.period_to,
            "policy": e.policy_name,
            "policy_version": e.policy_version,
            "counts": e.counts,
            "package_id": e.package_id,
            "file_name": e.file_name,
            "signer": e.signer,
            "created_at": e.created_at,
        }
        for e in queries.exports()[:500]
    ]


@router.post(
    "/exports",
    response={403: ErrorOut, 422: ErrorOut},
    auth=needs("exchange.add_exportlog"),
    summary="Make a signed package for a partner and download it (logged as the CLI's export is)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The signed package (.sgx), as an attachment",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def make_export(request, payload: ExchangeExportIn):
    """The same export as `safeground exchange export`: 422 names the field (partner, policy, programme,
    date_to, key: this installation has no signing key yet, and the message says how to make one)."""
    log, data = services.export_download(
        partner=payload.partner,
        policy=payload.policy,
        programme=payload.programme,
        date_from=payload.date_from,
        date_to=payload.date_to,
        user=request.user,
        library=payload.library,
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{log.file_name}"'
    response["X-Package-Id"] = log.package_id
    response["Cache-Control"] = "no-store"
    return response


@router.get("/packages", response=list[ExchangePackageOut], summary="Partner packages imported here")
def list_packages(request):
    return [queries.dataset_summary(d) for d in queries.datasets()[:500]]


@router.get("/packages/{package}", response={200: ExchangePackageOut, 404: ErrorOut}, summary="One imported package")
def get_package(request, package: str):
    try:
        found = queries.dataset(uuid.UUID(package))
    except ValueError:
        found = None
    if found is None:
        raise Http404(f"no imported package {package}")
    return queries.dataset_summary(found)


def _upload(file: UploadedFile) -> bytes:
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationFailed("the package is larger than this installation accepts", field="file", reason="too large")
    return file.read()


@router.post(
    "/verify",
    response={200: ExchangeVerifyOut, 403: ErrorOut, 422: ExchangeRefusedOut},
    auth=needs("exchange.add_partnerdataset"),
    summary="Check a partner's package (signature, checksums, schema) without loading it",
)
def verify_package(request, file: File[UploadedFile]):
    try:
        return queries.verify(_upload(file))
    except PackageRefused as exc:
        return Status(422, {"detail": str(exc), "refused": True})


@router.post(
    "/packages",
    response={200: ExchangeImportOut, 201: ExchangeImportOut, 403: ErrorOut, 422: ExchangeRefusedOut},
    auth=needs("exchange.add_partnerdataset"),
    summary="Import a partner's package, read-only (the same package twice: 200, nothing done)",
)
def import_package(request, file: File[UploadedFile]):
    try:
        dataset, created = services.import_package(_upload(file), file_name=file.name or "", user=request.user)
    except PackageRefused as exc:
        return Status(422, {"detail": str(exc), "refused": True})
    message = "imported" if created else "already imported: nothing done"
    return Status(
        201 if created else 200, {"created": created, "message": message, "package": queries.dataset_summary(dataset)}
    )


@router.get(
    "/compare/{partner}",
    response={200: ExchangeComparisonOut, 422: ErrorOut},
    summary="Our figures and a partner's side by side",
)
def compare(
    request,
    partner: str,
    programme: Country | None = None,
    date_from: AnyDate | None = None,
    date_to: AnyDate | None = None,
):
    """Productivity by method, cost per m², release mix, devices per hectare and accident rates: ours
    from the live records of `programme` (default: this installation's), the partner's from its latest
    imported package, each with its source, period and the policy's limits. Our side covers
    `date_from`–`date_to`; without either, the partner package's period (like with like), else all."""
    return queries.comparison(partner[:30], programme, date_from, date_to)
