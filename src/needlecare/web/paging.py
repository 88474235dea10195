"""The web side of keyset pagination (services.pagination), the same on every list route:
`limit` and `cursor` query parameters in, the page as the body, and while more rows follow
an RFC 8288 `Link: <...>; rel="next"` header whose URL carries the next signed cursor."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request, Response

from needlecare.services.pagination import MAX_LIMIT, decode_cursor, encode_cursor

Cursor = Annotated[
    str | None,
    Query(max_length=500, description='From the `Link: rel="next"` header of the last page'),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")]
LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 `<url>; rel="next"` while more rows follow',
        "schema": {"type": "string"},
    }
}


def position(request: Request, cursor: str | None) -> tuple[Any, ...] | None:
    return decode_cursor(request.app.state.settings.secret_key, cursor)


def next_url(request: Request, after: tuple[Any, ...] | None) -> str | None:
    """This request's URL with the cursor of the next page (None on the last page)."""
    if after is None:
        return None
    token = encode_cursor(request.app.state.settings.secret_key, after)
    return str(request.url.include_query_params(cursor=token))


def next_path(request: Request, after: tuple[Any, ...] | None) -> str | None:
    """The same, as a path and query for a page's "more" link."""
    url = next_url(request, after)
    return None if url is None else url.removeprefix(f"{request.url.scheme}://{request.url.netloc}")


def link_next(request: Request, response: Response, after: tuple[Any, ...] | None) -> None:
    url = next_url(request, after)
    if url is not None:
        response.headers["Link"] = f'<{url}>; rel="next"'


def more_path(
    request: Request, path: str, param: str, after: tuple[Any, ...] | None, keep: dict[str, Any]
) -> str | None:
    """A "more" link for one of several lists on the page at `path`: the next cursor of
    that list in its own parameter, the other lists' cursors (`keep`) as they are."""
    if after is None:
        return None
    token = encode_cursor(request.app.state.settings.secret_key, after)
    query = {k: v for k, v in keep.items() if v is not None} | {param: token}
    return f"{path}?{urlencode(query)}"
