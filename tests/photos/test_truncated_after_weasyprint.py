import pytest


def test_truncated_upload_is_refused_even_after_weasyprint_is_imported() -> None:
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported (the web app loads it
    # for PDF reports); the photo checks must not depend on import order.
    import io

    import weasyprint  # noqa: F401
    from PIL import Image

    from needlecare.photos import PhotoRejected, sanitize

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 150, 130)).save(buffer, "JPEG", quality=95)
    with pytest.raises(PhotoRejected, match="incomplete"):
        sanitize(buffer.getvalue()[:2000])
