"""Coordinates as field teams write them → WGS 84 longitude/latitude, and back.

Formats: decimal degrees (DD), degrees-minutes-seconds (DMS), degrees-decimal minutes (DDM), UTM and
MGRS. Legacy datums (Indian 1960 in Cambodia, Pulkovo 1942 / SK-42 in Azerbaijan) go through pyproj
with one named EPSG transformation each (`DATUM_OPERATIONS`), never whatever PROJ happens to rank
first. MGRS is built on pyproj's UTM here: the most used PyPI package (`mgrs`) wraps C code that
silently accepts garbage after a valid reference. Conventions (which number is latitude, what a letter after
a UTM zone means, truncation) are in docs/coordinates-and-traverses.md and docs/decisions/0006.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import UTMConversion
from pyproj.exceptions import CRSError, ProjError
from pyproj.transformer import TransformerGroup

FORMATS = ("dd", "dms", "ddm", "utm", "mgrs")
FORMAT_NAMES = {
    "dd": "decimal degrees",
    "ddm": "degrees and decimal minutes",
    "dms": "degrees, minutes and seconds",
    "utm": "UTM",
    "mgrs": "MGRS",
}


class CoordinateError(ValueError):
    """A coordinate that can't be read or converted; the message names the input and the problem.

    `reason` is a short machine-readable tag ("syntax", "range", "swapped coordinates", ...).
    """

    def __init__(self, message: str, reason: str = "invalid coordinate"):
        super().__init__(message)
        self.reason = reason


# ---------------------------------------------------------------------------------------- datums


@dataclass(frozen=True)
class Datum:
    key: str
    name: str
    geographic: int  # EPSG of the geographic CRS
    utm: tuple[tuple[int, int], ...] = ()  # (zone, EPSG) where EPSG defines "<datum> / UTM zone nN"


DATUMS = {
    "WGS84": Datum("WGS84", "WGS 84", 4326),
    "INDIAN1960": Datum("INDIAN1960", "Indian 1960", 4131, ((48, 3148), (49, 3149))),
    "PULKOVO1942": Datum("PULKOVO1942", "Pulkovo 1942 (SK-42)", 4284),
}
_DATUM_ALIASES = {
    "WGS1984": "WGS84",
    "EPSG4326": "WGS84",
    "INDIAN": "INDIAN1960",
    "EPSG4131": "INDIAN1960",
    "PULKOVO": "PULKOVO1942",
    "SK42": "PULKOVO1942",
    "CK42": "PULKOVO1942",
    "EPSG4284": "PULKOVO1942",
}

# The transformation to WGS 84 used for each legacy datum, by the datum's name in the EPSG database.
#   Pulkovo 1942 → EPSG:1808 "Pulkovo 1942 to WGS 84 (14)": 7-parameter, ~5 m, Azerbaijan and Georgia.
#     (EPSG:1809, ~2 m, only covers the Baku–Astara coast; PROJ's own first pick without an area of
#     interest is EPSG:15865, an ex-USSR average.)
#   Indian 1960 → EPSG:1542 "Indian 1960 to WGS 84 (2)": 3-parameter, 44 m, defined for Vietnam 14–18°N.
#     EPSG has no transformation for Cambodia; this is what PROJ picks first, and the published
#     Vietnamese alternatives (EPSG:1543, the WGS 72BE route) differ from it by 13–20 m in Cambodia.
DATUM_OPERATIONS = {"Indian 1960": 1542, "Pulkovo 1942": 1808}


def get_datum(value: str | None) -> Datum:
    """A datum by name ("WGS84", "Indian 1960", "SK-42", "EPSG:4284", ...)."""
    key = re.sub(r"[\s_\-:/()]", "", (value or "WGS84").upper())
    key = _DATUM_ALIASES.get(key, key)
    if key not in DATUMS:
        names = ", ".join(d.name for d in DATUMS.values())
        raise CoordinateError(f"unknown datum {value!r}; use one of {names}", reason="datum")
    return DATUMS[key]


def _crs(value) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise CoordinateError(f"unknown coordinate reference system {value!r}: {exc}", reason="crs") from exc


def _uses_operation(node, code: int) -> bool:
    """Whether a PROJJSON operation (or one of its steps) carries the id EPSG:`code`."""
    if isinstance(node, dict):
        ident = node.get("id")
        if isinstance(ident, dict) and ident.get("authority") == "EPSG" and ident.get("code") == code:
            return True
        return any(_uses_operation(v, code) for k, v in node.items() if k not in ("source_crs", "target_crs"))
    if isinstance(node, list):
        return any(_uses_operation(v, code) for v in node)
    return False


@lru_cache(maxsize=64)
def _wgs84_transformer(crs_wkt: str, operation: int | None) -> tuple[Transformer, str]:
    src = CRS.from_wkt(crs_wkt)
    if src.geodetic_crs is None:
        raise CoordinateError(f"{src.name} is not a geographic or projected CRS", reason="crs")
    datum = src.geodetic_crs.datum.name
    if datum.startswith("World Geodetic System 1984") and operation is None:
        return Transformer.from_crs(src, 4326, always_xy=True), "WGS 84: no datum shift"
    code = operation or DATUM_OPERATIONS.get(datum)
    if code is None:
        t = Transformer.from_crs(src, 4326, always_xy=True)
        return t, f"{t.description} (chosen by PROJ; no transformation is set for {datum})"
    for t in TransformerGroup(src, 4326, always_xy=True).transformers:
        if _uses_operation(t.to_json_dict(), code):
            accuracy = f"{t.accuracy:g} m" if t.accuracy and t.accuracy > 0 else "unknown"
            return t, f"EPSG:{code} ({t.description}; stated accuracy {accuracy})"
    raise CoordinateError(f"EPSG:{code} is not a transformation from {src.name} to WGS 84", reason="crs")


def wgs84_transformer(crs, operation: int | None = None) -> tuple[Transformer, str]:
    """(transformer to WGS 84 lon/lat, description naming the EPSG transformation) for a CRS.

    Vectorised (numpy arrays in, arrays out), cached per CRS: importers reuse it for whole files.
    """
    return _wgs84_transformer(_crs(crs).to_wkt(), operation)


def to_wgs84(x: float, y: float, crs, operation: int | None = None) -> tuple[float, float]:
    """(x, y) in `crs` (EPSG code, "EPSG:3148", WKT, pyproj CRS) → (lon, lat) in WGS 84.

    Axis order is always x/easting/longitude first. The datum transformation is the one named in
    DATUM_OPERATIONS for the CRS's datum, or `operation` (an EPSG transformation code).
    """
    transformer, _ = wgs84_transformer(crs, operation)
    try:
        lon, lat = transformer.transform(x, y, errcheck=True)
    except ProjError as exc:
        raise CoordinateError(f"({x}, {y}) can't be converted from {_crs(crs).name}: {exc}", reason="range") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise CoordinateError(f"({x}, {y}) is outside the area {_crs(crs).name} can represent", reason="range")
    return float(lon), float(lat)


# ------------------------------------------------------------------------------------ UTM zones

BANDS = "CDEFGHJKLMNPQRSTUVWX"  # 8° latitude bands from 80°S; X is 12° (72–84°N)


def band_letter(lat: float) -> str:
    if not -80 <= lat <= 84:
        raise CoordinateError(f"latitude {lat:.6f} is outside UTM/MGRS (80°S–84°N); polar UPS is not supported")
    return BANDS[min(int((lat + 80) // 8), 19)]


def band_range(letter: str) -> tuple[float, float]:
    i = BANDS.index(letter)
    south = -80 + 8 * i
    return south, 84.0 if letter == "X" else south + 8


def utm_zone(lon: float, lat: float) -> int:
    """UTM zone number with the MGRS exceptions (south-west Norway, Svalbard)."""
    if 56 <= lat < 64 and 3 <= lon < 12:
        return 32
    if 72 <= lat <= 84 and 0 <= lon < 42:
        return 31 if lon < 9 else 33 if lon < 21 else 35 if lon < 33 else 37
    return min(int((lon + 180) // 6) + 1, 60)


def utm_crs(zone: int, north: bool, datum: Datum) -> CRS:
    """The CRS "<datum> / UTM zone <zone><N|S>": the EPSG one where it exists, else built."""
    if datum.key == "WGS84":
        return CRS.from_epsg((32600 if north else 32700) + zone)
    codes = dict(datum.utm)
    if north and zone in codes:
        return CRS.from_epsg(codes[zone])
    return ProjectedCRS(
        name=f"{datum.name} / UTM zone {zone}{'N' if north else 'S'}",
        conversion=UTMConversion(zone, hemisphere="N" if north else "S"),
        geodetic_crs=CRS.from_epsg(datum.geographic),
    )


@lru_cache(maxsize=128)
def _utm_forward(zone: int, north: bool) -> Transformer:
    return Transformer.from_crs(4326, (32600 if north else 32700) + zone, always_xy=True)


@lru_cache(maxsize=128)
def _utm_inverse(zone: int, north: bool) -> Transformer:
    return Transformer.from_crs((32600 if north else 32700) + zone, 4326, always_xy=True)


def lonlat_to_utm(lon: float, lat: float, zone: int | None = None) -> tuple[int, str, float, float]:
    """(zone, band letter, easting, northing) in WGS 84 / UTM."""
    band = band_letter(lat)
    zone = zone or utm_zone(lon, lat)
    e, n = _utm_forward(zone, lat >= 0).transform(lon, lat)
    return zone, band, float(e), float(n)


# ---------------------------------------------------------------------------------------- MGRS

_COLUMN_SETS = ("ABCDEFGH", "JKLMNPQR", "STUVWXYZ")
_ROWS = "ABCDEFGHJKLMNPQRSTUV"
_MGRS = re.compile(r"(\d{1,2})([A-Z])([A-Z])([A-Z])(\d*)")


def _columns(zone: int) -> str:
    return _COLUMN_SETS[(zone - 1) % 3]


def _row_offset(zone: int) -> int:
    return 5 if zone % 2 == 0 else 0  # even zones start their rows at F


def to_mgrs(lon: float, lat: float, digits: int = 5) -> str:
    """MGRS reference, e.g. "48P UV 05000 43000". `digits` per axis (1–5: 10 km … 1 m), truncated."""
    if not 0 <= digits <= 5:
        raise CoordinateError(f"MGRS precision must be 0–5 digits per axis, not {digits}", reason="precision")
    zone, band, e, n = lonlat_to_utm(lon, lat)
    # Nudge by a micrometre so that a value read back from MGRS (the square's corner) truncates to itself.
    e, n = e + 1e-6, n + 1e-6
    column = _columns(zone)[int(e // 100_000) - 1]
    row = _ROWS[(int(n // 100_000) + _row_offset(zone)) % 20]
    scale = 10 ** (5 - digits)
    east = int(e % 100_000) // scale
    north = int(n % 100_000) // scale
    numbers = f" {east:0{digits}d} {north:0{digits}d}" if digits else ""
    return f"{zone:02d}{band} {column}{row}{numbers}"


def from_mgrs(text: str) -> tuple[float, float]:
    """MGRS (spaces allowed, 0–10 digits) → (lon, lat) of the square's south-west corner."""
    compact = re.sub(r"\s+", "", text.upper())
    m = _MGRS.fullmatch(compact)
    if not m:
        raise CoordinateError(
            f"'{text}' is not an MGRS reference: expected zone, band, 100 km square and digits, "
            "e.g. '48P UV 05000 43000'",
            reason="syntax",
        )
    zone, band, col, row, digits = int(m[1]), m[2], m[3], m[4], m[5]
    if not 1 <= zone <= 60:
        raise CoordinateError(f"UTM zone {zone} in '{text}' is out of range (1–60)", reason="range")
    if band not in BANDS:
        raise CoordinateError(f"{band!r} in '{text}' is not a latitude band letter (C–X, without I and O)")
    columns = _columns(zone)
    if col not in columns:
        raise CoordinateError(
            f"column letter {col!r} in '{text}' is not used in zone {zone} (it uses {columns[0]}–{columns[-1]})"
        )
    if row not in _ROWS:
        raise CoordinateError(f"row letter {row!r} in '{text}' is not an MGRS row letter (A–V, without I and O)")
    if len(digits) % 2:
        raise CoordinateError(
            f"'{text}' has {len(digits)} digits: MGRS needs an even number (easting then northing, same length)",
            reason="syntax",
        )
    if len(digits) > 10:
        raise CoordinateError(f"'{text}' has {len(digits)} digits; MGRS has at most 10 (1 m)", reason="syntax")
    half = len(digits) // 2
    scale = 10 ** (5 - half)
    east = (columns.index(col) + 1) * 100_000 + (int(digits[:half]) * scale if half else 0)
    north_in_cycle = ((_ROWS.index(row) - _row_offset(zone)) % 20) * 100_000 + (
        int(digits[half:]) * scale if half else 0
    )
    south, top = band_range(band)
    north = south >= 0
    inverse = _utm_inverse(zone, north)
    for cycle in range(0, 10_000_000, 2_000_000):
        northing = north_in_cycle + cycle
        lon, lat = inverse.transform(east, northing)
        if south - 1 <= lat <= top + 1:  # a band is 8°; the 2,000 km cycle is ~18°: one candidate fits
            return float(lon), float(lat)
    raise CoordinateError(
        f"100 km square {col}{row} does not occur in latitude band {band} of zone {zone} ('{text}')", reason="range"
    )


