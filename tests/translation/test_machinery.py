"""Issue 22: choosing the locale, the catalogues, and the checks on a shipped language."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from needlecare.i18n import (
    format_day,
    format_number,
    parse_accept_language,
    resolve_locale,
    shipped_locales,
    translate_text,
    translator,
)
from needlecare.translation import (
    check_locales,
    extract,
    glossary,
    message_problems,
    refresh,
    start_language,
)


def test_spanish_is_shipped_after_english() -> None:
    assert shipped_locales()[0] == "en"
    assert "es" in shipped_locales()


@pytest.mark.parametrize(
    ("stored", "header", "expected"),
    [
        (None, None, "en"),
        (None, "", "en"),
        (None, "es-ES,es;q=0.9", "es"),
        (None, "ko, es;q=0.5", "es"),  # Korean is not shipped yet: the next choice wins
        (None, "es;q=0.1, en;q=0.9", "en"),  # quality, not order, ranks the choices
        (None, "es;q=0, en", "en"),  # q=0 means "not this one"
        (None, "*", "en"),
        (None, "garbage;;;,,q=x", "en"),
        ("es", "en", "es"),  # a stored choice beats the browser
        ("en", "es", "en"),
        ("zz", "es", "es"),  # a stored value no longer shipped falls back to the browser
    ],
)
def test_resolve_locale(stored: str | None, header: str | None, expected: str) -> None:
    assert resolve_locale(stored, header) == expected


def test_accept_language_order() -> None:
    assert parse_accept_language("fr;q=0.5, es, de;q=0.7") == ["es", "de", "fr"]


def test_knowledge_texts_are_keyed_by_their_code() -> None:
    english = "Call your clinic."
    assert translate_text("en", english) == english
    text = "Nothing you told us today is outside the usual course of healing on day {day}."
    spanish = translate_text("es", text, "no_concerns_reported", day=3)
    assert spanish.startswith("Nada de lo que nos has contado hoy") and "día 3" in spanish
    # Without its code the rule text is not found: English, visibly (never a wrong match).
    assert translate_text("es", text, day=3) == text.format(day=3)
    assert translator("es")("Log out") == "Cerrar sesión"


def test_numbers_and_dates_follow_the_locale() -> None:
    assert format_number(1.5, "es") == "1,5"
    assert format_number(1.5, "en") == "1.5"
    assert format_number(12345, "es", 0) == "12.345"
    assert format_day(date(2026, 12, 5), "es") == "5 dic 2026"
    assert format_day(date(2026, 12, 5), "en") == "Dec 5, 2026"


def _message(english: str, spanish: str, *, context: str | None = None) -> Message:
    return Message(english, spanish, context=context)


def test_a_missing_translation_is_a_problem() -> None:
    assert list(message_problems("es", _message("Call your clinic.", ""))) == ["untranslated"]
    fuzzy = Message("Call your clinic.", "Llama a tu clínica.", flags=["fuzzy"])
    assert list(message_problems("es", fuzzy)) == ["untranslated"]


def test_a_placeholder_mismatch_is_a_problem() -> None:
    problems = list(message_problems("es", _message("On day {day}", "El día {dia}")))
    assert problems and "placeholders" in problems[0]
    assert not list(message_problems("es", _message("On {day:exercise}", "El {day:exercise}")))
    assert list(message_problems("es", _message("On {day:exercise}", "El {day:makeup}")))
    assert list(message_problems("es", _message("Call %(phone)s", "Llamar")))


def test_a_glossary_term_worded_another_way_is_a_problem() -> None:
    good = _message("Some redness is expected.", "Algo de enrojecimiento es lo esperado.")
    assert not list(message_problems("es", good))
    other_word = _message("Some redness is expected.", "Algo de rojez es lo esperado.")
    problems = list(message_problems("es", other_word))
    assert problems == ["glossary: 'redness' must read 'enrojecimiento' in 'es'"]
    # Whole words only: "Feverfew" (a plant) does not name a fever.
    assert not list(message_problems("es", _message("Feverfew extract", "Extracto de matricaria")))


def test_glossary_covers_the_terms_the_issue_names() -> None:
    spanish = {form for term in glossary() for form in term.translations.get("es", ())}
    assert {"enrojecimiento", "hinchazón", "ampollas", "pus", "fiebre"} <= spanish
    assert all(term.translations.get("es") for term in glossary())


def test_the_shipped_catalogues_are_complete_and_consistent() -> None:
    assert check_locales() == []


def test_extraction_reads_code_templates_and_knowledge(tmp_path: Path) -> None:
    ids = {(m.context, m.id) for m in extract() if m.id}
    assert (None, "Log out") in ids  # base.html
    assert (None, "Page not found") in ids  # N_() in Python
    assert any(context == "breathing_difficulty" for context, _ in ids)  # rules.toml, by code


def test_a_new_language_starts_empty_and_is_then_reported(tmp_path: Path) -> None:
    root = tmp_path / "needlecare"
    (root / "web" / "templates").mkdir(parents=True)
    (root / "web" / "templates" / "page.html").write_text("<p>{% trans %}Hello{% endtrans %}</p>")
    (root / "locale").mkdir()
    start_language("fr", root)
    assert refresh(root) == ["fr"]
    pot = (root / "locale" / "messages.pot").read_text()
    po = (root / "locale" / "fr" / "LC_MESSAGES" / "messages.po").read_text()
    assert 'msgid "Hello"' in pot and 'msgid "Hello"' in po


def test_text_remembers_its_message_and_translates_where_shown() -> None:
    from needlecare.i18n import Text, localize

    text = Text("Day {day}: {verdict}", day=2, verdict=Text("AVOID"))
    assert text == "Day 2: AVOID"  # a str: JSON contracts and English are unchanged
    assert localize("es", text) == "Día 2: EVITAR"
    assert localize("en", text) == "Day 2: AVOID"
    dated = Text("{date}", date=date(2026, 12, 5))
    assert dated == "Sat 5 Dec 2026" and localize("es", dated) == "sáb 5 dic 2026"
    assert localize("es", "Paula's own words") == "Paula's own words"  # never lost
