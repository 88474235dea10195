import json
from datetime import UTC, date, datetime

import pytest

from needlecare.guide import build_aftercare_sheet, parse_protocol
from needlecare.guide.text import render_sheet_text
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import window


def line_for(sheet, name):
    return next(line for group in sheet.groups for line in group.lines if line.window == name)


def sheet_on(treatment, depth=1.0, device="pen", **options):
    options.setdefault("today", treatment)
    return build_aftercare_sheet(treatment, depth, device, **options)


def test_dates_cross_the_month_end():
    sheet = sheet_on(date(2026, 11, 25))  # vitamin C returns on day 7
    assert window("vitamin_c").resume_day(Band.M) == 7
    vitamin_c = line_for(sheet, "vitamin_c")
    assert vitamin_c.date == date(2026, 12, 2)
    assert vitamin_c.text.startswith("From Wednesday 2 December: vitamin C")
    assert line_for(sheet, "mineral_sunscreen").text.startswith("From Thursday 26 November:")


def test_dates_cross_the_year_end_and_then_show_the_year():
    sheet = sheet_on(date(2026, 12, 28), depth=1.5)  # band D: scrubs return on day 14
    scrubs = line_for(sheet, "physical_exfoliant")
    assert scrubs.date == date(2027, 1, 11)
    assert "From Monday 11 January 2027:" in scrubs.text
    sunscreen = line_for(sheet, "mineral_sunscreen")
    assert sunscreen.date == date(2026, 12, 29)
    assert "2026" not in sunscreen.text  # same year as the treatment: no year needed
    nxt = sheet.group("next_session").lines[0]
    assert nxt.date == date(2027, 1, 25) and "Monday 25 January 2027" in nxt.text


def test_dates_land_on_and_after_a_leap_day():
    on_leap_day = sheet_on(date(2028, 2, 22))
    assert line_for(on_leap_day, "retinoid").date == date(2028, 2, 29)
    assert "Tuesday 29 February" in line_for(on_leap_day, "retinoid").text
    from_leap_day = sheet_on(date(2028, 2, 29))
    assert line_for(from_leap_day, "mineral_sunscreen").date == date(2028, 3, 1)
    assert line_for(from_leap_day, "retinoid").date == date(2028, 3, 7)
    assert from_leap_day.group("next_session").lines[0].date == date(2028, 3, 28)


def test_the_time_zone_decides_which_day_is_today_not_the_dates():
    instant = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 01:00 on the 27th in Auckland
    auckland = build_aftercare_sheet(
        date(2026, 11, 25), 1.0, "pen", tz="Pacific/Auckland", now=instant
    )
    los_angeles = build_aftercare_sheet(
        date(2026, 11, 25), 1.0, "pen", tz="America/Los_Angeles", now=instant
    )
    assert (auckland.today, auckland.day_number) == (date(2026, 11, 27), 2)
    assert (los_angeles.today, los_angeles.day_number) == (date(2026, 11, 26), 1)
    assert "day 2 after" in auckland.today_text and "day 1 after" in los_angeles.today_text
    assert line_for(auckland, "vitamin_c").date == line_for(los_angeles, "vitamin_c").date
    # what is already allowed depends on today
    assert line_for(auckland, "mineral_sunscreen").is_past
    assert not line_for(los_angeles, "mineral_sunscreen").is_past


def test_a_future_treatment_counts_down():
    sheet = sheet_on(date(2027, 1, 10), today=date(2027, 1, 7))
    assert sheet.day_number == -3 and "in 3 days" in sheet.today_text
    tomorrow = sheet_on(date(2027, 1, 10), today=date(2027, 1, 9))
    assert tomorrow.today_text == "Today is Saturday 9 January: your treatment is tomorrow."
    with pytest.raises(KeyError):
        tomorrow.group("clinic")  # no protocol, no clinic instructions


def test_depth_band_changes_the_days():
    shallow = sheet_on(date(2026, 11, 25), depth=0.25, device="roller")
    rf = sheet_on(date(2026, 11, 25), depth=1.0, device="rf")
    assert line_for(shallow, "makeup").day == window("makeup").resume_day(Band.S)
    assert line_for(rf, "makeup").day == window("makeup").resume_day(Band.RF)
    assert line_for(rf, "next_session").day == 42 and line_for(shallow, "next_session").day == 28
    rf_signs = " ".join(line.text for line in rf.group("warning_signs").lines)
    shallow_signs = " ".join(line.text for line in shallow.group("warning_signs").lines)
    assert "After RF microneedling" in rf_signs and "After RF" not in shallow_signs


