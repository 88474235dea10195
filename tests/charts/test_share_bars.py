"""The outcomes page's share bars: every value said in text, labels escaped, notes for small
groups instead of a bar."""

from __future__ import annotations

import re

from needlecare.charts import Bar, share_bars

SERIES = (("expected", "Expected"), ("urgent", "Urgent"))


def test_share_bars_say_every_share_and_draw_one_segment_per_nonzero_share() -> None:
    svg = share_bars(
        "x",
        "By band",
        [Bar("D <deep>", {"expected": 75.0, "urgent": 25.0}, n=12),
         Bar("S", None, "too few to compare", n=3)],
        SERIES,
    )  # fmt: skip
    desc = re.search(r"<desc[^>]*>(.*)</desc>", svg)
    assert desc is not None
    assert desc.group(1) == (
        "By band. D &lt;deep&gt; (n=12): Expected 75 %, Urgent 25 %; S: too few to compare (n=3)."
    )
    assert svg.count('class="bar ') == 2  # the S group has no bar, only its note
    assert "too few to compare</text>" in svg
    assert "<deep>" not in svg
    widths = [
        float(w) for w in re.findall(r'class="bar [^"]*" x="[^"]*" y="[^"]*" width="([^"]*)"', svg)
    ]
    assert widths == [225.0, 75.0]  # 75 % and 25 % of 300
