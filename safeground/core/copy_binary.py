"""PostgreSQL's binary COPY format, built a whole column at a time with NumPy and Arrow (decision 0017).

The server parses COPY's text form slowly: a million devices take it about 16 s, most of it turning
hex EWKB, UUIDs, dates and timestamps back into binary. In the binary form it only copies bytes
(measured: 3.1 s against 8.7 s for the same rows into an empty table). Each column becomes, for a
chunk of rows, its values' byte sizes (-1 for NULL) and their bytes laid end to end; the rows are
then assembled by Arrow's element-wise join of fixed-width blocks and variable-width values (no
Python step per row).

Only the types the bulk-written tables use are encoded; a table with any other type (numeric, say)
gets `None` from `encoder_for` and is written in the text form instead.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import uuid
from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from django.contrib.gis.db.models import GeometryField
from django.db import DataError, connection, models

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"
DAY_ZERO = np.datetime64("2000-01-01", "D")  # PostgreSQL's epoch for dates and timestamps
TIME_ZERO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

#: One encoded column: each row's byte size (-1 for NULL) and the non-NULL rows' bytes end to end.
Encoded = tuple[np.ndarray, np.ndarray]


def encoder_for(fields: Sequence[models.Field]) -> Callable[[list], bytes] | None:
    """A function from a chunk's columns (one per field, in order) to its rows in COPY's binary form."""
    encoders = [_encoder(f) for f in fields]
    if any(e is None for e in encoders):
        return None

    def rows(columns: list) -> bytes:
        return _assemble([_column(e, c) for e, c in zip(encoders, columns, strict=True)])  # type: ignore[arg-type]

    return rows


def _column(encode: Callable[[Sequence], Encoded], values: Sequence) -> Encoded:
    """One column encoded; a column of one value throughout (the batch, the time, a default) is encoded once."""
    n = len(values)
    if isinstance(values, list) and n > 1 and values[0] is values[-1] and values.count(values[0]) == n:
        sizes, data = encode(values[:1])
        return np.repeat(sizes, n), np.tile(data, n)
    return encode(values)


def _encoder(field: models.Field) -> Callable[[Sequence], Encoded] | None:
    if isinstance(field, GeometryField):
        return lambda values: _geometry(values, field.srid)
    target = field.target_field if field.is_relation else field
    kind = target.db_type(connection) or ""
    if kind == "uuid":
        return _uuid
    if kind.startswith(("varchar", "text", "char")):
        return _text
    if kind == "jsonb":
        return _json
    fixed = {
        "smallint": ">i2",
        "integer": ">i4",
        "bigint": ">i8",
        "boolean": "?",
        "double precision": ">f8",
        "date": "date",
        "timestamp with time zone": "timestamp",
    }.get(kind)
    if fixed == "date":
        return _date
    if fixed == "timestamp":
        return _timestamp
    if fixed:
        return lambda values: _number(values, fixed)
    return None


def _assemble(columns: list[Encoded]) -> bytes:
    """Rows of `columns`: a 16-bit field count, then per field a 32-bit size and the bytes.

    Runs of fixed-width fields (every row the same size: UUIDs, numbers, dates, points, a column of
    NULLs) are stacked side by side into one block of bytes per row; Arrow's element-wise join then
    lays the blocks and the variable-width values (text, polygons) end to end, row after row.
    """
    n = len(columns[0][0])
    parts: list = []
    block = [np.full((n, 1), len(columns), dtype=">i2").view(np.uint8)]
    for sizes, data in columns:
        block.append(sizes.astype(">i4").reshape(n, 1).view(np.uint8))
        width = int(sizes[0]) if n else 0
        if n and (sizes == width).all():  # fixed width: part of the block
            if width > 0:
                block.append(data.reshape(n, width))
            continue
        parts.append(np.hstack(block))
        block = []
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.maximum(sizes, 0), out=offsets[1:])
        parts.append(pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]))
    if block:
        parts.append(np.hstack(block))
    if len(parts) == 1 and isinstance(parts[0], np.ndarray):
        return parts[0].tobytes()
    rows = pc.binary_join_element_wise(*(p if isinstance(p, pa.Array) else _arrow_block(p) for p in parts), b"")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset : rows.offset + n + 1]
    return memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]].tobytes()


def _arrow_block(block: np.ndarray) -> pa.Array:
    """A block of equal-width rows as an Arrow binary array (one value per row)."""
    width = block.shape[1]
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(block), [None, pa.py_buffer(block)])
    return fixed.cast(pa.binary())


def _nulls(values: Sequence) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype != object:
        return np.zeros(len(values), dtype=bool)
    return np.fromiter(map(operator.is_, values, repeat(None)), dtype=bool, count=len(values))


def _fixed(raw: np.ndarray, null: np.ndarray) -> Encoded:
    """Big-endian fixed-width values; NULL rows get size -1 and no bytes."""
    return _spread(np.ascontiguousarray(raw[~null]).view(np.uint8).ravel(), null, raw.dtype.itemsize)


def _number(values: Sequence, dtype: str) -> Encoded:
    null = _nulls(values)
    if null.any():
        values = [0 if v is None else v for v in values]
    try:
        column = np.asarray(values)
    except OverflowError as exc:
        raise DataError("integer out of range") from exc
    kind = np.dtype(dtype)
    if kind.kind == "i":  # the server would refuse a value its type can't hold: so does this, never wrapping
        if column.dtype.kind == "f" and not np.array_equal(column, np.trunc(column)):
            raise DataError("a fraction in an integer column")
        if column.dtype.kind not in "iu":
            try:
                column = column.astype(np.int64)
            except OverflowError as exc:  # Python integers beyond 64 bits
                raise DataError("integer out of range") from exc
        limits = np.iinfo(kind)
        if len(column) and (column.min() < limits.min or column.max() > limits.max):
            raise DataError(f"integer out of range for a {limits.bits}-bit column")
    return _fixed(column.astype(dtype), null)


def _date(values: Sequence) -> Encoded:
    """Days since 2000-01-01; dates repeat, so each distinct one is converted once."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        days = values.astype("datetime64[D]")
        return _fixed((days - DAY_ZERO).astype(">i4"), np.isnat(days))
    distinct = set(values)
    distinct.discard(None)
    days = (np.array(list(distinct), dtype="datetime64[D]") - DAY_ZERO).astype(np.int64).tolist()
    number = dict(zip(distinct, days, strict=True))
    number[None] = 0
    return _fixed(
        np.fromiter(map(number.__getitem__, values), dtype=np.int64, count=len(values)).astype(">i4"), _nulls(values)
    )


