"""Load administrative boundaries and places into the gazetteer: one module per source.

Two entry points:

* `load_reference(data_dir, report)` (reference.py) loads the reference geography shipped in
  `shared/data` (Cambodia: country, 25 provinces, 197 districts, 1,633 communes, ~14,000 villages;
  Azerbaijan: 79 rayons/cities and the national outline; Natural Earth towns for both). Each source
  has its module: khm_provinces (ODC), khm_districts and khm_communes (geoBoundaries), khm_villages
  (MoEYS), aze_rayons (geoBoundaries), ne_towns (Natural Earth).
* `load_file(path, country, level, ...)` (files.py) loads one boundary (or place) file of any format
  and CRS that GDAL reads, for any national programme.

Both are idempotent and all-or-nothing: every row is keyed by (country, level, code) for areas and
(country, kind, code) for places; existing rows are updated in place (hazards and places point at
admin areas with PROTECT, so rows are never deleted and re-created), new rows are inserted, rows
that no longer appear in the source are kept and reported. All geometry work happens in memory with
vectorised Shapely (common.py; one STRtree per level, no query per row) before a single transaction
writes the plan with `bulk_create`/`bulk_update` (plan.py). Everything surprising in the source data
is passed to `report(...)`, never dropped silently.
"""

from safeground.gazetteer.loaders.common import GazetteerLoadError
from safeground.gazetteer.loaders.files import load_file
from safeground.gazetteer.loaders.names import match_names, name_key
from safeground.gazetteer.loaders.reference import load_reference

__all__ = ["GazetteerLoadError", "load_file", "load_reference", "match_names", "name_key"]
