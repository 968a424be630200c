"""The stage cache's values: JSON (never pickle), zlib-compressed above a size.

A value is one header byte (``0x00`` raw UTF-8 JSON, ``0x01`` zlib-compressed JSON) and the
body; :func:`pack_stage` and :func:`unpack_stage` give each cached stage's output its JSON
shape (mentions as rows under a column list, so a new field is a miss, never a wrong value).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from docbatch.models import Chunk, EntityType, ExtractedDocument, Mention, Stage, to_dict

__all__ = [
    "COMPRESS_THRESHOLD",
    "decode_value",
    "encode_json",
    "encode_value",
    "pack_stage",
    "unpack_stage",
]

#: Encoded JSON longer than this many bytes is stored zlib-compressed.
COMPRESS_THRESHOLD = 1024

_RAW = 0x00
_ZLIB = 0x01


def encode_value(value: Any) -> bytes:
    """Encode a JSON-ready value (or a model, via :func:`~docbatch.models.to_dict`).

    The first byte is ``0x00`` for raw UTF-8 JSON or ``0x01`` for zlib-compressed JSON.
    NaN and infinities are rejected: they are not JSON and other readers would choke.
    """
    return encode_json(to_dict(value))


def encode_json(data: Any) -> bytes:
    """:func:`encode_value` for data already made of JSON types (dicts, lists, strings,
    numbers, booleans, None): no second walk through it."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )
    if len(body) > COMPRESS_THRESHOLD:
        # Level 1: most of level 6's saving on text, at a fraction of its time.
        packed = zlib.compress(body, 1)
        # Already-dense text (long random strings) can grow; keep whichever is smaller.
        if len(packed) < len(body):
            return bytes([_ZLIB]) + packed
    return bytes([_RAW]) + body


def decode_value(data: bytes | str) -> Any:
    """Decode bytes written by :func:`encode_value`; raises ValueError if they are not."""
    if isinstance(data, str):
        # Only a client with decode_responses=True hands out str; it cannot carry zlib.
        data = data.encode("utf-8")
    if not data:
        raise ValueError("empty cache value")
    header, body = data[0], data[1:]
    if header == _ZLIB:
        try:
            body = zlib.decompress(body)
        except zlib.error as exc:
            raise ValueError(f"corrupt compressed cache value: {exc}") from exc
    elif header != _RAW:
        raise ValueError(f"unknown cache value header 0x{header:02x}")
    return json.loads(body.decode("utf-8"))


#: The columns of a cached mention row, in :class:`~docbatch.models.Mention`'s field order.
_MENTION_COLUMNS = [
    "type",
    "text",
    "normalized",
    "char_start",
    "char_end",
    "chunk_index",
    "page",
    "confidence",
    "extractor",
    "attributes",
]


def pack_stage(stage: Stage, value: Any) -> Any:
    """The JSON data the cache holds for one stage's output (see :func:`unpack_stage`)."""
    if stage is Stage.ENTITIES:
        return {
            "columns": _MENTION_COLUMNS,
            "rows": [
                [
                    m.type.value, m.text, m.normalized, m.char_start, m.char_end,
                    m.chunk_index, m.page, m.confidence, m.extractor, dict(m.attributes),
                ]
                for m in value
            ],
        }  # fmt: skip
    return to_dict(value)


def unpack_stage(stage: Stage, data: Any) -> Any:
    """The stage output :func:`pack_stage` packed into ``data``.

    Raises ValueError for data of another shape (written by another version of
    docbatch): the caller treats it as a miss.
    """
    try:
        if stage is Stage.EXTRACT:
            return ExtractedDocument.from_dict(data)
        if stage is Stage.CHUNK:
            return tuple(Chunk.from_dict(c) for c in data)
        if stage is Stage.ENTITIES:
            if data["columns"] != _MENTION_COLUMNS:
                raise ValueError(f"mention columns {data['columns']!r} are not this version's")
            return tuple(
                Mention(
                    EntityType(row[0]), row[1], row[2], row[3], row[4],
                    row[5], row[6], row[7], row[8], dict(row[9]),
                )
                for row in data["rows"]
            )  # fmt: skip
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"cached {stage} output has an unknown shape: {exc!r}") from exc
    raise ValueError(f"stage {stage} is not cached")
