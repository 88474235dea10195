from importlib import resources

import pytest
from babel.messages.pofile import read_po

from needlecare.guide.i18n import long_date, parse_locale, translator
from needlecare.translation import extract


def current_messages() -> set[str | tuple[str, ...]]:
    """What `scripts/i18n_extract.sh` would find in the sources today."""
    found = {message.id for message in extract() if message.id}
    assert len(found) > 150
    return found


def _ids(*path: str) -> set[str | tuple[str, ...]]:
    with resources.files("needlecare").joinpath("locale", *path).open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_messages_pot_holds_every_current_message():
    missing = current_messages() - _ids("messages.pot")
    assert not missing, f"run scripts/i18n_extract.sh: {sorted(map(str, missing))[:5]}"


def test_english_catalogue_exists_for_every_message():
    assert current_messages() <= _ids("en", "LC_MESSAGES", "messages.po")


def test_english_falls_back_to_the_source_text():
    assert translator("en")("Your aftercare sheet") == "Your aftercare sheet"


def test_dates_follow_the_locale():
    from datetime import date

    assert long_date(date(2026, 11, 27)) == "Friday 27 November"
    assert long_date(date(2027, 1, 1), with_year=True) == "Friday 1 January 2027"
    assert long_date(date(2026, 11, 27), "de") == "Freitag 27 November"
    assert long_date(date(2026, 11, 27), "es") == "viernes 27 de noviembre"
    assert parse_locale("pt-BR").territory == "BR"


def test_unknown_locales_are_refused():
    with pytest.raises(ValueError, match="unknown locale"):
        translator("zz_ZZ")
