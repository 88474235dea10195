"""Named limits and thresholds of the photo domain.

Formulas and their published sources live in `data/methods.toml`; the numbers here are
engineering choices (safety limits, working sizes, detection thresholds), each explained.
"""

from typing import Final

# --- Upload safety -----------------------------------------------------------------------
MAX_BYTES: Final = 25 * 1024 * 1024
"""Largest accepted file (25 MiB): a 12-48 MP phone JPEG/HEIC is 3-15 MB."""

MAX_PIXELS: Final = 40_000_000
"""Largest accepted image (40 MP) checked from the header before decoding: refuses
decompression bombs (a tiny PNG that expands to gigabytes)."""

MAX_SIDE: Final = 20_000
"""Longest accepted side: JPEG cannot store more than 65 500 px, and a photo's sides are a few
thousand; a 70 000 x 8 strip is an attack or an accident, not a skin photo."""

MAX_JPEG_SCANS: Final = 64
"""Most scans a JPEG may have. Encoders write 1 (baseline) or about 10 (progressive); each
scan makes the decoder walk the whole image again, so a file that repeats a scan thousands
of times costs minutes of CPU while staying small (libjpeg-turbo's own tools offer the same
kind of cap, `-maxscans`)."""

MAX_JPEG_PIXELS_PER_BYTE: Final = 512
"""A Huffman-coded JPEG spends at least one bit per 8x8 block (a grey image at the lowest
quality still does), so a file with fewer bytes than pixels / 512 cannot hold the image its
header claims: it is a truncated file or a memory-amplification attack."""

DECODE_MEMORY_BUDGET: Final = 320_000_000
"""Most working memory one upload may need to be decoded, flattened, re-encoded and
thumbnailed, estimated from its header before any pixel is decoded: exactly a 40 MP photo of a
camera (8-bit, opaque). A 6000x6600 PNG with an alpha channel (16-bit or not) needs more and
is refused in microseconds instead of taking ~360 MB in the decoder."""

WORKING_BYTES_PER_PIXEL: Final = 8
"""Measured peak of `sanitize` on an opaque image (RGB, grey, 16-bit grey PNG): 7.1 bytes
per pixel (Pillow keeps RGB in 4 bytes; the sRGB copy, the JPEG encoder and the thumbnail add
the rest), rounded up."""

WORKING_BYTES_PER_PIXEL_ALPHA: Final = 10
"""The same with an alpha channel to flatten onto white (one more RGB canvas and the alpha
plane): measured 9.0, rounded up."""

MAX_TEXT_CHUNK_BYTES: Final = 1024 * 1024
"""Largest decompressed PNG text/ICC chunk Pillow may inflate (zTXt/iCCP bombs)."""

# --- Stored images -----------------------------------------------------------------------
JPEG_QUALITY: Final = 90
"""Re-encoding quality of the stored image: visually lossless for skin photos."""

THUMBNAIL_LONG_SIDE: Final = 320
THUMBNAIL_QUALITY: Final = 85

# --- Analysis ----------------------------------------------------------------------------
WORKING_LONG_SIDE: Final = 1600
"""Analysis runs on a copy whose long side is at most this; coordinates are reported in
original pixels. 1600 px keeps a 3-5 mm papule on a full-face photo at >= 10 px."""

MIN_ANALYSIS_SIDE: Final = 64
"""Smaller images carry too little skin to measure."""

MIN_ROI_SIDE: Final = 8
"""A manual box smaller than this (in working pixels) is refused."""

# Skin mask: YCrCb chroma box (Chai and Ngan 1999, see methods.toml#skin_mask) with a
# lightness floor so that deep shadow is not counted as skin.
SKIN_CR_RANGE: Final = (133, 180)
SKIN_CB_RANGE: Final = (77, 135)
SKIN_MIN_Y: Final = 40
SKIN_MIN_CR_MINUS_CB: Final = 16
"""Skin chroma sits well away from neutral (Cr - Cb about 25-45 from light to dark skin);
beige walls and grey surfaces inside the Chai-Ngan box sit at 5-12 and are left out."""
MIN_SKIN_FRACTION: Final = 0.02
"""Below this fraction of the frame no skin region is accepted and the centre box is used."""
FALLBACK_BOX_FRACTION: Final = 0.5
"""Side of the centre box used when no skin region is found, as a fraction of each side."""
SKIN_MORPH_FRACTION: Final = 0.01
"""Opening/closing kernel of the skin mask as a fraction of the working long side."""
MANUAL_ROI_MIN_SKIN_SHARE: Final = 0.5
"""Inside a manual box, skin-coloured pixels are used if they cover at least this share;
otherwise the whole box is measured as drawn."""

