"""What the reference-data kinds (organisations, places, ordnance) share: names compared loosely, and
what each NG record became on earlier runs (so a record never merges onto the one it created itself)."""

from __future__ import annotations

import math
import re
import unicodedata

from safeground.imsma.models import MigratedRecord


def norm(text: str | None) -> str:
    """Lower case, accents, spaces and punctuation dropped: 'PMN-2' == 'pmn 2' == 'PMN2'."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def earlier(table: str) -> dict[str, MigratedRecord]:
    """The trace of `table`'s NG records from earlier runs, by GUID."""
    return {t.guid: t for t in MigratedRecord.objects.filter(table=table).select_related("target_type")}


def created_by(trace: MigratedRecord | None) -> str | None:
    """The primary key of the SafeGround record this NG record created (not merged onto) earlier."""
    return trace.target_id if trace is not None and trace.status == "migrated" else None


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius): enough to tell 'within 2 km'."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, a)))
