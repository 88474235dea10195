import tomllib
from importlib import resources

import pytest

from needlecare.guide import (
    ProtocolInvalid,
    effective_windows,
    parse_protocol,
    protocol_from_text,
    validate_protocol,
)
from needlecare.guide.protocols import RED_FLAG_MESSAGE
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import window, windows
from needlecare.timeline import build_timeline


def protocol(**extra):
    return {"schema_version": 1, "name": "Test Clinic", "version": 1, **extra}


def messages(document):
    return [str(e) for e in validate_protocol(document)]


def test_the_packaged_example_protocol_is_valid():
    text = (
        resources.files("needlecare.guide")
        .joinpath("data", "protocols", "example-clinic.toml")
        .read_text()
    )
    assert validate_protocol(tomllib.loads(text)) == []
    assert protocol_from_text(text).version == "3"


@pytest.mark.parametrize(
    "name", sorted(n for n, w in windows().items() if w.resume_day(Band.M) > 0)
)
def test_an_earlier_resume_day_for_any_window_is_rejected(name):
    default = window(name)
    band = Band.M
    proposed = default.resume_day(band) - 1
    found = messages(protocol(windows={name: {"resume_day": {"M": proposed}}}))
    assert len(found) == 1
    message = found[0]
    assert f"window {name!r}" in message and "band M" in message
    assert f"default resume day is day {default.resume_day(band)}" in message
    assert f"proposes day {proposed}" in message
    assert "never loosen" in message


def test_loosening_for_all_bands_names_the_bands_and_the_default():
    (message,) = messages(protocol(windows={"physical_exfoliant": {"resume_day": 8}}))
    # day 8 tightens S and M (default 7) but loosens D, VD and RF (default 14)
    assert "band D, VD, RF" in message and "day 14" in message and "day 8" in message


def test_a_shorter_caution_is_rejected():
    (message,) = messages(protocol(windows={"comedogenic": {"caution_until": 3}}))
    assert "comedogenic" in message and "caution" in message and "day 7" in message


@pytest.mark.parametrize(
    "attempt",
    [
        {"triage": {"urgent": "monitor"}},
        {"red_flags": {"AE-01": False}},
        {"windows": {"vitamin_c": {"resume_day": 10, "triage_level": "expected"}}},
        {"escalation": []},
        {
            "instructions": [
                {
                    "text": "No need to call for a fever.",
                    "source": "clinic policy",
                    "level": "expected",
                }
            ]
        },
    ],
)
def test_a_protocol_cannot_touch_red_flags_or_triage(attempt):
    found = messages(protocol(**attempt))
    assert any(RED_FLAG_MESSAGE in m for m in found), found
    with pytest.raises(ProtocolInvalid, match=RED_FLAG_MESSAGE):
        parse_protocol(protocol(**attempt))


def test_unknown_windows_and_sources_are_errors():
    found = messages(
        protocol(
            windows={"detox_mask": {"resume_day": 3}},
            instructions=[{"text": "Drink more water.", "source": "some blog"}],
        )
    )
    assert any("unknown window 'detox_mask'" in m for m in found)
    assert any("'some blog' is neither a citation" in m for m in found)


@pytest.mark.parametrize(
    "document",
    [
        [],
        "protocol",
        protocol(version=0),
        protocol(windows={"makeup": {"resume_day": "soon"}}),
        {"name": "No version"},
    ],
)
def test_malformed_documents_give_errors_not_exceptions(document):
    assert validate_protocol(document)


def test_unreadable_text_is_a_protocol_error():
    with pytest.raises(ProtocolInvalid, match="cannot be read"):
        protocol_from_text("name = [", ".toml")


def test_without_a_protocol_the_defaults_apply():
    assert effective_windows(None) == windows()


def test_tightening_changes_only_the_named_windows_and_bands():
    clinic = parse_protocol(
        protocol(
            windows={
                "vitamin_c": {"resume_day": 10},
                "makeup": {"resume_day": {"RF": 5}},
                "comedogenic": {"caution_until": 14},
            },
            instructions=[{"text": "Use the kit balm.", "source": "clinic policy"}],
        )
    )
    merged = effective_windows(clinic)
    assert all(merged["vitamin_c"].resume_day(b) == 10 for b in Band)
    assert merged["makeup"].resume_day(Band.RF) == 5
    assert merged["makeup"].resume_day(Band.S) == window("makeup").resume_day(Band.S)
    assert merged["comedogenic"].caution_until(Band.M) == 14
    unchanged = set(windows()) - {"vitamin_c", "makeup", "comedogenic"}
    assert all(merged[name] == windows()[name] for name in unchanged)


def test_an_equal_day_is_allowed_and_changes_nothing():
    same = window("retinoid").resume_day(Band.D)
    clinic = parse_protocol(protocol(windows={"retinoid": {"resume_day": same}}))
    assert effective_windows(clinic)["retinoid"].resume_day(Band.D) == same


def test_timelines_under_two_protocols_keep_their_own_windows():
    """The days built for one protocol's windows are kept (the Today page builds a timeline
    on every view) and never served for another protocol's."""
    longer = effective_windows(parse_protocol(protocol(windows={"vitamin_c": {"resume_day": 30}})))
    defaults = windows()
    treatment = {"date": "2026-12-01", "depth_mm": 1.5, "device": "pen", "fitzpatrick": 2}

    def avoids_vitamin_c(in_force, day):
        days = build_timeline(treatment, windows=in_force)["days"]
        return any("vitamin C" in str(text) for text in days[day]["avoid"])

    for _ in range(2):  # built, then kept: the same answers
        assert avoids_vitamin_c(longer, 20)
        assert not avoids_vitamin_c(defaults, 20)
