"""The checker's words on the page cover every code the checker can give (pure, no database)."""

from __future__ import annotations

from needlecare.ingredients import check, data, parsed
from needlecare.web.pages.vocab import FLAG_CHIPS, IGNORED_REASONS, flag_chip


def test_every_ingredient_flag_has_a_short_chip() -> None:
    flags = set(data.flags_document()["flags"])
    assert flags - set(FLAG_CHIPS) == set()
    assert flag_chip("aha") == "AHA (acid exfoliant)"
    assert flag_chip("a_clinic_flag") == "A clinic flag"  # an unknown code still reads


def test_every_reason_for_left_out_text_is_marked_for_translation() -> None:
    reasons = {
        value
        for module in (parsed, check)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and value[:1].islower() and " " in value
    }
    reasons |= {parsed.HEADING, parsed.FOOTNOTE}
    assert reasons == set(IGNORED_REASONS)