def test_skin_type_adds_the_pigmentation_advice():
    def advice(fitzpatrick):
        sheet = sheet_on(date(2026, 11, 25), fitzpatrick=fitzpatrick)
        return [
            line
            for line in sheet.group("first_days").lines
            if any(c.label == "CI-12" for c in line.citations)
        ]

    assert advice(5) and advice(4)
    assert not advice(2) and not advice(None)


def test_a_tightening_protocol_moves_the_sheet_dates_and_says_so():
    clinic = parse_protocol(
        {
            "schema_version": 1,
            "name": "Test Clinic",
            "version": "2026.1",
            "windows": {"vitamin_c": {"resume_day": 10}, "gentle_cleanser": {"resume_day": 2}},
            "instructions": [{"text": "Use the balm from your kit.", "source": "clinic policy"}],
        }
    )
    default = sheet_on(date(2026, 11, 25))
    tightened = sheet_on(date(2026, 11, 25), protocol=clinic)
    assert line_for(default, "vitamin_c").date == date(2026, 12, 2)
    assert line_for(tightened, "vitamin_c").date == date(2026, 12, 5)
    assert "Test Clinic" in line_for(tightened, "vitamin_c").source_note
    assert line_for(default, "retinoid").date == line_for(tightened, "retinoid").date
    assert line_for(tightened, "retinoid").source_note is None
    first_days = " ".join(line.text for line in tightened.group("first_days").lines)
    assert "From Friday 27 November, use a mild" in first_days  # placeholder follows the protocol
    clinic_lines = tightened.group("clinic").lines
    assert clinic_lines[0].text == "Use the balm from your kit."
    assert clinic_lines[0].citations[0].label == "clinic policy"
    assert (tightened.protocol_name, tightened.protocol_version) == ("Test Clinic", "2026.1")


def test_every_line_cites_its_source():
    sheet = sheet_on(date(2026, 11, 25), fitzpatrick=5)
    for group in sheet.groups:
        assert group.lines, group.key
        for line in group.lines:
            assert line.citations and all(c.resolves for c in line.citations), line.text


def test_warning_signs_come_urgent_first():
    levels = [line.level for line in sheet_on(date(2026, 11, 25)).group("warning_signs").lines]
    order = ["urgent", "contact_clinic", "monitor"]
    assert levels == sorted(levels, key=order.index) and levels[0] == "urgent"


def test_json_and_text_renderings():
    sheet = sheet_on(date(2026, 11, 25), depth=0.75, fitzpatrick=3)
    data = json.loads(json.dumps(sheet.to_dict()))
    assert data["treatment_date"] == "2026-11-25" and data["band"] == "M"
    vitamin_c = next(
        line for g in data["groups"] for line in g["lines"] if line["window"] == "vitamin_c"
    )
    assert vitamin_c["date"] == "2026-12-02"
    text = render_sheet_text(sheet)
    for group in sheet.groups:
        assert group.title in text
    assert "[AC-08, AE-08]" in text


def test_dates_are_localised():
    french = sheet_on(date(2026, 11, 25), locale="fr")
    assert "mercredi 2 décembre" in line_for(french, "vitamin_c").text
    assert "1 mm" in french.treatment_text
    assert "1,5" in sheet_on(date(2026, 11, 25), depth=1.5, locale="fr").treatment_text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"depth_mm": 0}, "depth"),
        ({"device": "laser"}, "device"),
        ({"fitzpatrick": 7}, "Fitzpatrick"),
        ({"tz": "Mars/Olympus"}, "time zone"),
        ({"locale": "xx_YY"}, "locale"),
    ],
)
def test_bad_input_is_a_clear_value_error(options, message):
    arguments = {"treatment_date": date(2026, 11, 25), "depth_mm": 1.0, "device": "pen"}
    arguments.update(options)
    with pytest.raises(ValueError, match=message):
        build_aftercare_sheet(**arguments)


def test_lines_can_be_gathered_by_date_for_a_compact_layout():
    products = sheet_on(date(2026, 11, 25), depth=0.75).group("products")
    gathered = products.by_date()
    dates = [when for when, _lines in gathered]
    assert dates == sorted(dates) and len(dates) == len(set(dates))
    assert sum(len(lines) for _when, lines in gathered) == len(products.lines)
    day_seven = dict(gathered)[date(2026, 12, 2)]
    assert {"vitamin_c", "retinoid", "aha"} <= {line.window for line in day_seven}