# Lighting normalisation (grey world on the non-skin background, methods.toml#grey_world).
MIN_BACKGROUND_FRACTION: Final = 0.10
"""Needed share of usable non-skin pixels for a lighting estimate."""
BACKGROUND_LUMA_RANGE: Final = (0.03, 0.95)
"""Linear luminance range of background pixels used (drops black and clipped pixels)."""
GAIN_RANGE: Final = (0.6, 1.6)
"""White-balance gains are clamped: a stronger correction means the estimate is unreliable."""
NEUTRAL_MAX_RATIO: Final = 2.0
"""Background pixels count for the estimate only when near-neutral (max/min linear channel
ratio at most this): grey or white walls and clothes, not a red flag or an orange shirt."""
CAST_RATIO_OK: Final = 1.25
CAST_RATIO_BAD: Final = 1.8
"""Illuminant max/min channel ratio: at or below OK the light is near neutral; at BAD the
comparison confidence reaches its floor for this factor."""

# Comparison confidence factors (each multiplies the score; the reasons are reported).
CONFIDENCE_FLOOR: Final = 0.1
ROI_FRACTION_OK: Final = 0.05
"""A skin region below 5 % of the frame gives noisy statistics."""
ROI_MIN_PIXELS_OK: Final = 20_000
OVEREXPOSED_LEVEL: Final = 250
OVEREXPOSED_SHARE_OK: Final = 0.02
UNDEREXPOSED_L_STAR: Final = 25.0
CONFIDENCE_LEVELS: Final = ((0.75, "high"), (0.5, "medium"), (0.0, "low"))

ITA_MIN_B_STAR: Final = 1.0
"""ITA is reported only for b* >= 1: near b* = 0 the angle swings between -90 and +90."""

# Breakout candidates: red spots = local a* excess over the surrounding skin.
SPOT_MIN_DIAMETER_FRACTION: Final = 0.005
SPOT_MAX_DIAMETER_FRACTION: Final = 0.06
"""Spot diameter limits as fractions of sqrt(skin-region area): scale-free, so a close-up
and a full-face photo use limits that fit the skin they show."""
SPOT_MIN_DIAMETER_PX: Final = 3.0
SPOT_A_EXCESS: Final = 4.0
"""a* units above the local background for a pixel to belong to a spot candidate."""
SPOT_MIN_PEAK_EXCESS: Final = 6.0
"""A candidate's strongest pixel must exceed its background by this many a* units."""
SPOT_MIN_FILL: Final = 0.45
SPOT_MAX_ASPECT: Final = 2.5
"""Shape limits: spots are round-ish; streaks (hair, tram-track lines, edges) are not."""
SPOT_BACKGROUND_SIGMA_FACTOR: Final = 1.5
"""Background blur sigma = factor x the largest spot diameter, so spots do not lift their
own background."""
SPOT_EDGE_MARGIN_FACTOR: Final = 0.5
"""The skin region is eroded by this x the smallest spot diameter: boundaries are not spots."""
MAX_REPORTED_SPOTS: Final = 200

# Change reading (compare): below the just-noticeable colour difference a change in a*
# is reported as "no clear change" (methods.toml#jnd).
A_STAR_NOTICEABLE: Final = 2.3
ERYTHEMA_INDEX_NOTICEABLE: Final = 2.0
ITA_SAME_AREA_TOLERANCE: Final = 10.0
"""An ITA difference above this (degrees) between two photos of the same area suggests
different light or a different area, so comparison confidence is lowered."""
