"""Safe decoding: detect the type from content, enforce limits, orient, convert to sRGB.

Both `sanitize` (stored files) and `analyze` (measurement) go through `open_photo`, so a
file is refused for the same reasons everywhere.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from needlecare.photos import limits
from needlecare.photos.errors import PhotoRejected, RejectReason

# Pillow-wide PNG text/ICC inflation caps (stricter than its 64 MB default for all text).
PngImagePlugin.MAX_TEXT_CHUNK = limits.MAX_TEXT_CHUNK_BYTES
PngImagePlugin.MAX_TEXT_MEMORY = 4 * limits.MAX_TEXT_CHUNK_BYTES

_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"})
_HEIF_GENERIC_BRANDS = frozenset({b"mif1", b"msf1"})
_ORIENTATION_TAG = 0x0112
_TRANSPOSE_FOR_ORIENTATION: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class DecodedPhoto:
    """An oriented RGB image in sRGB, possibly decoded at reduced size (`scale` < 1)."""

    image: Image.Image
    source_format: str  # "jpeg" | "png" | "heic"
    original_width: int  # after orientation
    original_height: int
    orientation: int
    had_icc_profile: bool

    @property
    def scale(self) -> float:
        """Size of `image` relative to the original (1.0 = full resolution)."""
        return self.image.width / self.original_width


def detect_format(data: bytes) -> str:
    """Return "jpeg", "png" or "heic" from the leading bytes; refuse anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if _is_heic(data):
        return "heic"
    other = _name_other_type(data)
    if other is not None:
        raise PhotoRejected(
            RejectReason.UNSUPPORTED_TYPE,
            f"{other} files are not accepted; please upload a JPEG, PNG or HEIC photo.",
        )
    raise PhotoRejected(
        RejectReason.NOT_AN_IMAGE,
        "This file is not an image (expected a JPEG, PNG or HEIC photo).",
    )