def _timestamp(values: Sequence) -> Encoded:
    """Microseconds since 2000-01-01 UTC; bulk rows share a few timestamps, each converted once."""
    micros = {v: (v - TIME_ZERO) // dt.timedelta(microseconds=1) for v in set(values) if v is not None}
    micros[None] = 0
    raw = np.fromiter(map(micros.__getitem__, values), dtype=np.int64, count=len(values)).astype(">i8")
    return _fixed(raw, _nulls(values))


def _uuid(values: Sequence) -> Encoded:
    """16 bytes each. Canonical text (the bulk loader's own ids) goes through one `bytes.fromhex`;
    UUID objects repeat (the referenced rows' ids), so each distinct object is converted once."""
    null = _nulls(values)
    present = [v for v in values if v is not None] if null.any() else list(values)
    text = bool(present) and type(present[0]) is str and set(map(type, present)) == {str}
    if text and sum(map(len, present)) == 36 * len(present):
        chars = np.array(present, dtype="U36").view("U1").reshape(-1, 36)
        if (chars[:, [8, 13, 18, 23]] == "-").all():  # every one in the 8-4-4-4-12 form
            try:
                return _spread(bytes.fromhex("".join(present).replace("-", "")), null, 16)
            except ValueError:  # not hex digits: converted one by one below, which names the bad one
                pass
    by_object = dict(zip(map(id, present), present, strict=True))
    converted = {key: (v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))).bytes for key, v in by_object.items()}
    data = b"".join(map(converted.__getitem__, map(id, present)))
    return _spread(data, null, 16)


def _spread(data: bytes | np.ndarray, null: np.ndarray, width: int) -> Encoded:
    """Fixed-width bytes of the non-NULL rows, with the sizes of every row."""
    return np.where(null, -1, width).astype(np.int64), np.frombuffer(data, dtype=np.uint8)


def _arrow(array: pa.Array) -> Encoded:
    """A string or binary Arrow array's sizes and bytes, straight from its buffers."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    sizes = np.diff(offsets).astype(np.int64)
    if array.null_count:
        sizes[array.is_null().to_numpy(zero_copy_only=False)] = -1
    buffer = array.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8)[offsets[0] : offsets[-1]] if buffer else np.empty(0, np.uint8)
    return sizes, data


def _text(values: Sequence) -> Encoded:
    try:
        return _arrow(pa.array(values, type=pa.string(), from_pandas=False))
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers or other objects in a text column
        return _arrow(pa.array([None if v is None else str(v) for v in values], type=pa.string()))


def _json(values: Sequence) -> Encoded:
    """jsonb's binary form: a version byte (1), then the JSON text."""
    return _arrow(pa.array([None if v is None else b"\x01" + json.dumps(v).encode() for v in values], pa.binary()))


#: EWKB of a 2D point with an SRID: little-endian flag, type 1 with the SRID bit, then the SRID.
_POINT = np.frombuffer(b"\x01\x01\x00\x00\x20", dtype=np.uint8)


def _geometry(values: Sequence, srid: int) -> Encoded:
    """EWKB with the column's SRID. A column of plain 2D points is laid out from its coordinates."""
    geoms = np.empty(len(values), dtype=object)
    geoms[:] = list(values)
    if len(geoms) and isinstance(geoms[0], (bytes, bytearray, memoryview)):
        geoms = shapely.from_wkb(geoms)
    null = shapely.is_missing(geoms)
    kinds = shapely.get_type_id(geoms)
    if (
        len(geoms)
        and not null.any()
        and (kinds == 0).all()
        and not (shapely.has_z(geoms) | shapely.is_empty(geoms)).any()
    ):
        rows = np.empty((len(geoms), 25), dtype=np.uint8)
        rows[:, :5] = _POINT
        rows[:, 5:9] = np.frombuffer(np.int32(srid).astype("<i4").tobytes(), dtype=np.uint8)
        rows[:, 9:] = shapely.get_coordinates(geoms).astype("<f8").view(np.uint8).reshape(-1, 16)
        return np.full(len(geoms), 25, dtype=np.int64), rows.ravel()
    wkb = shapely.to_wkb(shapely.set_srid(geoms, srid), include_srid=True)
    return _arrow(pa.array(wkb, type=pa.binary()))
