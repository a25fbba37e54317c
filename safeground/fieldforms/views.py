"""The field forms page (/fieldforms/): every form's versions, with the XLSForm, the XForm and the media
files to download, for IM officers who load them into ODK Central or onto devices."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safeground.core.access import page
from safeground.fieldforms import queries

DOWNLOAD = "fieldforms.download_fieldforms"
TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xml": "application/xml; charset=utf-8",
}


@page(DOWNLOAD)
def home(request: HttpRequest) -> HttpResponse:
    rows = queries.versions()
    media = queries.media_by_version([r.pk for r in rows])
    forms: dict[str, list] = {}
    for row in rows:
        forms.setdefault(row.form_id, []).append({"row": row, "media": media.get(row.pk, [])})
    return render(request, "fieldforms/home.html", {"forms": forms})


def _version(form_id: str, version: str):
    row = queries.version(form_id, version)
    if row is None:
        raise Http404(f"no version {version} of the form {form_id}")
    return row


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page(DOWNLOAD)
def download(request: HttpRequest, form_id: str, version: str, kind: str) -> HttpResponse:
    if kind not in TYPES:
        raise Http404(f"no {kind} download: xlsx or xml")
    row = _version(form_id, version)
    content = bytes(row.xlsform) if kind == "xlsx" else row.xform
    return _attachment(content, TYPES[kind], f"{form_id}-{version}.{kind}")


@page(DOWNLOAD)
def media(request: HttpRequest, form_id: str, version: str, filename: str) -> HttpResponse:
    item = queries.media_file(_version(form_id, version), filename)
    if item is None:
        raise Http404(f"no media file {filename} in {form_id} {version}")
    return _attachment(bytes(item.content), "text/csv; charset=utf-8", filename)
