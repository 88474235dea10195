"""Build photos full of metadata, and prove that a file carries none."""

import io
import struct
import zlib

from PIL import Image, ImageCms, PngImagePlugin

SECRET = b"NEEDLECARE-PRIVATE-52.3702N-4.8952E"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Label="'
    + SECRET
    + b'"/></rdf:RDF></x:xmpmeta>'
)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def rich_exif(orientation: int = 1, maker_note_size: int = 2000) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    exif[0x013B] = SECRET.decode()  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 22.0, 12.7)
    gps[3] = "E"
    gps[4] = (4.0, 53.0, 42.7)
    private = exif.get_ifd(0x8769)
    private[0x927C] = SECRET * (maker_note_size // len(SECRET) + 1)  # MakerNote
    private[0x9286] = "user comment " + SECRET.decode()  # UserComment
    return exif


def jpeg_with_everything(image: Image.Image, orientation: int = 1) -> bytes:
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        quality=92,
        exif=rich_exif(orientation).tobytes(),
        icc_profile=SRGB_ICC,
        comment=b"comment " + SECRET,
        xmp=XMP,
    )
    return out.getvalue()


def png_with_everything(image: Image.Image) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "tEXt " + SECRET.decode())
    info.add_text("Description", "zTXt " + SECRET.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=rich_exif().tobytes(), icc_profile=SRGB_ICC)
    return out.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """Marker codes of the segments before the image data (SOS), in file order."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"bad marker at {pos}"
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def assert_no_metadata(data: bytes) -> None:
    """Every way metadata could survive in a JPEG we write, checked."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    leaked = {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "adobe"}
    assert not leaked & set(image.info), image.info.keys()
    for needle in (
        b"Exif",
        b"http://ns.adobe.com/xap",
        b"xmpmeta",
        b"ICC_PROFILE",
        SECRET,
        b"PhoneMaker",
        b"Photoshop",
    ):
        assert needle not in data, needle
    # Only JFIF (APP0), quantisation/Huffman tables, frame header and scan: no APP1-15, no COM.
    allowed = {0xE0, 0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xDD, 0xDA}
    assert set(jpeg_segments(data)) <= allowed, [hex(m) for m in jpeg_segments(data)]


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )
