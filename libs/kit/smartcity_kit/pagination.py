"""Cursor pagination: `?limit=&cursor=` in, `{"items", "next_cursor"}` out.

A cursor is the opaque, url-safe encoding of the sort key of the last item
returned; the next page starts strictly after it, so it stays valid while rows
are added.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import orjson
import sqlalchemy as sa
from fastapi import Query
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from .db import row_dicts
from .generic_problems import INVALID_CURSOR
from .problems import AppError
from .problemtypes import FieldError

T = TypeVar("T")

LimitQuery = Annotated[int, Query(ge=1, le=200, description="Page size, 1-200.")]
CursorQuery = Annotated[str | None, Query(max_length=512, description="Opaque cursor from `next_cursor`.")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def invalid_cursor(field: str) -> AppError:
    return AppError(
        INVALID_CURSOR,
        "The cursor is not valid.",
        errors=[FieldError(field, "not_a_cursor", "Not a cursor from this list.")],
    )


def decode_cursor(cursor: str, arity: int, field: str = "cursor") -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != arity:
        raise invalid_cursor(field)
    return values


async def keyset_page(
    session: AsyncSession,
    stmt: sa.Select[Any],
    *,
    keys: Sequence[sa.ColumnElement[Any] | QueryableAttribute[Any]],
    key_of: Callable[[Any], Sequence[Any]],
    limit: int,
    cursor: str | None,
    convert: Sequence[Callable[[Any], Any]] | None = None,
    as_dicts: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered ascending by `keys`; returns (rows, next_cursor).

    The rows are the first selected column's values (the entities of `select(Entity)`), or with `as_dicts`
    each row as a dict of its columns: a Core select of the response's fields then goes straight into its
    model (`Page[Out].model_validate({"items": rows, ...})`, one validation of the page) without an entity
    loaded and a model built per row (bench/hot_reads.md).
    """
    if cursor:
        values = decode_cursor(cursor, len(keys))
        if convert:
            try:
                values = [fn(v) for fn, v in zip(convert, values, strict=True)]
            except (TypeError, ValueError) as exc:
                raise invalid_cursor("cursor") from exc
        stmt = stmt.where(
            sa.tuple_(*keys) > sa.tuple_(*[sa.literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)])
        )
    result = await session.execute(stmt.order_by(*keys).limit(limit + 1))
    rows: list[Any] = row_dicts(result) if as_dicts else list(result.scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(key_of(rows[-1]))
    return rows, next_cursor
