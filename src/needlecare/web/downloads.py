"""One way to answer with a file the browser saves (API and pages alike)."""

from __future__ import annotations

from fastapi import Response

from needlecare.services.exports import ExportFile


def attachment(file: ExportFile) -> Response:
    """An export file as a download the browser saves, never keeps in a cache."""
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "no-store",
        },
    )
