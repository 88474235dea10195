"""analyze()/measure() on generated photos with known colour and a known number of spots.

Tolerances: mean a* within +/-2 CIELAB units; ITA within +/-2 degrees; spot count exact for
well-separated round spots of 6-30 px diameter (the limits scale with the skin area); spot
centres within 2 px (3 px when the photo is scaled down for analysis).
"""

import io
import json
import math
from importlib import resources

import cv2
import jsonschema
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from needlecare.photos import InvalidRoi, analyze, limits, measure

from .synthetic import Scene, encode, grid_spots, lab_to_rgb8

A_TOLERANCE = 2.0


def _codes(report: dict) -> set[str]:
    return {reason["code"] for reason in report["confidence"]["reasons"]}


@pytest.mark.parametrize(
    "skin_lab",
    [
        (75.0, 10.0, 14.0),
        (65.0, 14.0, 18.0),
        (55.0, 15.0, 22.0),
        (45.0, 14.0, 20.0),
        (35.0, 11.0, 15.0),
    ],
)
def test_known_redness_and_tone_across_skin_tones(skin_lab: tuple[float, float, float]) -> None:
    report = analyze(encode(Scene(skin_lab=skin_lab, noise=2).rgb(), "JPEG", quality=92))
    l_star, a_star, b_star = skin_lab
    assert report["roi"]["source"] == "auto"
    assert report["roi"]["box"] == pytest.approx([150, 100, 600, 500], abs=3)
    assert report["redness"]["a_star"]["mean"] == pytest.approx(a_star, abs=A_TOLERANCE)
    assert report["redness"]["a_star"]["p50"] == pytest.approx(a_star, abs=A_TOLERANCE)
    expected_ita = math.degrees(math.atan((l_star - 50) / b_star))
    assert report["skin_tone"]["ita_degrees"] == pytest.approx(expected_ita, abs=2.0)
    assert report["confidence"]["level"] == "high"
    assert report["spots"]["count"] == 0


@pytest.mark.parametrize(
    ("ita", "category"),
    [
        (60, "very light"),
        (48, "light"),
        (35, "intermediate"),
        (20, "tan"),
        (-10, "brown"),
        (-45, "dark"),
    ],
)
def test_ita_category(ita: float, category: str) -> None:
    # L* from the wanted ITA at b* = 15: tan(ITA) = (L* - 50) / b*.
    l_star = 50 + 15 * math.tan(math.radians(ita))
    report = analyze(encode(Scene(skin_lab=(l_star, 12.0, 15.0)).rgb()))
    assert report["skin_tone"]["category"] == category


def test_redder_skin_measures_redder_by_the_shift() -> None:
    base = analyze(encode(Scene(skin_lab=(62.0, 12.0, 18.0), noise=2).rgb(), "JPEG"))
    red = analyze(encode(Scene(skin_lab=(62.0, 22.0, 18.0), noise=2).rgb(), "JPEG"))
    delta = red["redness"]["a_star"]["mean"] - base["redness"]["a_star"]["mean"]
    assert delta == pytest.approx(10.0, abs=1.0)
    assert (
        red["redness"]["erythema_index"]["median"] > base["redness"]["erythema_index"]["median"] + 5
    )


def test_erythema_index_follows_its_formula() -> None:
    scene = Scene(skin_lab=(60.0, 16.0, 18.0))
    rgb = scene.rgb()
    linear = ((rgb[300, 400] / 255.0 + 0.055) / 1.055) ** 2.4
    expected = 100 * math.log10(linear[0] / linear[1])
    report = analyze(encode(rgb))
    assert report["redness"]["erythema_index"]["median"] == pytest.approx(expected, abs=0.5)
    assert "log10" in report["redness"]["erythema_index"]["citation"]["formula"]
    assert "Diffey" in report["redness"]["erythema_index"]["citation"]["reference"]


