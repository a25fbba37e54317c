"""Field-sync API: the laptop's packages and items; the national server's offices and imports, a
package's import and a receipt's application. Files travel as base64 in JSON (`package`, `receipt`)."""

from __future__ import annotations

import base64
import binascii

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from safeground.core.auth import needs
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut
from safeground.fieldsync import queries, services

router = Router(tags=["fieldsync"])
MANAGE = "fieldsync.manage_fieldsync"
MAX_B64 = 90_000_000  # about 64 MB once decoded


class FieldPackageIn(Schema):
    package: str = Field(max_length=MAX_B64, description="The .sgx file, base64")


class FieldReceiptIn(Schema):
    receipt: str = Field(max_length=MAX_B64, description="The receipt .sgx file, base64")


def _bytes(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(f"{name} must be the file in base64", field=name, reason="format") from exc


def _item(i) -> dict:
    return {
        "item": i.item_id,
        "kind": i.kind,
        "action": i.action,
        "local_code": i.local_code,
        "target_code": i.target_code or None,
        "version": i.version,
        "base_version": i.base_version,
        "status": i.status,
        "submission": i.submission_code or None,
        "comment": i.comment,
        "national_code": i.national_code or None,
        "package": i.package.code,
    }


def _import(row, items: bool = False) -> dict:
    out = {
        "code": row.code,
        "office": row.office.code,
        "package_id": row.package_id,
        "sequence": row.sequence,
        "signer": row.signer,
        "imported_at": row.created_at.isoformat(),
        "submitted": row.submitted,
        "refused": row.refused,
    }
    if items:
        out["manifest"] = row.manifest
        out["items"] = [
            {
                "item": r["item"].item_id,
                "kind": r["item"].kind,
                "action": r["item"].action,
                "local_code": r["item"].local_code,
                "target_code": r["item"].target_code or None,
                "base_version": r["item"].base_version,
                "current_version": r["current_version"],
                "conflict": r["conflict"],
                "status": r["status"],
                "submission": r["submission"].code if r["submission"] else None,
                "refusal": r["item"].refusal,
            }
            for r in queries.imported_items(row)
        ]
    return out


@router.get("/packages", response=dict, auth=needs("fieldsync.view_syncpackage"), summary="This office's packages")
def list_packages(request):
    """The laptop's side: its identity, the packages it sent and every item's status from the receipts."""
    office = queries.local_office()
    return {
        "office": None
        if office is None
        else {
            "code": office.code,
            "organisation": office.organisation,
            "baseline_at": office.baseline_at.isoformat(),
            "server_fingerprint": office.server_fingerprint or None,
            "last_receipt_at": office.last_receipt_at.isoformat() if office.last_receipt_at else None,
        },
        "packages": [
            {"code": p.code, "package_id": p.package_id, "since": p.since.isoformat(), "cutoff": p.cutoff.isoformat()}
            for p in queries.packages()[:200]
        ],
        "items": [_item(i) for i in queries.items()[:1000]],
    }


@router.post(
    "/receipts", response={200: dict, 403: ErrorOut, 422: ErrorOut}, auth=needs(MANAGE), summary="Apply a receipt"
)
def apply_receipt(request, body: FieldReceiptIn):
    """Verify a receipt with the trusted server key and record each item's status (the same receipt
    again, or an older one, changes nothing and says so)."""
    result = services.apply_receipt(_bytes(body.receipt, "receipt"), user=request.user)
    return {"status": result.status, "changed": result.changed, "message": result.message}


@router.get("/offices", response=dict, auth=needs(MANAGE), summary="Registered field offices")
def list_offices(request):
    return {
        "items": [
            {
                "code": o.code,
                "name": o.name,
                "organisation": o.organisation.acronym,
                "fingerprint": o.fingerprint,
                "account": o.account.get_username(),
            }
            for o in queries.offices()
        ]
    }


@router.get("/imports", response=dict, auth=needs(MANAGE), summary="Packages imported from field offices")
def list_imports(request):
    return {"items": [_import(i) for i in queries.imports()[:500]]}


@router.get("/imports/{code}", response=dict, auth=needs(MANAGE), summary="One imported package")
def get_import(request, code: str):
    """The package's manifest and each item with its submission, status and conflict flag."""
    return _import(get_object_or_404(queries.imports(), code=code), items=True)


@router.post(
    "/imports",
    response={200: dict, 201: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs(MANAGE),
    summary="Import a field office's package",
)
def import_package(request, body: FieldPackageIn):
    """Verify it against the registered offices' keys (422 naming why: nothing written) and submit its
    items to the workbench. 201 with what was made; 200 when the same package was already imported."""
    result = services.import_package(_bytes(body.package, "package"), user=request.user)
    out = {**_import(result.sync_import, items=True), "created": result.created, "message": result.message}
    return Status(201 if result.created else 200, out)
