"""Demo submissions waiting in the workbench, so a demo's IM officer has something to review.

Built after the core dataset and the demo sign-ins: a new hazard from each operator's data officer,
drawn beside one of their organisation's recorded hazards (the overlap check flags it), and a change
to a CMAC hazard. All marked synthetic, all through the real submit service (so they are checked).
"""

from __future__ import annotations

from shapely import affinity
from shapely.geometry import mapping

from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_shapely
from safeground.hazards.models import Hazard
from safeground.workbench import services


def delete_synthetic() -> int:
    return services.delete_synthetic()


def _beside(hazard: Hazard) -> dict:
    """The hazard's outline moved a third of its width east: overlapping it, inside the same area."""
    geom = to_shapely(hazard.geom)
    minx, _, maxx, _ = geom.bounds
    return mapping(affinity.translate(geom.convex_hull, xoff=(maxx - minx) / 3))


def build(accounts: dict, report=lambda message: None) -> int:
    delete_synthetic()
    made = []
    for username, acronym in (("operator-cmac", "CMAC"), ("operator-anama", "ANAMA")):
        user = accounts.get(username)
        candidates = Hazard.objects.filter(
            reporting_organisation__acronym=acronym, status="open", is_synthetic=True, geom__isnull=False
        ).order_by("code")[:10]
        for hazard in candidates if user is not None else []:
            payload = {
                "geometry": _beside(hazard),
                "hazard_class": "SHA",
                "contamination_type": hazard.contamination_type,
                "recorded_on": hazard.recorded_on.isoformat(),
                "name": "Reported by the village chief",
            }
            try:  # a hazard on the border could be moved out of the country: try the next one
                made.append(services.submit(kind="hazard", payload=payload, user=user))
            except ValidationFailed:
                continue
            if acronym == "CMAC":
                change = {"status": "suspended", "name": f"{hazard.name or hazard.code} (access road flooded)"}
                made.append(
                    services.submit(kind="hazard", action="update", target_code=hazard.code, payload=change, user=user)
                )
            break
    services.mark_synthetic(made)
    report(f"  workbench: {len(made)} submissions waiting for review")
    return len(made)
