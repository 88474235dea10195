"""Generated test photos with known colour (CIELAB) and a known number of red spots."""

import io
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

SKIN_LAB = (65.0, 14.0, 18.0)  # light-intermediate skin: ITA about 40 degrees
BACKGROUND_LAB = (78.0, 0.0, 0.0)  # neutral wall


@dataclass
class Scene:
    width: int = 900
    height: int = 700
    skin_lab: tuple[float, float, float] = SKIN_LAB
    background_lab: tuple[float, float, float] = BACKGROUND_LAB
    skin_box: tuple[int, int, int, int] = (150, 100, 600, 500)  # x, y, w, h
    spots: list[tuple[int, int, int]] = field(default_factory=list)  # cx, cy, radius
    spot_a_shift: float = 16.0
    noise: float = 0.0  # std of Gaussian noise in 8-bit levels
    seed: int = 7

    def rgb(self) -> np.ndarray:
        lab = np.empty((self.height, self.width, 3), np.float32)
        lab[:] = self.background_lab
        x, y, w, h = self.skin_box
        lab[y : y + h, x : x + w] = self.skin_lab
        spots = np.zeros((self.height, self.width), np.uint8)
        for cx, cy, radius in self.spots:
            cv2.circle(spots, (cx, cy), radius, 1, -1)
        lab[..., 1][spots > 0] += self.spot_a_shift
        return lab_to_rgb8(lab, self.noise, self.seed)


def lab_to_rgb8(lab: np.ndarray, noise: float = 0.0, seed: int = 7) -> np.ndarray:
    rgb = cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_Lab2RGB) * 255.0
    if noise:
        rgb = rgb + np.random.default_rng(seed).normal(0, noise, rgb.shape)
    return np.round(np.clip(rgb, 0, 255)).astype(np.uint8)


def encode(rgb: np.ndarray, fmt: str = "PNG", **params: object) -> bytes:
    out = io.BytesIO()
    if fmt == "PNG":
        params = {"compress_level": 1, **params}  # fast: tests encode many noisy images
    Image.fromarray(rgb).save(out, format=fmt, **params)
    return out.getvalue()


def grid_spots(box: tuple[int, int, int, int], rows: int, cols: int, radius: int) -> list:
    """Spots on a regular grid inside `box`, well separated and away from its edges."""
    x, y, w, h = box
    xs = np.linspace(x + w * 0.15, x + w * 0.85, cols)
    ys = np.linspace(y + h * 0.15, y + h * 0.85, rows)
    return [(round(cx), round(cy), radius) for cy in ys for cx in xs]
