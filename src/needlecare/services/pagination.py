"""Keyset pagination, one way for every list: rows ordered by a unique key (e.g. created_at,
id), a page of `limit` rows after a position, and the position after the last row when more
rows follow. The position travels as an opaque, signed cursor (`encode_cursor` /
`decode_cursor`, keyed by the app's secret), so a client can neither read nor forge it; the
statement keeps its own scope (patient, clinic) whatever the cursor says.

Keyset rather than OFFSET: a page costs the same at row 10 as at row 1,000,000, and a row
added meanwhile neither repeats nor skips one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from needlecare.services.errors import Invalid

T = TypeVar("T")
MAX_LIMIT = 500
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    after: tuple[Any, ...] | None  # the key of the last item when more rows follow, else None


def keyset_page(
    session: Session,
    statement: Select[Any],
    key: Sequence[InstrumentedAttribute[Any]],
    *,
    after: Sequence[Any] | None,
    limit: int,
    descending: bool = False,
) -> Page[Any]:
    """Run `statement` (one ORM entity per row) ordered by the entity's `key` columns (unique
    together), from just after
    `after`; one row more than `limit` is read to know whether another page follows."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("query.limit", f"limit must be from 1 to {MAX_LIMIT}")
    if after is not None:
        if len(after) != len(key):
            raise invalid_cursor()
        position = tuple_(*key) < tuple_(*after) if descending else tuple_(*key) > tuple_(*after)
        statement = statement.where(position)
    order = [column.desc() if descending else column.asc() for column in key]
    rows = list(session.scalars(statement.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more else None
    return Page(rows, None if last is None else tuple(getattr(last, c.key) for c in key))


def invalid_cursor() -> Invalid:
    return Invalid.field(
        "query.cursor", "this cursor is not valid; start again from the first page"
    )


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="needlecare.cursor")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2 and value[0] in ("dt", "d"):
        kind, text = value
        try:
            return datetime.fromisoformat(text) if kind == "dt" else date.fromisoformat(text)
        except (TypeError, ValueError):
            raise invalid_cursor() from None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid_cursor()
    return value


def encode_cursor(secret: str, after: Sequence[Any]) -> str:
    return str(_serializer(secret).dumps([_plain(v) for v in after]))


def decode_cursor(secret: str, cursor: str | None) -> tuple[Any, ...] | None:
    """The position a cursor of ours names; Invalid (422) for anything else."""
    if cursor is None:
        return None
    try:
        values = _serializer(secret).loads(cursor)
    except BadSignature:
        raise invalid_cursor() from None
    if not isinstance(values, list):
        raise invalid_cursor()
    return tuple(_typed(v) for v in values)
