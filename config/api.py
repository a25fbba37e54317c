"""The Ninja API: one router per app, mounted under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from django.db import DataError
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError

from safeground.attachments.api import router as attachments_router
from safeground.cooperation.api import router as cooperation_router
from safeground.core.auth import read_auth
from safeground.core.errors import PreconditionRequired, StaleVersion, ValidationFailed
from safeground.core.geometry import GeometryError
from safeground.core.openapi import JSONOnlyParser, LocalSwagger, SafeGroundAPI, UnsupportedMediaType, input_error_body
from safeground.core.ratelimit import RateLimited
from safeground.dashboard.api import router as dashboard_router
from safeground.eore.api import router as eore_router
from safeground.exchange.api import router as exchange_router
from safeground.fieldsync.api import router as fieldsync_router
from safeground.forecast.api import router as forecast_router
from safeground.gazetteer.api import router as gazetteer_router
from safeground.gazetteer.programmes_api import router as programmes_router
from safeground.hazards.api import router as hazards_router
from safeground.imsma.api import router as imsma_router
from safeground.interop.api import router as interop_router
from safeground.interop.quarantine_api import router as quarantine_router
from safeground.landrelease.api import devices_router, products_router
from safeground.landrelease.ledger.api import router as ledger_router
from safeground.library.api import router as library_router
from safeground.museum.api import router as museum_router
from safeground.operations.api import router as activities_router
from safeground.operations.productivity_api import router as productivity_router
from safeground.ordnance.api import router as ordnance_router
from safeground.organisations.api import router as organisations_router
from safeground.qm.api import router as qm_router
from safeground.quality.api import router as quality_router
from safeground.reports.api import router as reports_router
from safeground.tasking.api import priorities_router, requests_router, tasks_router
from safeground.training.api import router as training_router
from safeground.victims.api import router as victims_router
from safeground.workbench.api import router as workbench_router

api = SafeGroundAPI(
    auth=read_auth,  # sign-in (session) or bearer token; public routers say auth=None
    title="SafeGround API",
    version="1",
    docs=LocalSwagger(),  # Swagger UI from static/vendor/, not a CDN
    description="Humanitarian mine action information: hazards, activities, land release, devices, gazetteer.",
    parser=JSONOnlyParser(),
)


@api.exception_handler(InputError)
def input_error(request, exc: InputError):
    """Ninja's refusal of a parameter or body, in the ErrorOut shape (the first error names the field)."""
    return api.create_response(request, input_error_body(exc.errors), status=422)


@api.exception_handler(DataError)
def data_error(request, exc: DataError):
    """Last line of defence: a value the database cannot hold (too long, out of range) is a 422, not a 500.
    The schemas' limits (core.contracts) should catch it first; the transaction has been rolled back."""
    body = {"detail": f"a value does not fit the database: {str(exc).splitlines()[0][:200]}", "reason": "data error"}
    return api.create_response(request, {**body, "field": None}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """A request body that is not JSON (415) or cannot be parsed (400), and Ninja's other HTTP errors."""
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return api.create_response(request, exc.__cause__.as_dict(), status=415)
    if exc.status_code == 400 and exc.__cause__ is not None:  # the body: say why it is not JSON
        cause = str(exc.__cause__).splitlines()[0][:200]
        body = {"detail": f"the request body is not valid JSON: {cause}", "field": "body", "reason": "not json"}
    else:
        body = {"detail": str(exc), "field": None, "reason": ""}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ValidationFailed)
def validation_failed(request, exc: ValidationFailed):
    return api.create_response(request, exc.as_dict(), status=422)


@api.exception_handler(StaleVersion)
def stale_version(request, exc: StaleVersion):
    return api.create_response(request, exc.as_dict(), status=412)


@api.exception_handler(PreconditionRequired)
def precondition_required(request, exc: PreconditionRequired):
    return api.create_response(request, exc.as_dict(), status=428)


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = api.create_response(request, exc.as_dict(), status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(GeometryError)
def geometry_error(request, exc: GeometryError):
    return api.create_response(request, ValidationFailed.from_geometry(exc, field=None).as_dict(), status=422)


api.add_router("/attachments", attachments_router)
api.add_router("/hazards", hazards_router)
api.add_router("/activities", activities_router)
api.add_router("/productivity", productivity_router)
api.add_router("/products", products_router)
api.add_router("/devices", devices_router)
api.add_router("/ledger", ledger_router)
api.add_router("/organisations", organisations_router)
api.add_router("/programmes", programmes_router)
api.add_router("/ordnance-models", ordnance_router)
api.add_router("/interop", interop_router)
api.add_router("/quarantine", quarantine_router)
api.add_router("/quality", quality_router)
api.add_router("/training", training_router)
api.add_router("/victims", victims_router)
api.add_router("/eore", eore_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/forecast", forecast_router)
api.add_router("/reports", reports_router)
api.add_router("/workbench", workbench_router)
api.add_router("/fieldsync", fieldsync_router)
api.add_router("/qm", qm_router)
api.add_router("/cooperation", cooperation_router)
api.add_router("/tasks", tasks_router)
api.add_router("/priorities", priorities_router)
api.add_router("/development-requests", requests_router)
api.add_router("/exchange", exchange_router)
api.add_router("/imsma", imsma_router)
api.add_router("/library", library_router)
api.add_router("/museum", museum_router)
api.add_router("", gazetteer_router)
