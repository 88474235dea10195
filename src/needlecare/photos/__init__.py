"""Photos (issue 6), pure domain: safe re-encoding and colour measurement of skin photos.

Entry points for the web app and the CLI:
- `sanitize(data) -> SanitizedPhoto`: clean JPEG + thumbnail + SHA-256, or `PhotoRejected`.
- `readable_copy(data, max_long_side) -> bytes`: the decoded pixels as a PNG, for OCR.
- `analyze(data, roi=None) -> dict`: the `--json` of `needlecare photo analyze`.
- `measure(data, roi=None) -> PhotoMeasurement`: the same report plus `.overlay_png()`.
- `compare(current, reference) -> dict` and `compare_history(current, previous, baseline)`.
Measurements inform; they never diagnose.
"""

from needlecare.photos.analysis import PhotoMeasurement, analyze, measure
from needlecare.photos.compare import compare, compare_history
from needlecare.photos.decode import check_header
from needlecare.photos.errors import IncomparableReports, InvalidRoi, PhotoRejected, RejectReason
from needlecare.photos.limits import MAX_BYTES, MAX_PIXELS
from needlecare.photos.report import NOTICE, REPORT_KIND, REPORT_VERSION
from needlecare.photos.sanitize import SanitizedPhoto, readable_copy, sanitize

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "NOTICE",
    "REPORT_KIND",
    "REPORT_VERSION",
    "IncomparableReports",
    "InvalidRoi",
    "PhotoMeasurement",
    "PhotoRejected",
    "RejectReason",
    "SanitizedPhoto",
    "analyze",
    "check_header",
    "compare",
    "compare_history",
    "measure",
    "readable_copy",
    "sanitize",
]
