"""Records <-> JSON-ready dicts, for the cache and for ``--load`` replays.

Dataclasses here hold datetimes, tuples and nested records; JSON holds ISO
strings and lists. The field types are read once per class from the
annotations, so adding a field to a record needs no change here.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
Decoder = Callable[[Any], Any]


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), separators=(",", ":"), ensure_ascii=False)


def from_jsonable(cls: type[T], data: dict[str, Any]) -> T:
    decoders = _decoders(cls)  # type: ignore[arg-type]  # classes are hashable
    kwargs = {name: decode(data[name]) for name, decode in decoders.items() if name in data}
    return cls(**kwargs)


def loads(cls: type[T], text: str) -> T:
    return from_jsonable(cls, json.loads(text))


@cache
def _decoders(cls: Any) -> dict[str, Decoder]:
    hints = typing.get_type_hints(cls)
    return {f.name: _decoder_for(hints[f.name]) for f in dataclasses.fields(cls)}


def _identity(value: Any) -> Any:
    return value


def _decoder_for(hint: Any) -> Decoder:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            decode = _decoder_for(inner[0])
            return lambda v: None if v is None else decode(v)
        return _identity
    if hint is datetime:
        return datetime.fromisoformat
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder_for(args[0])
            if item is _identity:
                return tuple
            return lambda v: tuple(item(x) for x in v)
        parts = [_decoder_for(a) for a in args]
        return lambda v: tuple(d(x) for d, x in zip(parts, v, strict=True))
    if origin is list:
        item = _decoder_for(args[0]) if args else _identity
        return lambda v: [item(x) for x in v]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda v: from_jsonable(hint, v)
    return _identity
