"""The public education pages: every statement links to a source that resolves, search,
last-reviewed dates, phone and print, no login needed."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from needlecare.guide import pages, search

from .conftest import login

# Public pages read no data: one database kind is enough for them.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

STATEMENT = re.compile(r'<li class="statement">(.*?)</li>', re.DOTALL)
CITE_LINK = re.compile(r'<a class="cite" href="([^"]+)"')
IDS = re.compile(r'\bid="([^"]+)"')


def _ids(client: TestClient, path: str, cache: dict[str, set[str]]) -> set[str]:
    if path not in cache:
        response = client.get(path)
        assert response.status_code == 200, path
        cache[path] = set(IDS.findall(response.text))
    return cache[path]


def test_every_statement_of_every_page_links_to_a_source_that_resolves(
    client: TestClient,
) -> None:
    targets: dict[str, set[str]] = {}
    checked_links = 0
    for guide_page in pages():
        response = client.get(f"/guide/{guide_page.slug}")  # no login
        assert response.status_code == 200
        rendered = STATEMENT.findall(response.text)
        expected = [s for _section, s in guide_page.statements()]
        assert len(rendered) == len(expected) > 0, guide_page.slug
        for block, statement in zip(rendered, expected, strict=True):
            assert html.escape(statement.text, quote=False) in html.unescape(block) or (
                statement.text in html.unescape(block)
            )
            links = CITE_LINK.findall(block)
            assert len(links) == len(statement.citations) >= 1, statement.text
            for link in links:
                path, _, anchor = html.unescape(link).partition("#")
                assert anchor, link
                assert anchor in _ids(client, path, targets), link
                checked_links += 1
    assert checked_links > 50


def test_a_source_anchor_shows_the_reference_entry_and_its_bibliography(
    client: TestClient,
) -> None:
    text = client.get("/guide/sources").text
    entry = re.search(
        r'<article class="card reference-entry" id="AE-04">(.*?)</article>', text, re.S
    )
    assert entry, "AE-04 is cited by the guide and must be listed"
    body = entry.group(1)
    assert "<h3>AE-04 " in body and "confidence" in body
    for key in re.findall(r'href="#(source-[a-z0-9_]+)"', body):
        assert f'id="{key}"' in text  # each published source of the entry is in the list


def test_pages_show_when_they_were_last_reviewed(client: TestClient) -> None:
    for guide_page in pages():
        text = client.get(f"/guide/{guide_page.slug}").text
        assert f'<time datetime="{guide_page.last_reviewed.isoformat()}">' in text
        assert "Last reviewed" in text


def test_the_index_lists_every_page_in_reading_order(client: TestClient) -> None:
    text = client.get("/guide").text
    positions = [text.index(f'href="/guide/{p.slug}"') for p in pages()]
    assert positions == sorted(positions)


@pytest.mark.parametrize("query", ["cold sores", "SUNSCREEN mineral", "pimples"])
def test_search_finds_statements_by_their_words(client: TestClient, query: str) -> None:
    text = client.get("/guide", params={"q": query}).text
    hits = search(query)
    assert hits, query
    assert f"{len(hits)} result" in text
    for hit in hits[:3]:
        assert f'href="/guide/{hit.slug}#{hit.section_id}"' in text
        # the link goes to a real section of that page
        assert f'id="{hit.section_id}"' in client.get(f"/guide/{hit.slug}").text
    words = query.lower().split()
    assert any(
        all(
            w in hit.snippet.lower()
            or w in hit.page_title.lower()
            or w in hit.section_heading.lower()
            for w in words
        )
        for hit in hits
    )


def test_search_without_hits_says_so_and_bad_input_is_harmless(client: TestClient) -> None:
    response = client.get("/guide", params={"q": "xylophone zebra"})
    assert response.status_code == 200
    assert "Nothing found for" in response.text
    response = client.get("/guide", params={"q": "<script>" + "a" * 5000})
    assert response.status_code == 200
    assert "<script>a" not in response.text


def test_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/guide/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_pages_are_phone_ready_printable_and_csp_clean(client: TestClient) -> None:
    for path in ["/guide", "/guide/sources", *(f"/guide/{p.slug}" for p in pages())]:
        text = client.get(path).text
        assert 'name="viewport" content="width=device-width' in text
        assert re.search(
            r'<link rel="stylesheet" href="/static/print\.css\?v=\w+" media="print">', text
        )
        assert " style=" not in text and "<style" not in text
        assert re.search(r"<script(?! src=)", text) is None
    assert client.get("/static/print.css").status_code == 200


def test_a_logged_in_patient_sees_the_sheet_link(client: TestClient, world: object) -> None:
    assert "/guide/sheet" not in client.get("/guide").text
    login(client, world.pat.user_id)  # type: ignore[attr-defined]
    assert 'href="/guide/sheet"' in client.get("/guide").text
