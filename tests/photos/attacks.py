"""Hostile image files, built from valid ones: the attacks of issue 18 (also used by
`bench/hostile.py`). Each stays small on the wire and is expensive only to decode."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _segments(jpeg: bytes) -> list[tuple[int, int]]:
    """(start, end) of each marker segment up to EOI; a scan's entropy data belongs to it."""
    spans = []
    at = 2  # after SOI
    while at < len(jpeg):
        assert jpeg[at] == 0xFF
        marker = jpeg[at + 1]
        if marker == 0xD9:  # EOI
            break
        length = struct.unpack(">H", jpeg[at + 2 : at + 4])[0]
        end = at + 2 + length
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
            while not (jpeg[end] == 0xFF and jpeg[end + 1] not in (0x00, *range(0xD0, 0xD8))):
                end += 1
        spans.append((at, end))
        at = end
    return spans


def scan_bomb_jpeg(width: int, height: int, repeats: int) -> bytes:
    """A progressive JPEG whose last (refinement) scan is repeated `repeats` times: every
    repeat makes the decoder walk every block of the image again."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 150, 130)).save(
        out, "JPEG", progressive=True, quality=70
    )
    jpeg = out.getvalue()
    scans = [(s, e) for s, e in _segments(jpeg) if jpeg[s + 1] == 0xDA]
    last_start, last_end = scans[-1]
    last = jpeg[last_start:last_end]
    return jpeg[:last_end] + last * repeats + b"\xff\xd9"


def header_only_jpeg(width: int, height: int) -> bytes:
    """A few hundred bytes whose frame header claims `width` x `height` pixels."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 150, 130)).save(out, "JPEG", quality=50)
    jpeg = bytearray(out.getvalue())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def deep_alpha_png(width: int, height: int) -> bytes:
    """A 16-bit RGBA PNG of one colour: compresses about 1000:1, decodes to width x height x 8
    bytes."""
    row = b"\x00" + b"\x7f\xff\x40\x00\x20\x00\xff\xff" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    )


def header_only_png(width: int, height: int, depth: int = 16, colour: int = 6) -> bytes:
    """A PNG whose header claims `width` x `height` (colour type 6 = RGBA, 2 = RGB) and whose
    pixel data is a few bytes: what it costs must be judged from the header alone."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
