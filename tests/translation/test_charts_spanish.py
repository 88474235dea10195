"""Issue 22: charts speak the reader's language: words, and numbers in the locale's format."""

from __future__ import annotations

from needlecare.charts import chart, symptom_charts
from needlecare.web.pages.photos import PHOTO_MEASURES

from .untranslated import untranslated


def test_photo_charts_say_their_labels_and_decimals_in_spanish() -> None:
    redness = chart(PHOTO_MEASURES[0], [(1, 14.25), (4, 12.5)], "photo-a", "es")
    assert "Enrojecimiento en la foto" in redness.svg
    assert "14,25" in redness.description and "12,5" in redness.svg
    assert "14.25" not in redness.svg and redness.rows == [(1, "14,25"), (4, "12,5")]
    assert untranslated(redness.svg) == [] and untranslated(redness.description) == []
    english = chart(PHOTO_MEASURES[0], [(1, 14.25)], "photo-a", "en")
    assert "Redness in the photo" in english.svg and "14.25" in english.svg
    empty = chart(PHOTO_MEASURES[2], [], "photo-b", "es")
    assert untranslated(empty.description) == [] and "foto" in empty.description


def test_symptom_charts_in_spanish_carry_no_catalogue_english() -> None:
    charts = symptom_charts([(0, {"redness": 3, "pain": 4}), (2, {"redness": 2})], locale="es")
    for drawn in charts:
        assert untranslated(drawn.svg) == [], drawn.key
        assert untranslated(drawn.description) == [], drawn.key
