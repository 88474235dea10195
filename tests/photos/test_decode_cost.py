"""Issue 18: files cheap to send and expensive to decode are refused before the work, and
the isolated decoder bounds whatever gets through."""

from __future__ import annotations

import resource

import pytest

from needlecare.photos import PhotoRejected, RejectReason, limits, sanitize
from needlecare.services import budget

from .attacks import deep_alpha_png, header_only_jpeg, header_only_png, scan_bomb_jpeg


def _reason(data: bytes) -> RejectReason:
    with pytest.raises(PhotoRejected) as caught:
        sanitize(data)
    return caught.value.reason


def test_a_progressive_jpeg_repeating_its_scans_is_refused_before_decoding() -> None:
    bomb = scan_bomb_jpeg(640, 480, repeats=limits.MAX_JPEG_SCANS * 2)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    assert _reason(bomb) is RejectReason.TOO_COSTLY
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 0.5


def test_an_ordinary_progressive_jpeg_is_accepted() -> None:
    assert sanitize(scan_bomb_jpeg(640, 480, repeats=0)).width == 640


def test_a_tiny_jpeg_claiming_40_megapixels_is_refused() -> None:
    data = header_only_jpeg(6000, 6600)
    assert len(data) < 1000
    assert _reason(data) is RejectReason.TRUNCATED


def test_an_arithmetic_coded_jpeg_is_refused() -> None:
    data = bytearray(header_only_jpeg(64, 64))
    sof = data.index(b"\xff\xc0")
    data[sof + 1] = 0xC9  # SOF9: arithmetic coding, below one bit per block
    assert _reason(bytes(data)) is RejectReason.UNSUPPORTED_TYPE


def test_a_16_bit_rgba_png_is_flattened_onto_white() -> None:
    clean = sanitize(deep_alpha_png(300, 200))
    assert (clean.width, clean.height) == (300, 200)


def test_a_png_with_alpha_needing_more_memory_than_the_budget_is_refused_from_its_header() -> None:
    # The header is all there is: refused as too costly, not found truncated by decoding.
    assert _reason(header_only_png(6000, 6600, depth=16, colour=6)) is RejectReason.TOO_COSTLY
    assert _reason(header_only_png(6000, 6600, depth=8, colour=6)) is RejectReason.TOO_COSTLY


def test_a_40_megapixel_opaque_image_stays_within_the_memory_budget() -> None:
    # Same size without alpha: within the budget, so it goes on to be decoded (and found
    # truncated here); a camera's 40 MP photo is accepted.
    assert _reason(header_only_png(6000, 6600, depth=16, colour=2)) is RejectReason.TRUNCATED
    assert _reason(header_only_png(5000, 8000, depth=8, colour=2)) is RejectReason.TRUNCATED


def test_the_isolated_decoder_returns_the_domains_refusal() -> None:
    with pytest.raises(PhotoRejected) as caught:
        budget.run_isolated(sanitize, header_only_jpeg(6000, 6600))
    assert caught.value.reason is RejectReason.TRUNCATED


def test_the_isolated_decoder_stops_a_job_over_its_memory_budget() -> None:
    small = budget.Limits(cpu_s=10, memory_bytes=64 * 1024 * 1024, wall_s=30)
    # Pillow's failed allocation is a refusal; an allocation elsewhere kills the child.
    with pytest.raises((budget.TooCostly, PhotoRejected)) as caught:
        budget.run_isolated(sanitize, deep_alpha_png(4000, 4000), limits=small)
    if isinstance(caught.value, PhotoRejected):
        assert caught.value.reason is RejectReason.TOO_COSTLY


def test_the_isolated_decoder_stops_a_job_over_its_cpu_budget() -> None:
    tight = budget.Limits(cpu_s=1, memory_bytes=512 * 1024 * 1024, wall_s=30)
    with pytest.raises(budget.TooCostly):
        budget.run_isolated(_spin, limits=tight)


def _spin() -> None:
    while True:
        pass


def test_busy_when_every_slot_stays_taken() -> None:
    with budget.expensive("pdf", wait_s=0), budget.expensive("pdf", wait_s=0):
        held = [budget.expensive("pdf", wait_s=0) for _ in range(budget.SLOTS["pdf"] - 2)]
        for slot in held:
            slot.__enter__()
        try:
            with pytest.raises(budget.Busy), budget.expensive("pdf", wait_s=0.01):
                pass
        finally:
            for slot in held:
                slot.__exit__(None, None, None)
