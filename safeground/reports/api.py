"""`GET /api/v1/reports?country=` (the reports a programme gets) and `GET /api/v1/reports/{report}` (one
report as JSON, or as a PDF, XLSX or CSV file with `format=`). A figure that fails reconciliation is
answered 409, naming it."""

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router

from safeground.core.auth import needs
from safeground.core.schemas import ErrorOut
from safeground.reports import definitions, render
from safeground.reports.build import build, programme_of
from safeground.reports.reconcile import ReconciliationFailed
from safeground.reports.render.json_out import as_json
from safeground.reports.schemas import ReportIn, ReportListIn, ReportListOut, ReportOut

router = Router(tags=["reports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@router.get(
    "",
    response={200: ReportListOut, **ERRORS},
    auth=needs("reports.view_report"),
    summary="The reports a programme gets (from its profile's treaty status)",
)
def list_reports(request, params: Query[ReportListIn]):
    programme = programme_of(params.country)
    return {
        "country": programme.iso3,
        "reports": [
            {"report": d.kind, "title": _(d.title), "description": _(d.description)}
            for d in definitions.applicable(programme)
        ],
    }


@router.get(
    "/{report}",
    response={200: ReportOut, 409: ErrorOut, **ERRORS},
    auth=needs("reports.view_report"),
    summary="One report, reconciled: JSON, or format=pdf|xlsx|csv for the file",
)
def get_report(request, report: str, params: Query[ReportIn]):
    from safeground.core.errors import ValidationFailed
    from safeground.reports.build import check_request

    check_request(report, params.country, params.year, params.lang, params.format)
    try:
        built = build(report, params.country, params.year, params.lang)
    except ReconciliationFailed as exc:
        return 409, {"detail": str(exc), "field": "figures", "reason": "reconciliation"}
    if params.format == "json":
        with translation.override(built.lang):
            return as_json(built)
    if params.format not in render.CONTENT_TYPES:  # check_request allows only these and json
        raise ValidationFailed(f"format must be json, pdf, xlsx or csv; got {params.format!r}", field="format")
    response = HttpResponse(render.render(built, params.format), content_type=render.CONTENT_TYPES[params.format])
    response["Content-Disposition"] = f'attachment; filename="{render.filename(built, params.format)}"'
    return response
