"""The result file of a population run written directly: person_id (Int64) plus one nullable boolean column per rule.

Polars' Parquet writer spends ≈ 6 ns per value on a nullable column (definition levels and values taken one by
one), nine times what it spends on the same column without nulls: at 10 M persons × 50 rules that was ≈ 3 s of
CPU, the largest part of `eligibility evaluate` (docs/rules.md). This file has one shape only, so it is written
here from the bitmaps Polars already holds, in vectorised steps (numpy `packbits`):

- one row group per `row_group` rows, one data page (format v1, uncompressed) per column and row group;
- person_id: INT64, optional (as Polars writes it; never null), PLAIN;
- each rule: BOOLEAN, optional; definition levels as one bit-packed run of the validity bitmap (the RLE/bit-packed
  hybrid with bit width 1), values PLAIN (bit-packed, the non-null ones only);
- no statistics, no dictionary, no compression — as the Polars writer was asked before.

The footer is the Thrift compact encoding of the Parquet format's FileMetaData (only the fields above). Polars and
pyarrow read the file back as Int64 + nullable booleans (tests/delivery/test_eligibility_command.py)."""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

import numpy as np
import polars as pl

MAGIC = b"PAR1"
# parquet.thrift: Type, FieldRepetitionType, Encoding, CompressionCodec, PageType
BOOLEAN, INT64 = 0, 2
OPTIONAL = 1
PLAIN, RLE = 0, 3
UNCOMPRESSED = 0
DATA_PAGE = 0
# Thrift compact protocol: field types
_I32, _I64, _BINARY, _LIST, _STRUCT = 5, 6, 8, 9, 12


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(n: int) -> bytes:
    return _varint((n << 1) ^ (n >> 63))


