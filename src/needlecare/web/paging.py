"""The web side of keyset pagination (services.pagination), the same on every list route:
`limit` and `cursor` query parameters in, the page as the body, and while more rows follow
an RFC 8288 `Link: <...>; rel="next"` header whose URL carries the next signed cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response

from needlecare.services.pagination import MAX_LIMIT, decode_cursor, encode_cursor

Cursor = Annotated[
    str | None,
    Query(max_length=500, description='From the `Link: rel="next"` header of the last page'),
]
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


@dataclass(frozen=True)
class ListQuery:
    """An API list request's paging: where the page starts, how many rows, and the response
    whose `Link` header names the next page."""

    request: Request
    response: Response
    limit: int
    after: tuple[Any, ...] | None

    def link_next(self, after: tuple[Any, ...] | None) -> None:
        link_next(self.request, self.response, after)


def paged(default: int = 100, maximum: int = MAX_LIMIT) -> Any:
    """The `limit` and `cursor` query parameters of a list route, as one dependency;
    `default` and `maximum` are that list's page sizes."""

    def list_query(
        request: Request,
        response: Response,
        limit: int = Query(default, ge=1, le=maximum, description="Rows per page"),
        cursor: Cursor = None,
    ) -> ListQuery:
        return ListQuery(request, response, limit, position(request, cursor))

    return Depends(list_query)


Paged = Annotated[ListQuery, paged()]


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
