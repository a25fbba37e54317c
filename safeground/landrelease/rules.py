"""Rules a record must meet wherever it enters, at one severity: the workbench's review and the data
quality report (`/quality/`) ask the same questions here and get the same answer.

Each rule looks at plain values (a date, two country codes, an area) and says what is wrong, or
nothing. Must-fix findings block a workbench approval unless an IM officer overrides them with a
reason; advisory ones are for a person to look at. The importer refuses the same future dates row by
row (`interop.importers.common`).

Here, below hazards, operations and land release's apps that use them, rather than in `quality`
(whose sibling `workbench` may not import it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

MUST_FIX = "must_fix"
ADVISORY = "advisory"
#: Percentile of a programme's recorded hazard areas above which a new area is worth a second look.
AREA_PERCENTILE = 99.9
#: Fewer recorded hazards than this: the percentile says nothing yet.
AREA_MIN_SAMPLE = 100


@dataclass(frozen=True)
class RuleFinding:
    check: str  # the data quality check id (quality.findings.CHECKS)
    severity: str
    message: str


def future_date(value: dt.date | None, what: str, today: dt.date | None = None) -> RuleFinding | None:
    """A date that has not come yet (a survey, a release, a find): a typing error, never a plan."""
    today = today or dt.date.today()
    if value is None or value <= today:
        return None
    return RuleFinding(
        "future-date",
        MUST_FIX,
        _("%(what)s %(date)s is in the future (today is %(today)s)")
        % {"what": what, "date": value.isoformat(), "today": today.isoformat()},
    )


def organisation_country(organisation: str, organisation_country: str, country: str | None) -> RuleFinding | None:
    """An organisation works in its programme's country: a record of it elsewhere is filed in the wrong
    programme, or drawn in the wrong place."""
    if not country or not organisation_country or organisation_country == country:
        return None
    return RuleFinding(
        "organisation-country",
        MUST_FIX,
        _("%(organisation)s works in %(own)s, but the geometry lies in %(country)s")
        % {"organisation": organisation, "own": organisation_country, "country": country},
    )


def max_hazard_area_m2() -> float:
    """The largest hazard area taken without question (SAFEGROUND_MAX_HAZARD_AREA_KM2, 100 km² by default)."""
    return float(settings.SAFEGROUND_MAX_HAZARD_AREA_KM2) * 1e6


def area_percentile(areas) -> float | None:
    """The programme's 99.9th percentile of hazard areas (m², NaN ignored), if it has enough hazards
    (AREA_MIN_SAMPLE) for one to mean something."""
    areas = np.asarray(areas, dtype=float)
    areas = areas[np.isfinite(areas)]
    if len(areas) < AREA_MIN_SAMPLE:
        return None
    return float(np.percentile(areas, AREA_PERCENTILE))


def implausible_area(area_m2: float, percentile_m2: float | None) -> RuleFinding | None:
    """A hazard larger than the set limit (must fix), or larger than all but 0.1 % of the programme's
    recorded hazards (`percentile_m2`, advisory)."""
    limit = max_hazard_area_m2()
    if area_m2 > limit:
        return RuleFinding(
            "implausible-area",
            MUST_FIX,
            _("the area is %(area)s, above the limit of %(limit)s for one hazard")
            % {"area": format_area(area_m2), "limit": format_area(limit)},
        )
    if percentile_m2 is not None and area_m2 > percentile_m2:
        return RuleFinding(
            "implausible-area",
            ADVISORY,
            _("the area is %(area)s, larger than 99.9 %% of the programme's recorded hazards (%(p)s)")
            % {"area": format_area(area_m2), "p": format_area(percentile_m2)},
        )
    return None


def format_area(m2: float) -> str:
    """An area as people read it: m² below a hectare, ha below 10 km², km² above."""
    from django.utils.formats import number_format

    if m2 < 10_000:
        return f"{number_format(round(m2), 0, force_grouping=True)} m²"
    if m2 < 10_000_000:
        return f"{number_format(m2 / 10_000, 2, force_grouping=True)} ha"
    return f"{number_format(m2 / 1e6, 2, force_grouping=True)} km²"
