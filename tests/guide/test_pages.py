import re
from datetime import date

import pytest

from needlecare.guide import PageNotFound, page, pages
from needlecare.guide.pages import raw_pages
from needlecare.knowledge import citations
from needlecare.knowledge.bands import Band
from needlecare.knowledge.schema import schema_errors
from needlecare.knowledge.windows import flag_windows, window

EXPECTED_SLUGS = {"day-by-day", "breakouts-and-purging", "aftercare", "warning-signs"}


def test_the_four_pages_of_the_issue_exist_in_reading_order():
    found = pages()
    assert {p.slug for p in found} == EXPECTED_SLUGS
    assert [p.order for p in found] == sorted(p.order for p in found)


@pytest.mark.parametrize("name", sorted(raw_pages()))
def test_every_page_file_matches_its_schema(name):
    assert schema_errors(raw_pages()[name], "needlecare.guide", "pages.schema.json") == []


def test_every_statement_on_every_page_cites_a_source_that_resolves():
    checked = 0
    for item in pages():
        for section, statement in item.statements():
            assert statement.citations, (item.slug, section.id, statement.text)
            for cited in statement.citations:
                assert cited.resolves, (item.slug, section.id, cited.key)
                assert citations.is_resolvable(cited.key)
                checked += 1
    assert checked > 100


def test_every_page_shows_when_it_was_last_reviewed():
    for item in pages():
        assert isinstance(item.last_reviewed, date)
        assert date(2025, 1, 1) <= item.last_reviewed <= date(2100, 1, 1)


def test_statements_are_short_and_plain():
    for item in pages():
        for _section, statement in item.statements():
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", statement.template) if s]
            longest = max(len(s.split()) for s in sentences)
            assert longest <= 40, statement.text


def test_product_days_on_the_aftercare_page_come_from_the_windows_file():
    products = next(s for s in page("aftercare").sections if s.id == "products")
    by_window = {st.windows[0]: st for st in products.statements}
    assert set(by_window) == set(flag_windows())
    retinoid = window("prescription_retinoid")
    assert f"from day {retinoid.resume_day(Band.M)}" in by_window["prescription_retinoid"].text
    assert by_window["prescription_retinoid"].cite == retinoid.cite
    scrubs = window("physical_exfoliant")
    text = by_window["physical_exfoliant"].text
    assert f"day {scrubs.resume_day(Band.S)}" in text
    assert f"day {scrubs.resume_day(Band.RF)} after treatments of 1 mm or deeper" in text


def test_placeholders_are_filled_and_never_left_visible():
    for item in pages():
        for _section, statement in item.statements():
            assert "{" not in statement.text, statement.text
    next_session = window("next_session")
    day_by_day = page("day-by-day")
    text = " ".join(st.text for _s, st in day_by_day.statements())
    assert f"day {next_session.resume_day(Band.M)} (day {next_session.resume_day(Band.RF)} " in text


def test_breakout_page_says_needling_is_not_a_purge_and_when_to_call():
    breakouts = page("breakouts-and-purging")
    cited = {c.label for _s, st in breakouts.statements() for c in st.citations}
    assert {f"BO-0{n}" for n in range(1, 10)} <= cited
    to_call = next(s for s in breakouts.sections if s.id == "when-to-call")
    assert all(st.level == "contact_clinic" and st.action for st in to_call.statements)


def test_warning_signs_carry_a_level_and_what_to_do():
    signs = [st for _s, st in page("warning-signs").statements() if st.sheet == "warning_signs"]
    assert {st.level for st in signs} == {"urgent", "contact_clinic", "monitor"}
    assert all(st.action for st in signs)
    cited = {c.label for st in signs for c in st.citations}
    assert {f"AE-{n:02d}" for n in range(1, 17)} - {"AE-03"} <= cited


def test_unknown_page_names_the_known_ones():
    with pytest.raises(PageNotFound, match="aftercare"):
        page("detox")


def test_a_clinic_protocol_changes_the_days_its_patients_read():
    from needlecare.guide import parse_protocol

    clinic = parse_protocol(
        {
            "schema_version": 1,
            "name": "Test Clinic",
            "version": 1,
            "windows": {"makeup": {"resume_day": 5}},
        }
    )

    def makeup_text(protocol):
        aftercare = page("aftercare", protocol=protocol)
        return next(st.text for _s, st in aftercare.statements() if "makeup" in st.windows)

    makeup = window("makeup")
    default = f"No makeup until day {makeup.resume_day(Band.S)} (day {makeup.resume_day(Band.D)} "
    assert makeup_text(None).startswith(default)
    assert makeup_text(clinic).startswith("No makeup until day 5.")


def _syllables(word: str) -> int:
    groups = len(re.findall(r"[aeiouy]+", word.lower()))
    if word.lower().endswith("e") and groups > 1 and not word.lower().endswith(("le", "ee")):
        groups -= 1
    return max(1, groups)


@pytest.mark.parametrize("slug", sorted(EXPECTED_SLUGS))
def test_written_text_reads_at_about_a_twelve_year_olds_level(slug):
    # Flesch-Kincaid grade of the hand-written statements (generated product lists carry INCI
    # names and are left out); grade 7 is a 12-13 year-old's reading level.
    text = " ".join(st.text for s, st in page(slug).statements() if not s.generated_from)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    words = re.findall(r"[A-Za-z']+", text)
    grade = (
        0.39 * len(words) / len(sentences) + 11.8 * sum(map(_syllables, words)) / len(words) - 15.59
    )
    assert grade <= 7.5, f"{slug}: Flesch-Kincaid grade {grade:.1f}"
