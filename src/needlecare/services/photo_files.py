"""Photo files under the data directory, named by content: `photos/<2 hex>/<sha256>...`.

Files are written atomically (temporary file, fsync, `os.replace`) before the database
commit, so a committed row always finds its file and no reader ever sees half a file. A
`FileBatch` remembers which files it created, so a rolled-back upload removes them again.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PHOTO_DIR = "photos"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_RELATIVE = re.compile(
    r"^photos/[0-9a-f]{2}/[0-9a-f]{64}(\.thumb\.jpg|\.jpg|\.overlay\.[a-z0-9-]+\.png)$"
)


def image_name(sha256: str) -> str:
    return _relative(sha256, f"{sha256}.jpg")


def thumb_name(sha256: str) -> str:
    return _relative(sha256, f"{sha256}.thumb.jpg")


def overlay_name(sha256: str, roi: tuple[int, int, int, int] | None) -> str:
    """Analysis is deterministic: one overlay per photo and region, shared by equal rows."""
    key = "auto" if roi is None else "-".join(str(v) for v in roi)
    return _relative(sha256, f"{sha256}.overlay.{key}.png")


def _relative(sha256: str, filename: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"{PHOTO_DIR}/{sha256[:2]}/{filename}"


@dataclass(frozen=True)
class PhotoFiles:
    """The photo folder of one data directory."""

    data_dir: Path

    def path(self, relative: str) -> Path:
        # Paths come from our own rows, but never follow one outside the photo folder.
        if not _RELATIVE.match(relative):
            raise ValueError(f"not a photo file name: {relative!r}")
        return self.data_dir / relative

    def write(self, relative: str, content: bytes) -> bool:
        """Write atomically; True if the file did not exist before (so a rollback removes
        it). An existing file is rewritten with the same bytes: it heals a lost file."""
        target = self.path(relative)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # files: mkstemp's 0600
        existed = target.exists()
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return not existed

    def remove(self, relatives: set[str]) -> int:
        removed = 0
        for relative in sorted(relatives):
            try:
                self.path(relative).unlink()
                removed += 1
            except FileNotFoundError:
                continue
        return removed


@dataclass
class FileBatch:
    """Files written for one unit of work; `discard()` removes the new ones on failure."""

    files: PhotoFiles
    created: set[str] = field(default_factory=set)

    def write(self, relative: str, content: bytes) -> None:
        if self.files.write(relative, content):
            self.created.add(relative)

    def discard(self) -> None:
        self.files.remove(self.created)
        self.created.clear()
