"""The dashboard's figures as JSON: `GET /dashboard` (signed in or bearer token) and `GET /dashboard/public`.

Thin: the same `queries.dashboard` as the pages, with every area converted from m² to hectares
(`*_m2` → `*_ha`). The public operation is the aggregate-only variant, open without an account.
"""

from __future__ import annotations

from ninja import Router

from safeground.core.auth import read_auth
from safeground.core.contracts import Year
from safeground.core.errors import ValidationFailed
from safeground.dashboard import queries
from safeground.dashboard.schemas import Dashboard, PublicDashboard

router = Router(tags=["dashboard"])

HA_DECIMALS = 4  # 1 m²


def in_hectares(value):
    """A copy of `value` (dicts, lists, numbers) with every `<name>_m2` key turned into `<name>_ha`."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.endswith("_m2") and isinstance(item, int | float):
                out[key.removesuffix("_m2") + "_ha"] = round(item / 10_000, HA_DECIMALS)
            else:
                out[key] = in_hectares(item)
        return out
    if isinstance(value, list):
        return [in_hectares(v) for v in value]
    return value


def _figures(year: int | None, country: str | None, public: bool) -> dict:
    try:
        year_value = queries.check_year(year)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="year") from exc
    try:
        country_value = queries.check_country(country)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="country") from exc
    return in_hectares(queries.dashboard(year_value, country_value, public=public))


@router.get(
    "",
    response=Dashboard,
    auth=read_auth,  # [BearerToken(), SessionAuth()]
    url_name="dashboard",
    summary="Dashboard figures: remaining contamination, land released, devices destroyed",
)
def dashboard(request, year: Year | None = None, country: str | None = None):
    """`year` (default: the current one) selects the released land and the devices; `country`: the ISO3 of a programme
    or empty for all. Areas in hectares. Includes the open hazards with the most ground left (codes)."""
    return _figures(year, country, public=False)


@router.get(
    "/public",
    response=PublicDashboard,
    auth=None,
    url_name="dashboard-public",
    summary="Public dashboard figures (aggregates only)",
)
def public_dashboard(request, year: Year | None = None, country: str | None = None):
    """The same figures without any record code: safe to publish. Areas in hectares."""
    return _figures(year, country, public=True)
