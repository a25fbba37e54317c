"""The headline figures as the dashboard pages show them: the signed-in and public dashboards and the
public landing page (`portal/landing.py`) format them here and draw them with `dashboard/_headline.html`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from safeground.dashboard import charts, queries

OUTCOME_NAMES = {
    "cancelled": gettext_lazy("Cancelled"),
    "reduced": gettext_lazy("Reduced"),
    "cleared": gettext_lazy("Cleared"),
}


def figures(data: dict) -> dict:
    """The headline cards' figures from `queries.dashboard`'s answer (areas formatted, counts as numbers)."""
    remaining, hazards = data["remaining"]["total"], data["hazards"]
    released, devices = data["released"]["total"], data["devices"]["total"]
    head_released = charts.unit_for(released["released_m2"])
    return {
        "remaining": charts.area(remaining["remaining_m2"]),
        # Beside the unique figure: the plain sum over the hazards and the ground they share.
        "remaining_sum": charts.area(remaining["remaining_sum_m2"]),
        "remaining_overlap": charts.area(remaining["remaining_overlap_m2"]),
        "open_sha": remaining["open_sha"],
        "open_cha": remaining["open_cha"],
        "released": charts.area(released["released_m2"], head_released),
        "released_by_outcome": [
            (o, OUTCOME_NAMES[o], charts.area(released[f"{o}_m2"], head_released)) for o in queries.OUTCOMES
        ],
        "destroyed": devices["destroyed"],
        "found": devices["found"],
        "hazards_open": hazards["open"],
        "hazards_closed": hazards["closed"],
        "closed_in_year": hazards["closed_in_year"],
        "recorded_in_year": hazards["recorded_in_year"],
        "open_points": hazards["open_points"],
    }