# ----------------------------------------------------------------------------------------- UTM

_UTM = re.compile(
    r"(?:UTM\s*)?(?:ZONE\s*)?(?P<zone>\d{1,2})\s*(?:(?P<word>NORTH|SOUTH)\b|(?P<letter>[A-Z])\b)?\s*[,;]?\s*"
    r"(?:E\s*)?(?P<e>\d+(?:\.\d+)?)\s*(?:M\s*E|ME|M|E)?\s*[,;]?\s*"
    r"(?:N\s*)?(?P<n>\d+(?:\.\d+)?)\s*(?:M\s*N|MN|M|N)?"
)


@dataclass(frozen=True)
class UtmReading:
    zone: int
    north: bool
    easting: float
    northing: float
    band: str | None  # the latitude band given, to check against the position


def parse_utm(text: str) -> UtmReading:
    """Zone, hemisphere, easting and northing from "48P 505000 1443000", "zone 48 north 505000 1443000"...

    A letter after the zone is an MGRS latitude band (as GPS receivers show it), except that "N"
    also stands for "north" (both are the northern hemisphere, so the position is the same). "S"
    is band S (32°–40°N, Azerbaijan's 38S/39S), never "south": write "zone 38 south" for that.
    """
    m = _UTM.fullmatch(text.strip().upper())
    if not m:
        raise CoordinateError(
            f"'{text}' is not a UTM coordinate: expected zone and band or hemisphere, easting, northing, "
            "e.g. '48P 505000 1443000' or 'zone 48 north 505000 1443000'",
            reason="syntax",
        )
    zone, word, letter = int(m["zone"]), m["word"], m["letter"]
    easting, northing = float(m["e"]), float(m["n"])
    if not 1 <= zone <= 60:
        raise CoordinateError(f"UTM zone {zone} in '{text}' is out of range (1–60)", reason="range")
    if word is None and letter is None:
        raise CoordinateError(
            f"'{text}' has no hemisphere or latitude band after zone {zone}: write e.g. '{zone}P', '{zone}N' "
            f"or 'zone {zone} north'",
            reason="hemisphere",
        )
    if letter is not None and letter not in BANDS:
        raise CoordinateError(
            f"{letter!r} after zone {zone} in '{text}' is not a latitude band (C–X, without I and O) nor N for north",
            reason="syntax",
        )
    if not 100_000 <= easting <= 900_000:
        raise CoordinateError(
            f"easting {m['e']} in '{text}' is outside the UTM range 100,000–900,000 m (a digit too many or too few?)",
            reason="range",
        )
    if not 0 <= northing <= 10_000_000:
        raise CoordinateError(f"northing {m['n']} in '{text}' is outside 0–10,000,000 m", reason="range")
    if word:
        return UtmReading(zone, word == "NORTH", easting, northing, None)
    north = letter >= "N"
    return UtmReading(zone, north, easting, northing, None if letter == "N" else letter)