def test_percentiles_describe_a_patchy_distribution() -> None:
    # A quarter of the skin is redder: the 95th percentile sees it, the median does not.
    lab = np.empty((700, 900, 3), np.float32)
    lab[:] = (78.0, 0.0, 0.0)
    lab[100:600, 150:750] = (62.0, 12.0, 18.0)
    lab[100:350, 150:450] = (62.0, 24.0, 18.0)
    report = analyze(encode(lab_to_rgb8(lab)))
    a = report["redness"]["a_star"]
    assert a["p50"] == pytest.approx(12.0, abs=A_TOLERANCE)
    assert a["p95"] == pytest.approx(24.0, abs=A_TOLERANCE)
    assert a["mean"] == pytest.approx(15.0, abs=A_TOLERANCE)
    assert a["p5"] <= a["p25"] <= a["p50"] <= a["p75"] <= a["p95"]


def test_counts_and_locates_well_separated_spots() -> None:
    spots = grid_spots((150, 100, 600, 500), rows=3, cols=4, radius=8)
    report = analyze(encode(Scene(spots=spots, noise=2).rgb(), "JPEG", quality=92))
    assert report["spots"]["count"] == len(spots)
    found = sorted((s["x"], s["y"]) for s in report["spots"]["items"])
    for (fx, fy), (tx, ty, _) in zip(found, sorted(spots), strict=True):
        assert abs(fx - tx) <= 2 and abs(fy - ty) <= 2
    for item in report["spots"]["items"]:
        assert item["radius"] == pytest.approx(8, abs=1.5)
        assert item["a_star_excess"] > limits.SPOT_MIN_PEAK_EXCESS


@pytest.mark.parametrize("radius", [3, 6, 10, 15])
def test_spot_sizes_within_limits_are_counted(radius: int) -> None:
    spots = grid_spots((150, 100, 600, 500), rows=2, cols=3, radius=radius)
    report = analyze(encode(Scene(spots=spots, noise=1).rgb()))
    assert report["spots"]["count"] == 6