class _Struct:
    """A Thrift compact-protocol struct, fields added in increasing id order."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.last = 0

    def _header(self, field: int, kind: int) -> None:
        delta = field - self.last
        if 0 < delta <= 15:
            self.out.append((delta << 4) | kind)
        else:
            self.out.append(kind)
            self.out += _zigzag(field)
        self.last = field

    def i32(self, field: int, value: int) -> _Struct:
        self._header(field, _I32)
        self.out += _zigzag(value)
        return self

    def i64(self, field: int, value: int) -> _Struct:
        self._header(field, _I64)
        self.out += _zigzag(value)
        return self

    def string(self, field: int, value: str) -> _Struct:
        data = value.encode("utf-8")
        self._header(field, _BINARY)
        self.out += _varint(len(data)) + data
        return self

    def struct(self, field: int, value: _Struct) -> _Struct:
        self._header(field, _STRUCT)
        self.out += value.end()
        return self

    def list(self, field: int, kind: int, items: list) -> _Struct:
        self._header(field, _LIST)
        self.out += (
            bytes([(len(items) << 4) | kind])
            if len(items) < 15
            else bytes([0xF0 | kind]) + _varint(len(items))
        )
        for item in items:
            if kind == _STRUCT:
                self.out += item.end()
            elif kind == _BINARY:
                data = item.encode("utf-8")
                self.out += _varint(len(data)) + data
            else:
                self.out += _zigzag(item)
        return self

    def end(self) -> bytes:
        return bytes(self.out) + b"\x00"


def _page(num_values: int, body: bytes) -> bytes:
    header = (
        _Struct()
        .i32(1, DATA_PAGE)
        .i32(2, len(body))
        .i32(3, len(body))
        .struct(
            5,
            _Struct().i32(1, num_values).i32(2, PLAIN).i32(3, RLE).i32(4, RLE),
        )
    )
    return header.end() + body


def _packed(flags: np.ndarray) -> bytes:
    return np.packbits(flags, bitorder="little").tobytes()


class _ArrowSchema(ctypes.Structure):
    _fields_ = [
        ("format", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        ("metadata", ctypes.c_char_p),
        ("flags", ctypes.c_int64),
        ("n_children", ctypes.c_int64),
        ("children", ctypes.c_void_p),
        ("dictionary", ctypes.c_void_p),
        ("release", ctypes.c_void_p),
        ("private_data", ctypes.c_void_p),
    ]


class _ArrowArray(ctypes.Structure):
    pass


_ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArray))),
    ("private_data", ctypes.c_void_p),
]


class _ArrowArrayStream(ctypes.Structure):
    pass


_ArrowArrayStream._fields_ = [
    (
        "get_schema",
        ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream), ctypes.POINTER(_ArrowSchema)),
    ),
    (
        "get_next",
        ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream), ctypes.POINTER(_ArrowArray)),
    ),
    ("get_last_error", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArrayStream))),
    ("private_data", ctypes.c_void_p),
]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _bitmaps(column: pl.Series) -> tuple[bytes | None, bytes] | None:
    """(validity bitmap or None when there is no null, values bitmap) of a one-chunk Boolean column whose bits
    start on a byte, read through the Arrow C stream interface (Polars' public `__arrow_c_stream__`) without
    unpacking a bit; None for any other layout (the caller then unpacks)."""
    capsule = column.__arrow_c_stream__()
    stream = _ArrowArrayStream.from_address(_capsule_pointer(capsule, b"arrow_array_stream"))
    found: list[tuple[bytes | None, bytes]] = []
    aligned = True
    try:
        while True:
            array = _ArrowArray()
            if stream.get_next(ctypes.byref(stream), ctypes.byref(array)) != 0:
                return None
            if not array.release:  # end of the stream
                break
            try:
                aligned &= array.offset % 8 == 0 and array.n_buffers == 2
                if aligned and array.length:
                    start, size = array.offset // 8, (array.length + 7) // 8
                    validity = array.buffers[0] if array.null_count else None
                    found.append(
                        (
                            None if validity is None else ctypes.string_at(validity + start, size),
                            ctypes.string_at(array.buffers[1] + start, size),
                        )
                    )
            finally:
                array.release(ctypes.byref(array))
    finally:
        if stream.release:
            stream.release(ctypes.byref(stream))
    if not aligned or len(found) != 1:
        return None
    return found[0]


def _boolean_body(column: pl.Series) -> bytes:
    """Definition levels (length-prefixed RLE/bit-packed hybrid, bit width 1) then the non-null values, PLAIN."""
    n = len(column)
    values = column.drop_nulls() if column.null_count() else column
    if column.null_count() == 0:
        levels = _varint(n << 1) + b"\x01"  # one RLE run: n times level 1
    else:
        # One bit-packed run of ceil(n / 8) groups of 8 levels: the validity bitmap itself.
        own = _bitmaps(column)
        validity = (
            own[0] if own is not None and own[0] is not None else _packed(column.is_not_null().to_numpy())
        )
        levels = _varint(((n + 7) // 8) << 1 | 1) + validity
    packed = _bitmaps(values) if len(values) else (None, b"")
    value_bits = packed[1] if packed is not None and packed[0] is None else _packed(values.to_numpy())
    return struct.pack("<i", len(levels)) + levels + value_bits


def write_answers(frame: pl.DataFrame, output: str | Path, row_group: int) -> None:
    """Write `frame` — person_id (Int64, no nulls) then Boolean columns — as Parquet; through a temporary file
    beside `output`, renamed at the end, so that no half-written result is ever left under its name."""
    names = frame.columns
    if (
        not names
        or frame.schema[names[0]] != pl.Int64
        or any(frame.schema[c] != pl.Boolean for c in names[1:])
    ):
        raise ValueError(f"person_id (Int64) then Boolean columns expected, not {frame.schema}")
    temporary = Path(f"{output}.partial")
    row_groups = []
    try:
        with open(temporary, "wb") as file:
            file.write(MAGIC)
            for start in range(0, frame.height, row_group):  # (no row group at all for no persons)
                # One chunk per column, its bits from the first of a byte: the bitmaps can then be taken whole.
                rows = frame.slice(start, row_group).rechunk()
                chunks = []
                for index, name in enumerate(names):
                    column = rows.get_column(name)
                    if index == 0:  # optional, as Polars writes it, though every row has one
                        levels = _varint(rows.height << 1) + b"\x01"
                        values = np.ascontiguousarray(column.to_numpy(), dtype="<i8").tobytes()
                        body = struct.pack("<i", len(levels)) + levels + values
                    else:
                        body = _boolean_body(column)
                    page = _page(rows.height, body)
                    offset = file.tell()
                    file.write(page)
                    metadata = (
                        _Struct()
                        .i32(1, INT64 if index == 0 else BOOLEAN)
                        .list(2, _I32, [PLAIN, RLE])
                        .list(3, _BINARY, [name])
                        .i32(4, UNCOMPRESSED)
                        .i64(5, rows.height)
                        .i64(6, len(page))
                        .i64(7, len(page))
                        .i64(9, offset)
                    )
                    chunks.append((_Struct().i64(2, offset).struct(3, metadata), len(page)))
                row_groups.append(
                    _Struct()
                    .list(1, _STRUCT, [chunk for chunk, _ in chunks])
                    .i64(2, sum(size for _, size in chunks))
                    .i64(3, rows.height)
                )
            schema = [_Struct().string(4, "schema").i32(5, len(names))]
            for index, name in enumerate(names):
                schema.append(
                    _Struct().i32(1, INT64 if index == 0 else BOOLEAN).i32(3, OPTIONAL).string(4, name)
                )
            footer = (
                _Struct()
                .i32(1, 1)
                .list(2, _STRUCT, schema)
                .i64(3, frame.height)
                .list(4, _STRUCT, row_groups)
                .string(6, "clientcentric")
                .end()
            )
            file.write(footer + struct.pack("<i", len(footer)) + MAGIC)
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
