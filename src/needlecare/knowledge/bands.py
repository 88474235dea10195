"""Depth bands of the clinical reference: S, M, D, VD for needling, RF for radiofrequency.

Bands (reference.md, preamble): S 0.25-0.5 mm, M 0.5-1.0, D 1.0-1.5, VD 2.0+, RF any depth.
Bands touch at their edges and leave a gap between 1.5 and 2.0 mm; on an edge or in the gap we
take the deeper band, whose healing is slower, so expectations and waiting windows stay
conservative (reference.md README: "where sources disagree, the conservative value").
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    S = "S"
    M = "M"
    D = "D"
    VD = "VD"
    RF = "RF"


DEVICES = ("pen", "roller", "rf", "stamp")
MAX_DEPTH_MM = 4.0

# Upper bounds (exclusive) of the needling bands, shallow to deep.
_UPPER_BOUNDS: tuple[tuple[float, Band], ...] = ((0.5, Band.S), (1.0, Band.M), (1.5, Band.D))
# Bands in which healing is slower: a few windows (scrubs, peels, makeup, pools) are longer there.
SLOW_HEALING = frozenset({Band.D, Band.VD, Band.RF})


def depth_band(depth_mm: float, device: str = "pen") -> Band:
    """The band for a needle depth and device; raises ValueError on impossible values."""
    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    if not 0 < depth_mm <= MAX_DEPTH_MM:
        raise ValueError(f"depth must be above 0 and at most {MAX_DEPTH_MM} mm, not {depth_mm}")
    if device == "rf":
        return Band.RF
    if depth_mm == 1.5:  # the D band's own upper edge ("1.0-1.5 mm"), not the 1.5-2.0 gap
        return Band.D
    for upper, band in _UPPER_BOUNDS:
        if depth_mm < upper:
            return band
    return Band.VD
