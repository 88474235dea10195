"""sanitize(): accepted types, orientation, colour, and no metadata in anything it returns."""

import hashlib
import io

import numpy as np
import pytest
from PIL import Image

from needlecare.photos import PhotoRejected, RejectReason, limits, sanitize

from .metadata import (
    SECRET,
    assert_no_metadata,
    jpeg_with_everything,
    png_with_everything,
    rich_exif,
)
from .synthetic import encode


def _halves(width: int = 64, height: int = 40) -> Image.Image:
    """Left half red, right half blue: orientation errors show as swapped colours."""
    array = np.zeros((height, width, 3), np.uint8)
    array[:, : width // 2] = (220, 30, 30)
    array[:, width // 2 :] = (30, 30, 220)
    return Image.fromarray(array)


def _heic(image: Image.Image, **params: object) -> bytes:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    image.save(out, format="HEIF", quality=90, **params)
    return out.getvalue()


def test_jpeg_is_reencoded_named_by_hash_with_thumbnail() -> None:
    photo = Image.fromarray(
        np.random.default_rng(1).integers(0, 255, (900, 1200, 3), dtype=np.uint8)
    )
    result = sanitize(encode(np.asarray(photo), "JPEG", quality=95))
    assert (result.width, result.height) == (1200, 900)
    assert result.sha256 == hashlib.sha256(result.image).hexdigest()
    assert result.filename == f"{result.sha256}.jpg"
    assert result.media_type == "image/jpeg" and result.source_format == "jpeg"
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert thumb.size == (limits.THUMBNAIL_LONG_SIDE, 240)
    assert (result.thumbnail_width, result.thumbnail_height) == thumb.size


def test_png_is_accepted_and_becomes_jpeg() -> None:
    result = sanitize(encode(np.asarray(_halves()), "PNG"))
    assert result.source_format == "png"
    assert Image.open(io.BytesIO(result.image)).format == "JPEG"


def test_sanitize_is_deterministic() -> None:
    data = jpeg_with_everything(_halves())
    assert sanitize(data) == sanitize(data)


@pytest.mark.parametrize(
    ("orientation", "size", "left_is_red_at"),
    [
        (1, (64, 40), (5, 20)),  # upright: red on the left
        (3, (64, 40), (58, 20)),  # rotated 180: red ends up on the right
        (6, (40, 64), (20, 5)),  # rotate 90 clockwise: red ends up at the top
        (8, (40, 64), (20, 58)),  # rotate 90 counter-clockwise: red at the bottom
    ],
)
def test_exif_orientation_is_applied_before_metadata_is_dropped(
    orientation: int, size: tuple[int, int], left_is_red_at: tuple[int, int]
) -> None:
    result = sanitize(jpeg_with_everything(_halves(), orientation=orientation))
    image = Image.open(io.BytesIO(result.image)).convert("RGB")
    assert image.size == size
    red, _, blue = image.getpixel(left_is_red_at)  # type: ignore[misc]
    assert red > 150 and blue < 100
    assert_no_metadata(result.image)


def test_jpeg_metadata_is_removed_from_image_and_thumbnail() -> None:
    source = jpeg_with_everything(_halves(640, 480))
    # The fixture really carries everything we then expect to be gone.
    for needle in (b"Exif", b"http://ns.adobe.com/xap", b"ICC_PROFILE", SECRET):
        assert needle in source
    assert 0x8825 in Image.open(io.BytesIO(source)).getexif()  # GPS IFD pointer
    result = sanitize(source)
    assert_no_metadata(result.image)
    assert_no_metadata(result.thumbnail)


def test_png_metadata_is_removed() -> None:
    source = png_with_everything(_halves(640, 480))
    assert SECRET in source or b"zTXt" in source
    result = sanitize(source)
    assert_no_metadata(result.image)
    assert_no_metadata(result.thumbnail)


def test_heic_is_accepted_oriented_and_stripped() -> None:
    source = _heic(_halves(), exif=rich_exif(orientation=6).tobytes(), xmp=b"<x:xmpmeta/>")
    result = sanitize(source)
    assert result.source_format == "heic"
    image = Image.open(io.BytesIO(result.image)).convert("RGB")
    assert image.size == (40, 64)
    red, _, blue = image.getpixel((20, 5))  # type: ignore[misc]
    assert red > 150 and blue < 100
    assert_no_metadata(result.image)


def test_colour_survives_with_an_srgb_profile() -> None:
    colour = (200, 120, 90)
    image = Image.new("RGB", (200, 100), colour)
    result = sanitize(jpeg_with_everything(image))
    got = np.asarray(Image.open(io.BytesIO(result.image)).convert("RGB")).reshape(-1, 3)
    assert np.abs(got.mean(axis=0) - colour).max() < 2.5


def test_an_embedded_profile_is_converted_to_srgb() -> None:
    """A profile whose red and green primaries are swapped: stored (0, 200, 0) means red."""
    from .iccprofile import swapped_primaries_profile

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 200, 0)).save(
        out, "PNG", icc_profile=swapped_primaries_profile()
    )
    result = sanitize(out.getvalue())
    red, green, blue = Image.open(io.BytesIO(result.image)).convert("RGB").getpixel((32, 32))  # type: ignore[misc]
    assert red > 150 and green < 60 and blue < 60
    assert_no_metadata(result.image)


def test_a_broken_icc_profile_is_ignored_not_fatal() -> None:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (100, 150, 200)).save(out, "PNG", icc_profile=b"not a profile" * 20)
    result = sanitize(out.getvalue())
    assert_no_metadata(result.image)


@pytest.mark.parametrize("mode", ["L", "LA", "RGBA", "P", "I;16", "CMYK", "1"])
def test_other_pixel_modes_become_rgb(mode: str) -> None:
    base = Image.new("RGB", (48, 32), (180, 120, 100)).convert(mode)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    out = io.BytesIO()
    base.save(out, fmt)
    result = sanitize(out.getvalue())
    assert Image.open(io.BytesIO(result.image)).mode == "RGB"
    assert_no_metadata(result.image)


def test_rejections_carry_code_and_message() -> None:
    with pytest.raises(PhotoRejected) as caught:
        sanitize(b"")
    assert caught.value.reason is RejectReason.EMPTY
    assert caught.value.as_dict() == {"code": "empty", "message": "The file is empty."}