def check_size(data: bytes) -> None:
    if not data:
        raise PhotoRejected(RejectReason.EMPTY, "The file is empty.")
    if len(data) > limits.MAX_BYTES:
        raise PhotoRejected(
            RejectReason.TOO_LARGE,
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{limits.MAX_BYTES // 1_048_576} MB.",
        )


def open_photo(data: bytes, max_long_side: int | None = None) -> DecodedPhoto:
    """Decode `data` into an oriented sRGB RGB image, refusing unsafe or broken files.

    With `max_long_side`, JPEGs are decoded with DCT scaling to at least that size (much
    faster and smaller than a full decode); the caller resizes further if needed.
    """
    kind, image = _checked_header(data)
    orientation = _read_orientation(image)
    width, height = image.size
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    if max_long_side is not None and kind == "jpeg":
        target = max_long_side / max(width, height)
        if target < 1:
            image.draft("RGB", (int(image.width * target) + 1, int(image.height * target) + 1))
    icc = image.info.get("icc_profile")
    pixels = _load(image, max_long_side)
    for step in _TRANSPOSE_FOR_ORIENTATION.get(orientation, ()):
        pixels = pixels.transpose(step)
    pixels = _to_srgb_rgb(pixels, icc if isinstance(icc, bytes) else None)
    pixels.info.clear()
    return DecodedPhoto(
        image=pixels,
        source_format=kind,
        original_width=width,
        original_height=height,
        orientation=orientation,
        had_icc_profile=bool(icc),
    )


def check_header(data: bytes) -> None:
    """Every refusal that needs no pixel decoded (size, type, pixel count, working memory,
    JPEG scans and coding), in microseconds: run before handing the bytes to an isolated
    decoder, so that a file refused from its header costs no child process."""
    _checked_header(data)


def _checked_header(data: bytes) -> tuple[str, ImageFile.ImageFile]:
    check_size(data)
    kind = detect_format(data)
    image = _open_header(data, kind)
    width, height = image.size
    if width * height > limits.MAX_PIXELS:
        raise PhotoRejected(
            RejectReason.TOO_MANY_PIXELS,
            f"The image is {width}x{height} pixels ({width * height / 1e6:.0f} MP); "
            f"the limit is {limits.MAX_PIXELS / 1e6:.0f} MP.",
        )
    if max(width, height) > limits.MAX_SIDE:
        raise PhotoRejected(
            RejectReason.TOO_MANY_PIXELS,
            f"The image is {width}x{height} pixels; no side may exceed {limits.MAX_SIDE} px.",
        )
    _check_working_memory(image, width * height)
    if kind == "jpeg":
        _check_jpeg_cost(data, width * height)
    return kind, image


def _is_heic(data: bytes) -> bool:
    if data[4:8] != b"ftyp":
        return False
    major = data[8:12]
    if major in _HEIC_BRANDS:
        return True
    box_size = int.from_bytes(data[0:4], "big")
    compatible = data[16 : min(box_size, 64)]
    brands = {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
    return major in _HEIF_GENERIC_BRANDS and bool(brands & _HEIC_BRANDS)


def _name_other_type(data: bytes) -> str | None:
    """Name common non-accepted image and document types, for a clearer refusal."""
    signatures = (
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"BM", "BMP"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"%PDF", "PDF"),
        (b"\x00\x00\x01\x00", "ICO"),
    )
    for magic, name in signatures:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "AVIF"
    return None


def _open_header(data: bytes, kind: str) -> ImageFile.ImageFile:
    """Parse only the header (no pixel decoding yet) with the one decoder for `kind`."""
    formats = {"jpeg": ["JPEG"], "png": ["PNG"], "heic": ["HEIF"]}[kind]
    if kind == "heic":
        _enable_heic()
    try:
        with warnings.catch_warnings():
            # Our own pixel limit (below Pillow's) is applied right after the header is read;
            # "Corrupt EXIF data" does not matter: EXIF is read for orientation, then dropped.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)
            image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError as exc:
        raise PhotoRejected(
            RejectReason.TOO_MANY_PIXELS,
            f"The image has too many pixels; the limit is {limits.MAX_PIXELS / 1e6:.0f} MP.",
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        if "too large" in str(exc).lower():  # Pillow's PNG text/ICC chunk inflation limit
            raise PhotoRejected(
                RejectReason.CORRUPT,
                "The PNG contains an oversized compressed block (a decompression bomb).",
            ) from exc
        raise PhotoRejected(
            RejectReason.CORRUPT, f"The {kind.upper()} file is damaged and cannot be read."
        ) from exc
    assert isinstance(image, ImageFile.ImageFile)
    return image


_HUFFMAN_FRAMES = frozenset({0xC0, 0xC1, 0xC2})  # baseline, extended, progressive
_OTHER_FRAMES = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_frame_marker(data: bytes) -> int | None:
    """The SOF marker of a JPEG, read by walking the marker segments before the first scan."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _HUFFMAN_FRAMES or marker in _OTHER_FRAMES:
            return marker
        if marker == 0xDA:
            return None
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def _check_jpeg_cost(data: bytes, pixels: int) -> None:
    """Refuse, before any pixel is decoded, a JPEG whose decoding costs far more than its
    size suggests: too many scans (CPU), too few bytes for its pixels (memory for nothing),
    or a coding that cameras never use (arithmetic, lossless, hierarchical)."""
    if _jpeg_frame_marker(data) in _OTHER_FRAMES:
        raise PhotoRejected(
            RejectReason.UNSUPPORTED_TYPE,
            "This JPEG uses an unusual coding (arithmetic or lossless); "
            "please upload the photo as the camera saved it.",
        )
    # Inside entropy-coded data every 0xFF byte is followed by 0x00 or a restart marker, so
    # FF DA is always a real start-of-scan (an embedded EXIF thumbnail adds its own few).
    scans = data.count(b"\xff\xda")
    if scans > limits.MAX_JPEG_SCANS:
        raise PhotoRejected(
            RejectReason.TOO_COSTLY,
            f"The JPEG has {scans} scans (a camera writes at most a few dozen); "
            "it would take too long to decode.",
        )
    if len(data) * limits.MAX_JPEG_PIXELS_PER_BYTE < pixels:
        raise PhotoRejected(
            RejectReason.TRUNCATED,
            f"The file is too small ({len(data)} bytes) to hold the {pixels / 1e6:.0f} MP "
            "its header claims; the image is incomplete.",
        )


_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})


def working_memory(image: Image.Image, pixels: int) -> int:
    """Bytes `sanitize` needs for this image, estimated from its header (mode and size)."""
    alpha = image.mode in _ALPHA_MODES or "transparency" in image.info
    per_pixel = limits.WORKING_BYTES_PER_PIXEL_ALPHA if alpha else limits.WORKING_BYTES_PER_PIXEL
    return pixels * per_pixel


def _check_working_memory(image: Image.Image, pixels: int) -> None:
    needed = working_memory(image, pixels)
    if needed > limits.DECODE_MEMORY_BUDGET:
        raise PhotoRejected(
            RejectReason.TOO_COSTLY,
            f"The image would need about {needed // 1_000_000} MB to decode (the limit is "
            f"{limits.DECODE_MEMORY_BUDGET // 1_000_000} MB): please upload the photo as the "
            "camera saved it, without transparency, or smaller.",
        )


def _enable_heic() -> None:
    try:
        import pillow_heif  # optional codec, registered on first HEIC
    except ImportError as exc:  # pragma: no cover - depends on the installed wheel
        raise PhotoRejected(
            RejectReason.UNSUPPORTED_TYPE,
            "HEIC photos cannot be read on this server; please upload a JPEG or PNG.",
        ) from exc
    pillow_heif.register_heif_opener()


def _read_orientation(image: Image.Image) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data": handled as upright
            value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # malformed EXIF: treat as upright (it is discarded anyway)
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _load(image: ImageFile.ImageFile, max_long_side: int | None) -> Image.Image:
    """Decode the pixels (truncated data fails: Pillow's default LOAD_TRUNCATED_IMAGES=False),
    shrink by a whole factor if far above `max_long_side` (keeps a 40 MP PNG analysis small),
    and bring unusual modes (16-bit, alpha) to 8-bit without alpha."""
    # WeasyPrint (the PDF reports) sets this process-wide flag on import, after which Pillow
    # pads a truncated upload with grey instead of failing. Our refusal depends on the default.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
        loaded: Image.Image = image
        if max_long_side is not None and max(image.size) >= 2 * max_long_side:
            with contextlib.suppress(ValueError):  # modes without reduce (P, 1) stay full size
                loaded = image.reduce(max(image.size) // max_long_side)
        return _eight_bit_opaque(loaded)
    except OSError as exc:
        text = str(exc).lower()
        if "truncated" in text or "premature" in text or "unexpected end" in text:
            raise PhotoRejected(
                RejectReason.TRUNCATED, "The image file is incomplete (truncated upload?)."
            ) from exc
        raise PhotoRejected(
            RejectReason.CORRUPT, "The image data is damaged and cannot be decoded."
        ) from exc
    except MemoryError as exc:
        raise PhotoRejected(
            RejectReason.TOO_COSTLY, "The image needs too much memory to decode."
        ) from exc
    except (ValueError, SyntaxError, EOFError) as exc:
        raise PhotoRejected(
            RejectReason.CORRUPT, "The image data is damaged and cannot be decoded."
        ) from exc


def _eight_bit_opaque(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda v: v / 257).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Flattened onto white in place: one RGB canvas and one alpha plane besides the
        # decoded image (an RGBA composite needs three full-size RGBA copies).
        if image.mode != "RGBA":
            image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image


def _to_srgb_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to RGB in sRGB: through the embedded ICC profile if there is a valid one."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = image.mode if image.mode in ("RGB", "CMYK", "L") else "RGB"
            converted = ImageCms.profileToProfile(
                image.convert(mode), source, _SRGB, outputMode="RGB"
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # broken or mismatched profile: fall back to assuming sRGB
    if image.mode == "RGB":
        return image
    try:
        return image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise PhotoRejected(
            RejectReason.UNSUPPORTED_TYPE,
            f"Images in the {image.mode} colour mode are not supported; please upload RGB.",
        ) from exc
