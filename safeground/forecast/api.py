"""`GET /api/v1/forecast`: the completion forecast (queries.forecast_all), runs bounded to MOST_RUNS."""

from ninja import Query, Router

from safeground.core.auth import needs
from safeground.core.schemas import ErrorOut
from safeground.forecast import queries
from safeground.forecast.schemas import ForecastIn, ForecastOut

router = Router(tags=["forecast"])


@router.get(
    "",
    response={200: ForecastOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("forecast.view_forecast"),
    summary="Completion forecast: P10/P50/P90 dates per province and country, capacity needed for the target",
    by_alias=True,
)
def forecast(request, params: Query[ForecastIn]):
    return {"forecasts": queries.forecast_all(**params.dict())}
