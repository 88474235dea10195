"""Retry delays: exponential, capped, with jitter so a recovered server is not hit by every
worker at the same second. Pure."""

from __future__ import annotations

import random
from datetime import timedelta


def retry_delay(
    attempts: int, base: timedelta, cap: timedelta, rng: random.Random | None = None
) -> timedelta:
    """Delay before try number `attempts + 1`: min(cap, base * 2^(attempts-1)), then a random
    share between half and all of it."""
    exponent = max(0, min(attempts - 1, 30))  # 2^30 * base is past any cap
    ceiling = min(cap, base * (2**exponent))
    share = (rng or random).uniform(0.5, 1.0)
    return ceiling * share
