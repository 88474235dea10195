from importlib import resources
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from needlecare.guide.i18n import long_date, parse_locale, translator

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


SOURCES = [
    ("src/needlecare/guide/*.py", "python"),
    ("src/needlecare/guide/data/pages/*.toml", "needlecare.guide.babel_extract:extract_toml"),
    ("src/needlecare/knowledge/data/windows.toml", "needlecare.guide.babel_extract:extract_toml"),
]


def current_messages() -> set[str]:
    """What `pybabel extract -F babel.cfg` would find in the sources today."""
    found = set()
    for pattern, method in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            for _line, message, _comments, _context in extract_from_file(
                method, str(path), keywords=KEYWORDS
            ):
                found.add(message)
    assert len(found) > 150
    return found


def test_messages_pot_holds_every_current_message():
    pot = resources.files("needlecare").joinpath("locale", "messages.pot")
    with pot.open("rb") as handle:
        catalogue = read_po(handle)
    in_pot = {m.id for m in catalogue if m.id}
    missing = current_messages() - in_pot
    assert not missing, f"run the pybabel extract command of docs/guide.md: {sorted(missing)[:5]}"


def test_english_catalogue_exists_for_every_message():
    po = resources.files("needlecare").joinpath("locale", "en", "LC_MESSAGES", "messages.po")
    with po.open("rb") as handle:
        english = {m.id for m in read_po(handle) if m.id}
    assert current_messages() <= english


def test_english_falls_back_to_the_source_text():
    assert translator("en")("Your aftercare sheet") == "Your aftercare sheet"


def test_dates_follow_the_locale():
    from datetime import date

    assert long_date(date(2026, 11, 27)) == "Friday 27 November"
    assert long_date(date(2027, 1, 1), with_year=True) == "Friday 1 January 2027"
    assert long_date(date(2026, 11, 27), "de") == "Freitag 27 November"
    assert parse_locale("pt-BR").territory == "BR"


def test_unknown_locales_are_refused():
    with pytest.raises(ValueError, match="unknown locale"):
        translator("zz_ZZ")
