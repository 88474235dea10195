from needlecare.knowledge import citations, emergency
from needlecare.knowledge.schema import schema_errors


def test_emergency_numbers_file_matches_its_schema():
    document = emergency.raw_document()
    assert schema_errors(document, "needlecare.knowledge", "emergency_numbers.schema.json") == []


def test_every_emergency_number_cites_a_resolvable_source():
    for entry in emergency.emergency_numbers().values():
        for citation in entry.cite:
            assert citations.is_resolvable(citation), (entry.country, citation)


def test_one_number_per_country_read_from_the_data():
    assert emergency.emergency_number("GB").number == "999"
    assert emergency.emergency_number("us").number == "911"
    assert emergency.emergency_number("FR").number == "112"
    assert emergency.emergency_number("AU").number == "000"
    # Spanish-speaking clinics (issue 22): Spain 112, Mexico 911, the US 911.
    assert emergency.emergency_number("ES").number == "112"
    assert emergency.emergency_number("mx").number == "911"


def test_no_number_is_guessed_for_a_missing_or_unknown_country():
    assert emergency.emergency_number(None) is None
    assert emergency.emergency_number("") is None
    assert emergency.emergency_number("XX") is None
