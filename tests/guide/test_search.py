import pytest

from needlecare.guide import search
from needlecare.guide.search import fold


def test_finds_statements_by_their_words():
    hits = search("milia squeeze")
    assert hits
    assert all(h.slug == "breakouts-and-purging" for h in hits)
    assert any("squeeze" in h.snippet for h in hits)


def test_is_case_and_accent_insensitive():
    plain = search("honey coloured crusts")
    assert plain
    assert search("HONEY-COLOURED crusts") == plain
    assert search("hóney cólóured crüsts") == plain
    assert fold("Acné Rosacée") == "acne rosacee"


def test_matches_word_beginnings():
    assert {h.slug for h in search("retino")} >= {"aftercare", "breakouts-and-purging"}


def test_ranks_title_matches_first():
    hits = search("breakouts")
    assert hits[0].slug == "breakouts-and-purging"
    title_hits = [h for h in hits if h.slug == "breakouts-and-purging"]
    assert hits[: len(title_hits)] == title_hits
    assert all(h.score >= 100 for h in title_hits)


@pytest.mark.parametrize("query", ["", "   ", "?!", "zzzz-no-such-word"])
def test_nothing_for_empty_or_unknown_queries(query):
    assert search(query) == []


def test_every_word_must_match():
    assert search("milia") and search("fever")
    assert search("milia fever") == []


def test_the_purging_myth_is_findable_by_its_popular_words():
    for query in ("detox", "toxins", "purge"):
        hits = search(query)
        assert hits and hits[0].slug == "breakouts-and-purging", query