def test_not_spots_patches_streaks_and_faint_marks() -> None:
    scene = Scene(noise=2)
    lab_rgb = scene.rgb()
    lab = cv2.cvtColor(lab_rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    a_star = np.ascontiguousarray(lab[..., 1])
    cv2.circle(a_star, (300, 300), 70, 30.0, -1)  # a red patch far larger than a spot
    cv2.line(a_star, (450, 150), (700, 170), 30.0, 3)  # a thin red streak
    cv2.circle(a_star, (600, 450), 8, 16.5, -1)  # a spot only +2.5 a* over the skin
    lab[..., 1] = a_star
    report = analyze(encode(lab_to_rgb8(lab)))
    assert report["spots"]["count"] == 0


def test_spot_coordinates_are_in_original_pixels_after_downscaling() -> None:
    # 2400 x 1800 is analysed at 1600 x 1200; spots must come back in original pixels.
    box = (300, 200, 1800, 1400)
    spots = grid_spots(box, rows=3, cols=3, radius=18)
    report = analyze(
        encode(Scene(width=2400, height=1800, skin_box=box, spots=spots).rgb(), "JPEG")
    )
    assert report["image"]["working_width"] == limits.WORKING_LONG_SIDE
    assert report["spots"]["count"] == 9
    found = sorted((s["x"], s["y"]) for s in report["spots"]["items"])
    for (fx, fy), (tx, ty, _) in zip(found, sorted(spots), strict=True):
        assert abs(fx - tx) <= 3 and abs(fy - ty) <= 3
    assert report["roi"]["box"] == pytest.approx(list(box), abs=4)


def test_exif_orientation_is_applied_before_measuring() -> None:
    # The stored pixels are rotated; the EXIF tag says how to show them upright.
    scene = Scene(spots=[(300, 250, 10)])
    upright = scene.rgb()
    stored = np.ascontiguousarray(np.rot90(upright, k=1))  # 90 degrees counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    out = io.BytesIO()
    Image.fromarray(stored).save(out, "JPEG", quality=92, exif=exif.tobytes())
    report = analyze(out.getvalue())
    assert (report["image"]["width"], report["image"]["height"]) == (900, 700)
    assert report["spots"]["count"] == 1
    spot = report["spots"]["items"][0]
    assert abs(spot["x"] - 300) <= 2 and abs(spot["y"] - 250) <= 2


def _cast(rgb: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    linear = ((rgb / 255.0 + 0.055) / 1.055) ** 2.4
    linear = np.clip(linear * np.array(gains), 0, 1)
    return np.round((1.055 * linear ** (1 / 2.4) - 0.055) * 255).clip(0, 255).astype(np.uint8)


def test_lighting_normalisation_removes_a_warm_cast() -> None:
    rgb = Scene(skin_lab=(62.0, 13.0, 17.0)).rgb()
    warm = _cast(rgb, (1.12, 1.0, 0.85))
    # Without correction the cast alone would shift a* by more than the tolerance.
    raw_a = cv2.cvtColor(warm[300:301, 400:401].astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    assert abs(raw_a[0, 0, 1] - 13.0) > A_TOLERANCE
    report = analyze(encode(warm))
    assert report["lighting"]["method"] == "grey_world_background"
    assert report["lighting"]["illuminant_rgb"][0] > report["lighting"]["illuminant_rgb"][2]
    assert report["redness"]["a_star"]["mean"] == pytest.approx(13.0, abs=A_TOLERANCE)
    assert report["confidence"]["level"] == "high"


def test_strong_cool_cast_is_corrected_with_lower_confidence() -> None:
    # (A warm cast this strong turns a grey wall skin-coloured: see docs/photos.md, limits.)
    report = analyze(encode(_cast(Scene().rgb(), (0.75, 1.0, 1.3))))
    assert "strong_colour_cast" in _codes(report)
    assert report["confidence"]["score"] < 0.75
    assert report["redness"]["a_star"]["mean"] == pytest.approx(14.0, abs=A_TOLERANCE)


def test_colourful_background_is_not_used_as_grey() -> None:
    lab = np.empty((700, 900, 3), np.float32)
    lab[:] = (50.0, 60.0, 40.0)  # a red wall
    lab[100:600, 150:750] = (62.0, 12.0, 18.0)
    report = analyze(encode(lab_to_rgb8(lab)))
    assert report["lighting"]["method"] == "none"
    assert report["redness"]["a_star"]["mean"] == pytest.approx(12.0, abs=A_TOLERANCE)
    assert report["confidence"]["level"] != "high"


def test_close_up_without_background_is_uncorrected_with_lower_confidence() -> None:
    report = analyze(encode(Scene(skin_box=(0, 0, 900, 700), noise=2).rgb()))
    assert report["lighting"]["method"] == "none"
    assert report["lighting"]["not_corrected_because"] == "no_background"
    assert "no_lighting_reference" in _codes(report)
    assert report["redness"]["a_star"]["mean"] == pytest.approx(14.0, abs=A_TOLERANCE)


def test_overexposed_skin_lowers_confidence() -> None:
    report = analyze(encode(Scene(skin_lab=(99.0, 3.0, 4.0)).rgb()))
    assert "overexposed" in _codes(report) or "no_skin_found" in _codes(report)
    assert report["confidence"]["level"] == "low"


def test_small_region_lowers_confidence() -> None:
    report = analyze(encode(Scene(skin_box=(380, 280, 150, 140)).rgb()))
    assert "small_region" in _codes(report)
    assert report["confidence"]["score"] < 1.0


def test_no_skin_falls_back_to_the_centre() -> None:
    report = analyze(encode(np.full((400, 600, 3), 128, np.uint8)))
    assert report["roi"]["source"] == "fallback_centre"
    assert report["roi"]["box"] == [150, 100, 300, 200]
    assert report["skin_tone"]["ita_degrees"] is None
    assert "no_skin_found" in _codes(report)


def test_manual_roi_measures_only_the_box() -> None:
    lab = np.empty((1400, 1800, 3), np.float32)  # analysed at 1600 x 1244
    lab[:] = (78.0, 0.0, 0.0)
    lab[200:1200, 300:1500] = (62.0, 10.0, 18.0)
    lab[300:700, 400:800] = (62.0, 22.0, 18.0)  # the area the clinician boxes
    data = encode(lab_to_rgb8(lab))
    whole = analyze(data)
    boxed = analyze(data, roi=(420, 320, 360, 360))
    assert boxed["roi"]["source"] == "manual"
    assert boxed["roi"]["box"] == pytest.approx([420, 320, 360, 360], abs=3)
    assert boxed["redness"]["a_star"]["mean"] == pytest.approx(22.0, abs=A_TOLERANCE)
    assert whole["redness"]["a_star"]["mean"] < 15.0


def test_roi_from_a_drawn_box_may_be_floats() -> None:
    report = analyze(encode(Scene().rgb()), roi=[200.4, 150.6, 300.2, 249.7])
    assert report["roi"]["box"] == [200, 151, 300, 250]


@pytest.mark.parametrize(
    "roi",
    [
        (float("nan"), 0, 50, 50),
        (-100, -100, 50, 50),
        (5000, 0, 100, 100),
        (10, 10, 3, 3),
        (0, 0, 0, 10),
        (1, 2, 3),
        ("a", 1, 2, 3),
        (True, 1, 50, 50),
    ],
)
def test_unusable_roi_is_refused(roi: tuple) -> None:
    with pytest.raises(InvalidRoi):
        analyze(encode(Scene().rgb()), roi=roi)


@settings(max_examples=40, deadline=None)
@given(
    x=st.integers(-1000, 1000),
    y=st.integers(-1000, 1000),
    w=st.integers(-5, 1200),
    h=st.integers(-5, 1000),
)
def test_any_rectangle_gives_a_report_or_invalid_roi(x: int, y: int, w: int, h: int) -> None:
    try:
        report = analyze(_ROI_PHOTO, roi=(x, y, w, h))
    except InvalidRoi:
        return
    bx, by, bw, bh = report["roi"]["box"]
    assert bx >= 0 and by >= 0 and bx + bw <= 300 and by + bh <= 200
    assert 0.0 <= report["confidence"]["score"] <= 1.0
    assert math.isfinite(report["redness"]["a_star"]["mean"])


_ROI_PHOTO = encode(
    Scene(width=300, height=200, skin_box=(50, 40, 200, 120), spots=[(150, 100, 5)]).rgb()
)


def _report_schema() -> dict:
    schema = resources.files("needlecare.photos").joinpath("data/analysis-report.schema.json")
    return json.loads(schema.read_text("utf-8"))


def test_report_is_json_ready_deterministic_and_says_it_does_not_diagnose() -> None:
    data = encode(Scene(spots=grid_spots((150, 100, 600, 500), 2, 2, 8), noise=2).rgb(), "JPEG")
    first, second = measure(data), measure(data)
    assert json.loads(json.dumps(first.report)) == first.report == second.report
    jsonschema.validate(first.report, _report_schema())
    assert first.overlay_png() == second.overlay_png()
    assert "does not diagnose" in first.report["notice"]
    for section in ("lighting", "skin_tone", "spots"):
        assert first.report[section]["citation"]["reference"]


def test_overlay_marks_the_spots() -> None:
    spots = [(300, 250, 10), (600, 450, 10)]
    result = measure(encode(Scene(spots=spots).rgb()))
    overlay = np.asarray(Image.open(io.BytesIO(result.overlay_png())).convert("RGB"))
    assert overlay.shape == (700, 900, 3)
    for cx, cy, radius in spots:
        ring = max(6, round(radius * 1.8))
        # The circle is drawn in yellow (R, G high, B low) right of the spot centre.
        r, g, b = overlay[cy, cx + ring].astype(int)
        assert r > 200 and g > 200 and b < 100
    untouched = overlay[30, 30].astype(int)
    assert abs(untouched[0] - untouched[2]) < 5  # background stays neutral grey


def test_real_jpeg_round_trip_through_sanitize_measures_the_same() -> None:
    from needlecare.photos import sanitize

    data = encode(Scene(spots=grid_spots((150, 100, 600, 500), 2, 3, 9), noise=2).rgb(), "PNG")
    direct, stored = analyze(data), analyze(sanitize(data).image)
    assert stored["spots"]["count"] == direct["spots"]["count"] == 6
    assert stored["redness"]["a_star"]["mean"] == pytest.approx(
        direct["redness"]["a_star"]["mean"], abs=0.5
    )


@pytest.mark.parametrize("size", [(20_000, 64), (64, 20_000), (64, 64), (65, 1700)])
def test_extreme_shapes_give_a_report(size: tuple[int, int]) -> None:
    width, height = size
    rgb = np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)
    rgb[:, : width // 2] = (190, 140, 120)
    report = analyze(encode(rgb))
    assert max(report["image"]["working_width"], report["image"]["working_height"]) <= 1600
    assert 0.0 <= report["confidence"]["score"] <= 1.0
