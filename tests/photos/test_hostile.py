"""Hostile and broken files: every one is refused with a typed reason, never a crash."""

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from needlecare.photos import PhotoRejected, RejectReason, analyze, limits, sanitize

from .metadata import assert_no_metadata, png_chunk
from .synthetic import Scene, encode


@pytest.fixture(scope="module")
def small_jpeg() -> bytes:
    return encode(Scene(width=240, height=180, skin_box=(40, 30, 160, 120), noise=3).rgb(), "JPEG")


@pytest.fixture(scope="module")
def small_png() -> bytes:
    return encode(Scene(width=240, height=180, skin_box=(40, 30, 160, 120), noise=3).rgb(), "PNG")


def _reason(data: bytes) -> RejectReason:
    with pytest.raises(PhotoRejected) as caught:
        sanitize(data)
    with pytest.raises(PhotoRejected) as caught_by_analyze:
        analyze(data)
    # Upload and measurement refuse a file for the same reason.
    assert caught_by_analyze.value.reason is caught.value.reason
    assert caught.value.message and "\n" not in caught.value.message
    return caught.value.reason


def _png_header_only(width: int, height: int, mode_bits: tuple[int, int] = (1, 0)) -> bytes:
    """A PNG that declares huge dimensions; its data stream is a short valid zlib stream."""
    depth, colour_type = mode_bits
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + png_chunk(b"IEND", b"")
    )


def test_zero_byte_file() -> None:
    assert _reason(b"") is RejectReason.EMPTY


def test_file_over_the_byte_limit() -> None:
    assert _reason(b"\xff\xd8\xff" + b"\x00" * limits.MAX_BYTES) is RejectReason.TOO_LARGE


def test_decompression_bomb_png_is_refused_before_decoding() -> None:
    # A genuine bomb: 7000 x 7000 = 49 MP of 1-bit pixels, a few kilobytes on disk.
    out = io.BytesIO()
    Image.new("1", (7000, 7000)).save(out, "PNG")
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    assert _reason(bomb) is RejectReason.TOO_MANY_PIXELS


def test_png_declaring_gigapixels_is_refused() -> None:
    # Far beyond Pillow's own bomb error threshold: our error, not Pillow's, must surface.
    assert _reason(_png_header_only(60_000, 60_000)) is RejectReason.TOO_MANY_PIXELS


def test_extreme_strip_is_refused() -> None:
    # 560 kP only, but wider than a JPEG can be stored: refused up front, not a crash later.
    out = io.BytesIO()
    Image.new("RGB", (70_000, 8), (200, 150, 120)).save(out, "PNG")
    assert _reason(out.getvalue()) is RejectReason.TOO_MANY_PIXELS


def test_jpeg_declaring_huge_dimensions_is_refused(small_jpeg: bytes) -> None:
    data = bytearray(small_jpeg)
    sof = data.find(b"\xff\xc0")
    assert sof > 0
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)  # height, width
    assert _reason(bytes(data)) is RejectReason.TOO_MANY_PIXELS


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_jpeg(small_jpeg: bytes, keep: float) -> None:
    assert _reason(small_jpeg[: int(len(small_jpeg) * keep)]) is RejectReason.TRUNCATED


def test_truncated_png(small_png: bytes) -> None:
    assert _reason(small_png[: len(small_png) // 2]) in {
        RejectReason.TRUNCATED,
        RejectReason.CORRUPT,
    }


def test_text_file_named_jpg_is_not_an_image() -> None:
    assert _reason(b"Dear clinic,\nthis is not a photo.\n" * 10) is RejectReason.NOT_AN_IMAGE


def test_html_pretending_to_be_an_image() -> None:
    assert _reason(b"<html><script>alert(1)</script></html>") is RejectReason.NOT_AN_IMAGE


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "TIFF", "BMP", "ICO"])
def test_other_image_types_are_refused_by_name(fmt: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 150, 130)).save(out, fmt)
    with pytest.raises(PhotoRejected) as caught:
        sanitize(out.getvalue())
    assert caught.value.reason is RejectReason.UNSUPPORTED_TYPE
    assert {"WEBP": "WebP"}.get(fmt, fmt) in caught.value.message


def test_pdf_is_refused() -> None:
    assert _reason(b"%PDF-1.7\n1 0 obj <<>> endobj\n") is RejectReason.UNSUPPORTED_TYPE


def test_jpeg_magic_with_garbage_is_corrupt() -> None:
    assert _reason(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8) in {
        RejectReason.CORRUPT,
        RejectReason.TRUNCATED,
    }


def _app1(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def test_huge_and_malformed_exif_blocks_are_survived_and_stripped(small_jpeg: bytes) -> None:
    # Three maximal APP1 segments: a malformed EXIF, a bogus IFD count, and filler.
    huge = b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + b"\xff\xff" + b"\xab" * 65_000
    bogus = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + b"\x7f\xff" + b"\x00" * 40_000
    filler = b"Exif\x00\x00" + b"\x00" * 65_000
    data = small_jpeg[:2] + _app1(huge) + _app1(bogus) + _app1(filler) + small_jpeg[2:]
    result = sanitize(data)
    assert_no_metadata(result.image)
    assert analyze(data)["image"]["width"] == 240


def test_png_text_chunk_bomb_is_refused(small_png: bytes) -> None:
    # A zTXt chunk that inflates to 50 MB of text, inserted right after IHDR.
    bomb = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * 50_000_000, 9))
    with pytest.raises(PhotoRejected) as caught:
        sanitize(small_png[:33] + bomb + small_png[33:])
    assert caught.value.reason is RejectReason.CORRUPT
    assert "bomb" in caught.value.message


def test_too_small_to_analyse_but_fine_to_store() -> None:
    data = encode(np.full((20, 30, 3), 180, np.uint8), "PNG")
    assert sanitize(data).width == 30
    with pytest.raises(PhotoRejected) as caught:
        analyze(data)
    assert caught.value.reason is RejectReason.TOO_SMALL


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_files_never_crash(
    small_jpeg: bytes, small_png: bytes, data: st.DataObject
) -> None:
    source = bytearray(data.draw(st.sampled_from([small_jpeg, small_png])))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(source) - 1))
        source[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(source)))
    try:
        result = sanitize(bytes(source[:cut]))
    except PhotoRejected:
        return
    assert_no_metadata(result.image)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=512), st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]))
def test_random_bytes_never_crash(tail: bytes, magic: bytes) -> None:
    with pytest.raises(PhotoRejected):
        sanitize(magic + tail)
