"""One way to answer with a file the browser saves (API and pages alike)."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import StreamingResponse

from needlecare.services.exports import ExportFile, StreamedFile


def _headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }


def attachment(file: ExportFile | StreamedFile) -> Response:
    """An export file as a download the browser saves, never keeps in a cache; a streamed
    one is sent as it is read."""
    if isinstance(file, StreamedFile):
        return StreamingResponse(
            file.chunks, media_type=file.media_type, headers=_headers(file.filename)
        )
    return Response(file.content, media_type=file.media_type, headers=_headers(file.filename))