def _check_band(reading: UtmReading, lat: float, text: str) -> None:
    if reading.band is None:
        return
    south, north = band_range(reading.band)
    if south - 0.01 <= lat <= north + 0.01:
        return
    hint = ""
    if reading.band == "S":
        hint = f"; for the southern hemisphere write 'zone {reading.zone} south'"
    raise CoordinateError(
        f"latitude band {reading.band} ({_lat_text(south)}–{_lat_text(north)}) does not match '{text}': "
        f"northing {reading.northing:.0f} in zone {reading.zone} lies at {_lat_text(lat, 3)} (band {band_letter(lat)})"
        f"{hint}",
        reason="band",
    )


def _lat_text(lat: float, decimals: int = 0) -> str:
    return f"{abs(lat):.{decimals}f}°{'N' if lat >= 0 else 'S'}"


# -------------------------------------------------------------------------------- DD, DMS, DDM

_TOKEN = re.compile(
    r"(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"|(?P<label>latitude|longitude|lat|long|lon|lng)"
    r"|(?P<hem>north|south|east|west)"
    r"|(?P<deg>°|º|˚|degrees|degree|deg|d)"
    r"|(?P<sec>″|”|\"|''|′′|’’|seconds|second|sec)"
    r"|(?P<min>′|’|‘|'|minutes|minute|min|m)"
    r"|(?P<letter>[nsewNSEW])"
    r"|(?P<colon>:)"
    r"|(?P<sep>[,;/])"
    r"|(?P<space>\s+)",
    re.IGNORECASE,
)
_UNIT_ORDER = ("deg", "min", "sec")
_PARTS_FORMAT = {1: "dd", 2: "ddm", 3: "dms"}


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class _Half:
    text: str
    value: float
    axis: str | None  # "lat" / "lon" when a letter or label says so
    parts: int  # 1 DD, 2 DDM, 3 DMS


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise CoordinateError(
                f"unexpected {text[pos]!r} at position {pos + 1} in '{text}': expected numbers, °, ', \", "
                "N/S/E/W or a comma",
                reason="syntax",
            )
        kind = m.lastgroup
        token = m.group()
        if kind == "letter":
            kind = "hem"
        if kind == "hem" and token.upper() == "S" and _seconds_marker(out):
            kind = "sec"
        if kind == "num" and token[0] == "-" and out and out[-1].kind == "num" and out[-1].end == m.start():
            # "13-03-04.3": a hyphen right after a number separates degrees, minutes and seconds.
            out.append(_Token("colon", "-", m.start(), m.start() + 1))
            out.append(_Token("num", token[1:], m.start() + 1, m.end()))
            pos = m.end()
            continue
        if kind != "space":
            out.append(_Token(kind, token, m.start(), m.end()))
        pos = m.end()
    return out


