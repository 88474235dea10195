from datetime import date

import pytest

from needlecare.knowledge import citations, windows
from needlecare.knowledge.bands import Band, depth_band
from needlecare.knowledge.schema import schema_errors


def test_reference_has_every_section_of_the_clinical_reference():
    entries = citations.reference_entries()
    prefixes = {entry_id.split("-")[0] for entry_id in entries}
    assert prefixes == {"TL", "BO", "AE", "AC", "CI", "TR"}
    assert entries["AE-04"].title == "Herpes simplex reactivation"
    assert "king2017" in entries["AE-04"].sources


def test_every_source_named_by_the_reference_resolves():
    for entry in citations.reference_entries().values():
        for key in entry.sources:
            assert citations.is_resolvable(key), (entry.id, key)


def test_resolve_rejects_unknown_entries_and_keys():
    with pytest.raises(citations.UnknownCitation):
        citations.resolve("reference.md#AE-99")
    with pytest.raises(citations.UnknownCitation):
        citations.resolve("nobody1999")
    assert citations.resolve("reference.md#TR-02").confidence == "moderate"
    assert citations.resolve("fulton1989").text.startswith("Fulton")


@pytest.mark.parametrize(
    ("depth", "device", "band"),
    [
        (0.25, "roller", Band.S),
        (0.49, "pen", Band.S),
        (0.5, "pen", Band.M),  # shared edge: the deeper band
        (1.0, "stamp", Band.D),
        (1.5, "pen", Band.D),
        (1.75, "pen", Band.VD),  # the 1.5-2.0 gap heals like the deeper band
        (2.5, "roller", Band.VD),
        (0.5, "rf", Band.RF),
    ],
)
def test_depth_band_takes_the_deeper_band_on_edges_and_gaps(depth, device, band):
    assert depth_band(depth, device) is band


@pytest.mark.parametrize(("depth", "device"), [(0, "pen"), (-1, "pen"), (9, "pen"), (1, "laser")])
def test_depth_band_refuses_impossible_treatments(depth, device):
    with pytest.raises(ValueError):
        depth_band(depth, device)


def test_windows_file_matches_its_schema():
    document = windows.raw_document()
    assert schema_errors(document, "needlecare.knowledge", "windows.schema.json") == []


def test_every_window_cites_a_resolvable_reference_entry():
    for window in windows.windows().values():
        assert window.cite, window.name
        for citation in window.cite:
            assert citations.is_resolvable(citation), (window.name, citation)
        assert any(c.startswith("reference.md#") for c in window.cite)


def test_windows_take_the_conservative_value_from_the_reference():
    # AC-06: prescription retinoids no earlier than day 10, retinol/retinal day 7.
    assert windows.window("prescription_retinoid").resume_day(Band.M) == 10
    assert windows.window("retinoid").resume_day(Band.S) == 7
    # AC-10: scrubs day 7, but day 14 after D, VD or RF.
    scrubs = windows.window("physical_exfoliant")
    assert (scrubs.resume_day(Band.M), scrubs.resume_day(Band.RF)) == (7, 14)
    # An unknown band must not shorten a window: the longest band applies.
    assert scrubs.resume_day(None) == 14


def test_caution_never_ends_before_the_product_is_allowed():
    for window in windows.windows().values():
        for band in Band:
            assert window.caution_until(band) >= window.resume_day(band)


def test_schema_reports_what_is_wrong():
    document = windows.raw_document()
    document["flags"]["retinoid"]["resume_day"] = -3
    del document["flags"]["aha"]["cite"]
    errors = schema_errors(document, "needlecare.knowledge", "windows.schema.json")
    assert any(e.startswith("flags/aha") and "cite" in e for e in errors)
    assert any(e.startswith("flags/retinoid/resume_day") for e in errors)
    assert date.fromisoformat(windows.raw_document()["reviewed"]) <= date(2030, 1, 1)
