"""One layer registry: every spatial layer SafeGround serves, declared once.

Each `Layer` says what it is (key, names), what it reads (the OGC/API query and its properties, the
geometry field, the tables it depends on), who may see it (a permission, or public), how it is
exported and imported (fields, geometry type, the import kind), and how it is drawn (the tiles'
rows and properties, zoom range, style hints). Readers:

- the vector tiles (`interop/tiles.py`, `/tiles/{layer}/{z}/{x}/{y}.mvt`): `tile`, `permission`, `public`;
- the OGC API collections (`interop/ogc.py`): `select`, `properties`, `geom_field`, `filters`, `temporal`;
- the export (`interop/exporter.py`) and the names and fields of `interop/layers.py`: `fields`,
  `geometry_type`, `export`;
- the import's targets (`interop/importers`): `import_kind`, `computed`;
- the home map's layer list (`portal/map_views.py`): `minzoom`, `style`, `permission`.

Adding a layer means adding one `Layer` here (and its reader or query where it does not exist yet).
See docs/decisions/0026-layer-registry-and-vector-tiles.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safeground.core.errors import ValidationFailed
from safeground.core.geojson import parse_bbox
from safeground.gazetteer import queries as gazetteer_queries
from safeground.gazetteer.models import AdminArea, Place
from safeground.hazards import queries as hazard_queries
from safeground.hazards.models import Hazard
from safeground.interop import layer_readers
from safeground.landrelease import queries as release_queries
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations import queries as activity_queries
from safeground.operations.models import Activity
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation
from safeground.victims import queries as victims_queries
from safeground.victims.models import CASUALTY_COUNTS, Accident

#: Tiles are made up to this zoom (about 2.4 m a pixel); clients draw deeper zooms from it (overzoom).
MAX_ZOOM = 16
#: From which zoom each administrative level is drawn: countries and provinces at every scale,
#: districts from 8, communes from 11 (decision 0011); towns from 8, villages from 10.
ADMIN_MINZOOM = {0: 0, 1: 0, 2: 8, 3: 11}
PLACE_MINZOOM = {"town": 8, "village": 10}
#: Remaining ground under this (m²) is rounding left by the ledger, not land to release.
REMAINING_MIN_M2 = 1.0


@dataclass(frozen=True)
class Tile:
    """How a layer is drawn as vector tiles.

    `rows(z)` gives the rows a tile at zoom `z` may show (the tile adds its bounding box); `geom` is
    the geometry expression or field; `props` maps each property to the ORM path it is read from
    (text, numbers, booleans; dates are read as ISO text). `dots_of` names the polygon column whose
    features are also drawn as the centre of their bounding box (a 5 ha polygon is a speck when
    zoomed out), with the property `dot: true`: below `points_below` instead of the polygon, then
    beside it below `dots_below`. `cluster_below`: below this zoom
    points are grouped per grid cell (16 cells across a tile), with `devices` (rows) and `items`
    (the sum of `cluster_sum`).
    """

    rows: Callable[[int], QuerySet]
    geom: str | Callable  # a field, or a function giving the geometry expression
    props: dict[str, str]
    index: tuple[str, ...]  # geometry columns the bbox filter uses (their spatial index)
    maxzoom: int = MAX_ZOOM
    dots_of: str | None = None
    points_below: int = 0
    dots_below: int = 0
    cluster_below: int | None = None
    cluster_sum: str | None = None
    simplify: bool = False  # large detailed polygons: thinned in SQL first on SpatiaLite (boundaries)


@dataclass(frozen=True)
class Layer:
    key: str
    label: Promise  # its name on the pages
    description: Promise
    geometry_type: str  # of the export and the OGC collection: MultiPolygon, Point
    geom_field: str
    permission: str | None  # None with public=True: anyone, signed in or not
    depends: tuple[type, ...]  # models whose writes change what the layer shows (tile ETags)
    fields: list[tuple[str, str]] = field(default_factory=list)  # export: (name, str|int|float|date|bool)
    export: Callable[[list[str]], layer_readers.Read] | None = None
    computed: frozenset[str] = frozenset()  # derived on import: exported, ignored by the importer
    import_kind: str | None = None  # the import kind that reads this layer's files back
    select: Callable[..., QuerySet] | None = None  # OGC API items (None: no collection)
    properties: Callable | None = None
    filters: tuple[str, ...] = ()
    temporal: str | None = None
    public: bool = False
    tile: Tile | None = None
    style: dict = field(default_factory=dict)  # hints for the map: colours by property, draw kind
    title: Promise | None = None  # its name in the OGC API and TileJSON, when not `label`
    minzoom: int = 0  # the map (GeoJSON or tiles) draws its features from this zoom

    @property
    def name(self) -> str:
        return str(self.title or self.label)

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return self.permission is None or user.has_perm(self.permission)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(sorted({m._meta.db_table for m in self.depends}))

    @property
    def field_names(self) -> list[str]:
        return [name for name, _kind in self.fields]


# ------------------------------------------------------------------------------------------------
# Queries the OGC API uses for the gazetteer layers (the other layers use their apps' queries)
# ------------------------------------------------------------------------------------------------


def admin_areas(*, bbox=None, country=None, level=None, parent=None) -> QuerySet:
    qs = AdminArea.objects.select_related("parent").order_by("country", "level", "code")
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(geom__intersects=box)
    if country:
        qs = qs.filter(country=country)
    if level is not None:
        try:
            qs = qs.filter(level=int(level))
        except ValueError as exc:
            raise ValidationFailed(str(_("level must be a whole number")), field="level") from exc
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs


def places(*, bbox=None, country=None, kind=None, admin_area=None) -> QuerySet:
    qs = Place.objects.select_related("admin_area").order_by("country", "kind", "code")
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(point__intersects=box)
    if country:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    if admin_area:
        qs = qs.filter(Q(admin_area__code=admin_area) | Q(admin_area__parent__code=admin_area))
    return qs


# ------------------------------------------------------------------------------------------------
# The tiles' rows: plain columns only (no model instances, no related geometries)
# ------------------------------------------------------------------------------------------------


def _hazard_tile_rows(z: int) -> QuerySet:
    return Hazard.objects.all()


def _remaining_tile_rows(z: int) -> QuerySet:
    return HazardLedger.objects.filter(remaining_geom__isnull=False, remaining_m2__gte=REMAINING_MIN_M2)


def _admin_tile_rows(z: int) -> QuerySet:
    return AdminArea.objects.filter(level__in=[level for level, low in ADMIN_MINZOOM.items() if z >= low])


def _place_tile_rows(z: int) -> QuerySet:
    return Place.objects.filter(kind__in=[kind for kind, low in PLACE_MINZOOM.items() if z >= low])


HAZARD_FILTERS = ("hazard_class", "status", "country", "admin_area", "organisation", "contamination_type")
HAZARD_FIELDS: list[tuple[str, str]] = [
    ("code", "str"),
    ("name", "str"),
    ("hazard_class", "str"),
    ("status", "str"),
    ("contamination_type", "str"),
    ("recorded_on", "date"),
    ("recorded_on_precision", "str"),
    ("status_changed_on", "date"),
    ("reporting_organisation", "str"),
    ("suspected_models", "str"),
    ("benchmark_lon", "float"),
    ("benchmark_lat", "float"),
    ("country", "str"),
    ("province_code", "str"),
    ("district_code", "str"),
    ("commune_code", "str"),
    ("area_m2", "float"),
    ("utm_epsg", "int"),
    ("is_synthetic", "bool"),
    # Provenance: the source's own ID and its columns SafeGround has no field for (JSON text).
    ("source_id", "str"),
    ("source_attributes", "str"),
]
HAZARD_COMPUTED = frozenset({"province_code", "province_name", "district_code", "commune_code", "area_m2", "utm_epsg"})
PROVENANCE_FIELDS = [("is_synthetic", "bool"), ("source_id", "str"), ("source_attributes", "str")]
HAZARD_COLOURS = {"property": "hazard_class", "values": {"CHA": "--hz-cha-open", "SHA": "--hz-sha-open"}}


def _layers() -> list[Layer]:
    return [
        Layer(
            "hazards",
            _("Hazards"),
            _("Suspected (SHA) and confirmed (CHA) hazardous areas."),
            "MultiPolygon",
            "geom",
            "hazards.view_hazard",
            (Hazard, Organisation),
            fields=HAZARD_FIELDS,
            export=layer_readers.hazards,
            computed=HAZARD_COMPUTED,
            import_kind="hazards",
            select=partial(hazard_queries.hazards, shape="polygon"),
            properties=hazard_queries.hazard_properties,
            filters=HAZARD_FILTERS,
            temporal="recorded_on",
            # The tiles hold polygon and point hazards together (the map draws both; decision 0020).
            tile=Tile(
                _hazard_tile_rows,
                hazard_queries.shape,
                {
                    "code": "code",
                    "name": "name",
                    "hazard_class": "hazard_class",
                    "status": "status",
                    "area_m2": "area_m2",
                    "radius_m": "radius_m",
                    "country": "country",
                    "is_synthetic": "is_synthetic",
                    "reporting_organisation": "reporting_organisation__acronym",
                },
                index=("geom", "point"),
                dots_of="geom",
                points_below=8,
                dots_below=11,
            ),
            style={"draw": "fill", "colour": HAZARD_COLOURS, "outline": "status"},
            title=_("Hazardous areas"),
        ),
        # One geometry type per collection and export layer (QGIS reads a layer as one type).
        Layer(
            "hazard_points",
            _("Point hazards"),
            _("Hazards known only as a point (indications, EOD spot tasks), with their declared radius if any."),
            "Point",
            "point",
            "hazards.view_hazard",
            (Hazard,),
            fields=[*HAZARD_FIELDS, ("radius_m", "float")],
            export=layer_readers.hazard_points,
            computed=HAZARD_COMPUTED,
            import_kind="hazards",
            select=partial(hazard_queries.hazards, shape="point"),
            properties=hazard_queries.hazard_properties,
            filters=HAZARD_FILTERS,
            temporal="recorded_on",
        ),
        Layer(
            "remaining_areas",
            _("Remaining contaminated areas"),
            _("The ground of each hazard not yet released (the land release ledger)."),
            "MultiPolygon",
            "remaining_geom",
            "landrelease.view_hazardledger",
            (HazardLedger, Hazard, Organisation),
            fields=[
                ("hazard_code", "str"),
                ("hazard_class", "str"),
                ("status", "str"),
                ("country", "str"),
                ("estimated_m2", "float"),
                ("cleared_m2", "float"),
                ("reduced_m2", "float"),
                ("cancelled_m2", "float"),
                ("remaining_m2", "float"),
            ],
            export=layer_readers.remaining,
            tile=Tile(
                _remaining_tile_rows,
                "remaining_geom",
                {
                    "code": "hazard__code",
                    "hazard_class": "hazard__hazard_class",
                    "status": "hazard__status",
                    "remaining_m2": "remaining_m2",
                    "estimated_m2": "estimated_m2",
                    "reporting_organisation": "hazard__reporting_organisation__acronym",  # the map's filter
                },
                index=("remaining_geom",),
            ),
            minzoom=10,
            style={"draw": "hatch", "colour": "--lr-remaining"},
        ),
        Layer(
            "products",
            _("Land release products"),
            _("Cancelled, reduced and cleared land."),
            "MultiPolygon",
            "geom",
            "landrelease.view_product",
            (Product, Hazard, Activity, Organisation),
            fields=[
                ("code", "str"),
                ("outcome", "str"),
                ("hazard_code", "str"),
                ("activity_code", "str"),
                ("organisation", "str"),
                ("released_on", "date"),
                ("clearance_depth_cm", "int"),
                ("reported_area_m2", "float"),
                ("area_m2", "float"),
                ("country", "str"),
                *PROVENANCE_FIELDS,
            ],
            export=layer_readers.products,
            computed=frozenset({"organisation", "area_m2", "country", "devices"}),
            import_kind="products",
            select=release_queries.products,
            properties=release_queries.product_properties,
            filters=("outcome", "country", "hazard", "activity", "organisation", "admin_area"),
            temporal="released_on",
            tile=Tile(
                lambda z: Product.objects.all(),
                "geom",
                {
                    "code": "code",
                    "outcome": "outcome",
                    "hazard_code": "hazard__code",
                    "activity_code": "activity__code",
                    "organisation": "activity__organisation__acronym",
                    "released_on": "released_on",
                    "area_m2": "area_m2",
                },
                index=("geom",),
            ),
            minzoom=9,
            style={"draw": "fill", "colour": {"property": "outcome", "prefix": "--lr-"}},
        ),
        Layer(
            "devices",
            _("Devices"),
            _("Every explosive ordnance item found and disposed of."),
            "Point",
            "point",
            "landrelease.view_device",
            (Device, Product, OrdnanceModel, Hazard, Activity, Organisation),
            fields=[
                ("code", "str"),
                ("category", "str"),
                ("model", "str"),
                ("condition", "str"),
                ("depth_cm", "int"),
                ("disposal", "str"),
                ("found_on", "date"),
                ("count", "int"),
                ("product_code", "str"),
                ("hazard_code", "str"),
                ("activity_code", "str"),
                *PROVENANCE_FIELDS,
            ],
            export=layer_readers.devices,
            computed=frozenset({"hazard_code"}),
            import_kind="devices",
            select=release_queries.devices,
            properties=release_queries.device_properties,
            filters=("category", "country", "product", "activity", "hazard", "model", "organisation"),
            temporal="found_on",
            # Exact locations: grouped per grid cell below zoom 12, nothing below zoom 8.
            tile=Tile(
                lambda z: Device.objects.all(),
                "point",
                {
                    "code": "code",
                    "category": "category",
                    "model": "model__name",
                    "condition": "condition",
                    "count": "count",
                    "product_code": "product__code",
                    "hazard_code": "product__hazard__code",
                    "activity_code": "product__activity__code",
                    "organisation": "product__activity__organisation__acronym",
                    "found_on": "found_on",
                },
                index=("point",),
                cluster_below=12,
                cluster_sum="count",
            ),
            minzoom=8,
            style={"draw": "circle", "colour": {"property": "category", "prefix": "--dev-"}},
            title=_("Devices found"),
        ),
        Layer(
            "activities",
            _("Activities"),
            _("Non-technical and technical survey, clearance, BAC and EOD spot tasks (reference points)."),
            "Point",
            "reference_point",
            "operations.view_activity",
            (Activity, Organisation),
            fields=[
                ("code", "str"),
                ("activity_type", "str"),
                ("status", "str"),
                ("organisation", "str"),
                ("teams", "str"),
                ("methods", "str"),
                ("hazard_codes", "str"),
                ("country", "str"),
                ("start_date", "date"),
                ("end_date", "date"),
                *PROVENANCE_FIELDS,
            ],
            export=layer_readers.activities,
            import_kind="activities",
            select=activity_queries.activities,
            properties=activity_queries.activity_properties,
            filters=("activity_type", "status", "country", "organisation", "hazard", "admin_area"),
            temporal="start_date",
            tile=Tile(
                lambda z: Activity.objects.all(),
                "reference_point",
                {
                    "code": "code",
                    "activity_type": "activity_type",
                    "status": "status",
                    "organisation": "organisation__acronym",
                    "start_date": "start_date",
                    "end_date": "end_date",
                },
                index=("reference_point",),
            ),
            minzoom=10,
            style={"draw": "circle", "colour": {"property": "activity_type", "prefix": "--act-"}},
        ),
        # Accidents without who they were: no tiles (the map asks the API, which checks the permission).
        Layer(
            "accidents",
            _("Accidents"),
            _("Mine/ERW and demining accidents, without who they were: when, where, the device, the counts."),
            "Point",
            "point",
            "victims.view_accident",
            (Accident,),
            fields=[
                ("code", "str"),
                ("occurred_on", "date"),
                ("occurred_on_precision", "str"),
                ("accident_type", "str"),
                ("device_category", "str"),
                ("device_model", "str"),
                ("victim_activity", "str"),
                ("hazard_code", "str"),
                ("activity_code", "str"),
                ("organisation", "str"),
                ("country", "str"),
                ("province_code", "str"),
                ("evidence_status", "str"),
                *[(key, "int") for key in CASUALTY_COUNTS],
                *PROVENANCE_FIELDS,
            ],
            export=layer_readers.accidents,
            computed=frozenset({"province_code", "evidence_status"}),
            import_kind="accidents",
            select=victims_queries.accidents,
            properties=victims_queries.accident_properties,
            filters=("country", "admin_area", "accident_type", "device_category", "organisation"),
            temporal="occurred_on",
            minzoom=7,
        ),
        # Reference data: boundaries are public (the public page's choropleth draws them).
        Layer(
            "admin_areas",
            _("Administrative areas"),
            _("Countries, provinces or rayons, districts and communes."),
            "MultiPolygon",
            "geom",
            None,
            (AdminArea,),
            fields=[
                ("code", "str"),
                ("name", "str"),
                ("country", "str"),
                ("level", "int"),
                ("parent_code", "str"),
            ],
            export=layer_readers.admin_areas,
            select=admin_areas,
            properties=gazetteer_queries.admin_area_properties,
            filters=("country", "level", "parent"),
            public=True,
            tile=Tile(
                _admin_tile_rows,
                "geom",
                {"code": "code", "name": "name", "country": "country", "level": "level"},
                index=("geom",),
                simplify=True,
            ),
            style={"draw": "line", "width_by": "level"},
        ),
        Layer(
            "places",
            _("Places"),
            _("Villages and towns."),
            "Point",
            "point",
            "gazetteer.view_place",
            (Place, AdminArea),
            fields=[
                ("code", "str"),
                ("name", "str"),
                ("kind", "str"),
                ("country", "str"),
                ("admin_area_code", "str"),
            ],
            export=layer_readers.places,
            computed=frozenset({"admin_area_code"}),
            import_kind="places",
            select=places,
            properties=gazetteer_queries.place_properties,
            filters=("country", "kind", "admin_area"),
            tile=Tile(
                _place_tile_rows,
                "point",
                {
                    "code": "code",
                    "name": "name",
                    "kind": "kind",
                    "country": "country",
                    "admin_area_code": "admin_area__code",
                },
                index=("point",),
            ),
            minzoom=min(PLACE_MINZOOM.values()),
            style={"draw": "label", "text": "name"},
        ),
    ]


@cache
def registry() -> dict[str, Layer]:
    """Every layer, by key, in the order the exports and the OGC API list them."""
    return {layer.key: layer for layer in _layers()}


def layer(key: str) -> Layer | None:
    return registry().get(key)


def tile_layers() -> dict[str, Layer]:
    return {key: layer for key, layer in registry().items() if layer.tile is not None}


def tracked_tables() -> set[str]:
    """The tables whose writes change a tile (core.table_versions watches them)."""
    return {table for layer in tile_layers().values() for table in layer.tables}