def _seconds_marker(previous: list[_Token]) -> bool:
    """Whether an "s" ends seconds ("13d03m04s") rather than meaning south ("13.05S")."""
    if not previous or previous[-1].kind != "num":
        return False
    for token in reversed(previous):
        if token.kind in ("hem", "sep", "label"):
            return False
        if token.kind == "min":
            return True
    return False


def _split_halves(tokens: list[_Token], text: str) -> list[list[_Token]]:
    labels = [i for i, t in enumerate(tokens) if t.kind == "label"]
    hems = [i for i, t in enumerate(tokens) if t.kind == "hem"]
    seps = [i for i, t in enumerate(tokens) if t.kind == "sep"]
    if labels:
        if len(labels) != 2 or labels[0] != 0:
            raise CoordinateError(f"'{text}': label each of latitude and longitude once, before its value")
        halves = [tokens[: labels[1]], tokens[labels[1] :]]
    elif hems:
        if len(hems) != 2:
            raise CoordinateError(
                f"'{text}' has {len(hems)} hemisphere letter(s); give one for each of latitude (N/S) and longitude "
                "(E/W), or none",
                reason="syntax",
            )
        if hems[0] == 0:
            halves = [tokens[: hems[1]], tokens[hems[1] :]]
        else:
            halves = [tokens[: hems[0] + 1], tokens[hems[0] + 1 :]]
    elif seps:
        if len(seps) != 1:
            raise CoordinateError(f"'{text}': separate latitude and longitude with one comma", reason="syntax")
        halves = [tokens[: seps[0]], tokens[seps[0] + 1 :]]
    else:
        numbers = [i for i, t in enumerate(tokens) if t.kind == "num"]
        degree_starts = [i - 1 for i, t in enumerate(tokens) if t.kind == "deg" and i > 0]
        if len(degree_starts) == 2:
            cut = degree_starts[1]
        elif numbers and len(numbers) % 2 == 0:
            cut = numbers[len(numbers) // 2]
        else:
            raise CoordinateError(
                f"can't tell where latitude ends and longitude begins in '{text}': separate them with a comma "
                "or add N/S and E/W",
                reason="syntax",
            )
        halves = [tokens[:cut], tokens[cut:]]
    cleaned = []
    for half in halves:
        while half and half[0].kind == "sep":
            half = half[1:]
        while half and half[-1].kind == "sep":
            half = half[:-1]
        if not half or not any(t.kind == "num" for t in half):
            raise CoordinateError(f"'{text}' needs two values, latitude and longitude", reason="syntax")
        cleaned.append(half)
    return cleaned


def _read_half(tokens: list[_Token], text: str) -> _Half:
    piece = text[tokens[0].start : tokens[-1].end].strip()
    axis = None
    hemisphere = None
    numbers: list[tuple[_Token, str | None]] = []
    for i, t in enumerate(tokens):
        if t.kind == "label":
            axis = "lat" if t.text.lower().startswith("lat") else "lon"
        elif t.kind == "hem":
            if hemisphere is not None:
                raise CoordinateError(f"two hemisphere letters in '{piece}'", reason="syntax")
            hemisphere = t.text[0].upper()
        elif t.kind == "num":
            numbers.append((t, None))
        elif t.kind in _UNIT_ORDER:
            if not numbers or numbers[-1][1] is not None or tokens[i - 1].kind != "num":
                raise CoordinateError(f"{t.text!r} without a number before it in '{piece}'", reason="syntax")
            numbers[-1] = (numbers[-1][0], t.kind)
        elif t.kind == "colon":
            if i > 0 and tokens[i - 1].kind == "label":
                continue  # "Lat: 13.05"
            if i == 0 or tokens[i - 1].kind != "num":
                raise CoordinateError(f"misplaced {t.text!r} in '{piece}'", reason="syntax")
        elif t.kind == "sep":
            raise CoordinateError(f"unexpected {t.text!r} inside '{piece}'", reason="syntax")
    if len(numbers) > 3:
        raise CoordinateError(
            f"'{piece}' has {len(numbers)} numbers; a coordinate has at most degrees, minutes and seconds",
            reason="syntax",
        )
    units = []
    for index, (_, unit) in enumerate(numbers):
        expected = units[-1] + 1 if units else 0
        if unit is None:
            units.append(expected)
            continue
        position = _UNIT_ORDER.index(unit)
        if position != expected:
            missing = _UNIT_ORDER[expected] if expected < 3 else "nothing"
            raise CoordinateError(
                f"'{piece}': expected {_unit_name(missing)} at value {index + 1}, found {_unit_name(unit)}",
                reason="syntax",
            )
        units.append(position)
    if units[-1] >= 3:
        raise CoordinateError(f"'{piece}' has more than degrees, minutes and seconds", reason="syntax")

    sign = 1.0
    values = []
    for index, (token, _) in enumerate(numbers):
        raw = token.text
        if raw[0] in "+-":
            if index:
                raise CoordinateError(f"only the degrees may carry a sign in '{piece}'", reason="syntax")
            sign = -1.0 if raw[0] == "-" else 1.0
            raw = raw[1:]
        if index < len(numbers) - 1 and "." in raw and raw.rstrip("0").rstrip(".") != raw.split(".")[0]:
            raise CoordinateError(
                f"{_unit_name(_UNIT_ORDER[index])} must be a whole number when {_unit_name(_UNIT_ORDER[index + 1])} "
                f"follow, in '{piece}'",
                reason="syntax",
            )
        values.append(float(raw))
    for index, value in enumerate(values[1:], start=1):
        if value >= 60:
            raise CoordinateError(f"{_unit_name(_UNIT_ORDER[index])} must be < 60 in '{piece}'", reason="range")
    value = values[0] + (values[1] / 60 if len(values) > 1 else 0) + (values[2] / 3600 if len(values) > 2 else 0)
    if hemisphere is not None:
        if sign < 0:
            raise CoordinateError(f"'{piece}' has both a minus sign and a hemisphere letter", reason="syntax")
        hem_axis = "lat" if hemisphere in "NS" else "lon"
        if axis is not None and axis != hem_axis:
            raise CoordinateError(f"'{piece}': the label and the letter {hemisphere} disagree", reason="syntax")
        axis = hem_axis
        if hemisphere in "SW":
            sign = -1.0
    return _Half(piece, sign * value, axis, len(values))


def _unit_name(unit: str) -> str:
    return {"deg": "degrees", "min": "minutes", "sec": "seconds"}.get(unit, unit)


def parse_geographic(text: str, fmt: str | None = None) -> tuple[float, float, str]:
    """(lon, lat, format) from DD, DMS or DDM text.

    Without hemisphere letters or labels the first value is latitude ("13.0512, 103.0521", as GPS
    receivers and web maps show it), unlike GeoJSON's longitude-first order.
    """
    tokens = _tokens(text.replace("−", "-"))
    first, second = (_read_half(h, text) for h in _split_halves(tokens, text))
    if first.axis and second.axis:
        if first.axis == second.axis:
            what = "latitudes" if first.axis == "lat" else "longitudes"
            raise CoordinateError(f"'{text}' has two {what}; give one latitude (N/S) and one longitude (E/W)")
        lat, lon = (first, second) if first.axis == "lat" else (second, first)
    elif first.axis or second.axis:
        known = first if first.axis else second
        other = second if first.axis else first
        lat, lon = (known, other) if known.axis == "lat" else (other, known)
    else:
        lat, lon = first, second
    if fmt in _PARTS_FORMAT.values():
        expected = {v: k for k, v in _PARTS_FORMAT.items()}[fmt]
        for half in (lat, lon):
            if half.parts != expected:
                raise CoordinateError(
                    f"expected {FORMAT_NAMES[fmt]} but {half.text!r} has {_parts_text(half.parts)}", reason="format"
                )
    if not -90 <= lat.value <= 90:
        hint = ""
        if -90 <= lon.value <= 90 and lat.axis is None:
            hint = "; the first value is read as latitude: did you give longitude first?"
        raise CoordinateError(
            f"latitude {lat.value:g} is out of range (−90 to 90) in '{text}'{hint}", reason="swapped coordinates"
        )
    if not -180 <= lon.value <= 180:
        raise CoordinateError(f"longitude {lon.value:g} is out of range (−180 to 180) in '{text}'", reason="range")
    detected = _PARTS_FORMAT[max(lat.parts, lon.parts)]
    return lon.value, lat.value, detected


def _parts_text(parts: int) -> str:
    return {1: "degrees only", 2: "degrees and minutes", 3: "degrees, minutes and seconds"}[parts]


# -------------------------------------------------------------------------------- entry points

_LOOKS_MGRS = re.compile(r"\d{1,2}\s*[A-Z]\s*[A-Z]\s*[A-Z][\d\s]*")


def detect_format(text: str) -> str:
    """The format `text` is written in: mgrs, utm, or dd/ddm/dms (by the number of parts)."""
    upper = text.strip().upper()
    if _LOOKS_MGRS.fullmatch(upper):
        return "mgrs"
    m = _UTM.fullmatch(upper)
    if m and (m["word"] or m["letter"] or len(m["e"].split(".")[0]) >= 5):
        return "utm"
    return parse_geographic(text)[2]


@dataclass(frozen=True)
class Reading:
    lon: float
    lat: float
    format: str
    datum: str
    transformation: str


def read_coordinate(text: str, fmt: str | None = None, datum: str | None = "WGS84") -> Reading:
    """Like parse_coordinate, with the format found and the datum transformation applied."""
    if text is None or not str(text).strip():
        raise CoordinateError("empty coordinate", reason="missing")
    text = str(text).strip()
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise CoordinateError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", reason="format")
    source = get_datum(datum)
    given = fmt
    fmt = fmt or detect_format(text)
    if fmt == "mgrs":
        if source.key != "WGS84":
            raise CoordinateError(
                f"MGRS is read on WGS 84 only, not {source.name}: maps on older datums used another letter scheme",
                reason="datum",
            )
        lon, lat = from_mgrs(text)
        return Reading(lon, lat, fmt, source.name, "WGS 84: no datum shift")
    if fmt == "utm":
        reading = parse_utm(text)
        crs = utm_crs(reading.zone, reading.north, source)
        _, description = wgs84_transformer(crs)
        lon, lat = to_wgs84(reading.easting, reading.northing, crs)
        _check_band(reading, lat, text)
        return Reading(lon, lat, fmt, source.name, description)
    lon, lat, found = parse_geographic(text, given)
    description = "WGS 84: no datum shift"
    if source.key != "WGS84":
        _, description = wgs84_transformer(source.geographic)
        lon, lat = to_wgs84(lon, lat, source.geographic)
    return Reading(lon, lat, found, source.name, description)


def parse_coordinate(text: str, fmt: str | None = None, datum: str = "WGS84") -> tuple[float, float]:
    """A coordinate as written (DD, DMS, DDM, UTM, MGRS; `fmt` None = detect) → (lon, lat) in WGS 84.

    `datum` is the datum the text is written in (WGS84, Indian 1960, Pulkovo 1942); the result is
    always WGS 84. Raises CoordinateError naming the input and the problem.
    """
    r = read_coordinate(text, fmt, datum)
    return r.lon, r.lat


def _sexagesimal(value: float, parts: int, decimals: int, positive: str, negative: str) -> str:
    unit = 60 ** (parts - 1) * 10**decimals
    total = round(abs(value) * unit)
    degrees, rest = divmod(total, unit)
    letter = positive if value >= 0 or total == 0 else negative
    if parts == 2:
        minutes = rest / 10**decimals
        return f"{degrees}°{minutes:0{3 + decimals if decimals else 2}.{decimals}f}'{letter}"
    minutes, seconds = divmod(rest, 60 * 10**decimals)
    seconds = seconds / 10**decimals
    return f"{degrees}°{minutes:02d}'{seconds:0{3 + decimals if decimals else 2}.{decimals}f}\"{letter}"


def format_coordinate(lon: float, lat: float, fmt: str, precision: int | None = None) -> str:
    """WGS 84 (lon, lat) as text in `fmt`: dd "13.051200, 103.052100" (latitude first), dms, ddm,
    utm "48P 505000 1443000" (band letter, metres rounded), mgrs "48P UV 05000 43000" (truncated)."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CoordinateError(f"lon {lon}, lat {lat} is not a WGS 84 longitude/latitude", reason="range")
    fmt = (fmt or "").lower()
    if fmt == "dd":
        p = 6 if precision is None else precision
        return f"{lat:.{p}f}, {lon:.{p}f}"
    if fmt == "dms":
        p = 2 if precision is None else precision
        return f"{_sexagesimal(lat, 3, p, 'N', 'S')} {_sexagesimal(lon, 3, p, 'E', 'W')}"
    if fmt == "ddm":
        p = 4 if precision is None else precision
        return f"{_sexagesimal(lat, 2, p, 'N', 'S')} {_sexagesimal(lon, 2, p, 'E', 'W')}"
    if fmt == "utm":
        zone, band, e, n = lonlat_to_utm(lon, lat)
        p = 0 if precision is None else precision
        return f"{zone}{band} {e:.{p}f} {n:.{p}f}"
    if fmt == "mgrs":
        return to_mgrs(lon, lat, 5 if precision is None else precision)
    raise CoordinateError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", reason="format")


def all_formats(lon: float, lat: float) -> dict[str, str]:
    """The position in every format (UTM and MGRS only where they are defined)."""
    out = {}
    for fmt in FORMATS:
        try:
            out[fmt] = format_coordinate(lon, lat, fmt)
        except CoordinateError:
            continue
    return out


# ---------------------------------------------------------------------------- position checks


def check_position(lon: float, lat: float, country: str, tolerance_m: float | None = None) -> None:
    """Refuse a position that is not in `country` (ISO3), naming the value; detect swapped lat/lon.

    The border tolerance is SAFEGROUND_BORDER_TOLERANCE_M, as for polygons (decision 0003).
    """
    import shapely
    from django.conf import settings
    from pyproj import Geod
    from shapely.ops import nearest_points

    from safeground.core.geometry import to_utm
    from safeground.gazetteer.queries import country_name, country_outline

    where = f"lon {lon:.6f}, lat {lat:.6f}"
    name = f"{country_name(country)} ({country})"
    outline = country_outline(country)
    if outline is None:
        raise CoordinateError(
            f"no national outline for {country} in the gazetteer; run `safeground gazetteer load` first",
            reason="no gazetteer",
        )

    def inside(x: float, y: float) -> bool:
        return -180 <= x <= 180 and -90 <= y <= 90 and outline.intersects(shapely.Point(x, y))

    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        hint = ""
        if inside(lat, lon):
            hint = f"; latitude and longitude look swapped: lon {lat:.6f}, lat {lon:.6f} lies in {name}"
        raise CoordinateError(
            f"{where} is not a longitude/latitude position: latitude must be within ±90° and longitude ±180°{hint}",
            reason="swapped coordinates" if hint else "out of range",
        )
    point = shapely.Point(lon, lat)
    if outline.intersects(point):
        return
    tolerance = settings.SAFEGROUND_BORDER_TOLERANCE_M if tolerance_m is None else tolerance_m
    nearby = shapely.clip_by_rect(outline, lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05)
    if not nearby.is_empty:
        from safeground.core.geometry import utm_epsg

        epsg = utm_epsg(lon, lat)
        distance = to_utm(nearby, epsg).distance(to_utm(point, epsg))
    else:
        border = nearest_points(outline.boundary, point)[0]
        distance = Geod(ellps="WGS84").inv(lon, lat, border.x, border.y)[2]
    if distance <= tolerance:
        return
    if inside(lat, lon):
        raise CoordinateError(
            f"{where} lies outside {name}; latitude and longitude look swapped: lon {lat:.6f}, lat {lon:.6f} "
            f"lies inside",
            reason="swapped coordinates",
        )
    if inside(-lon, -lat) or inside(lon, -lat) or inside(-lon, lat):
        raise CoordinateError(
            f"{where} lies outside {name}, {_distance_text(distance)} beyond its border; a sign looks wrong "
            "(check N/S and E/W)",
            reason="wrong hemisphere",
        )
    raise CoordinateError(
        f"{where} lies outside {name}, {_distance_text(distance)} beyond its border", reason="outside country"
    )


def _distance_text(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 1000 else f"{metres:,.0f} m"
