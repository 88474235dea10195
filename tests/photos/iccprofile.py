"""A minimal ICC v2 RGB matrix/TRC profile written by hand, for colour-conversion tests."""

import struct

_D50 = (0.9642, 1.0, 0.8249)
# sRGB colorants adapted to D50 (ICC PCS), columns of the RGB -> XYZ matrix.
_SRGB_RED = (0.4361, 0.2225, 0.0139)
_SRGB_GREEN = (0.3851, 0.7169, 0.0971)
_SRGB_BLUE = (0.1431, 0.0606, 0.7141)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \x00\x00\x00\x00" + b"".join(_s15(v) for v in values)


def _curve(gamma: float) -> bytes:
    return b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(gamma * 256)) + b"\x00\x00"


def _desc(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\x00"
    return (
        b"desc\x00\x00\x00\x00"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)
        + struct.pack(">HB", 0, 0)
        + b"\x00" * 67
    )


def _pad(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 4)


def swapped_primaries_profile() -> bytes:
    """An RGB profile whose first channel is sRGB green and whose second is sRGB red."""
    tags = [
        (b"desc", _desc("NeedleCare test: red and green swapped")),
        (b"cprt", b"text\x00\x00\x00\x00public domain\x00"),
        (b"wtpt", _xyz(_D50)),
        (b"rXYZ", _xyz(_SRGB_GREEN)),
        (b"gXYZ", _xyz(_SRGB_RED)),
        (b"bXYZ", _xyz(_SRGB_BLUE)),
        (b"rTRC", _curve(2.2)),
        (b"gTRC", _curve(2.2)),
        (b"bTRC", _curve(2.2)),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, blobs = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        padded = _pad(data)
        table += signature + struct.pack(">II", offset + len(blobs), len(data))
        blobs += padded
    size = 128 + table_size + len(blobs)
    header = (
        struct.pack(">I", size)
        + b"\x00" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # rendering intent
        + b"".join(_s15(v) for v in _D50)
        + b"\x00" * 4  # creator
        + b"\x00" * 44  # profile ID and reserved
    )
    assert len(header) == 128
    return header + table + blobs
