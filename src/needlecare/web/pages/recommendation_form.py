"""The clinic's recommendation form: the fields it reads beyond the product, and the checker's
verdict per upcoming day as the form shows it (with the "avoid" confirmation)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from needlecare.services.errors import Invalid
from needlecare.services.recommendation_check import RecommendationCheck
from needlecare.web.pages.forms import text
from needlecare.web.pages.presenters import day_label
from needlecare.web.pages.treatment_views import source_links
from needlecare.web.pages.vocab import VERDICTS


def read_extra(form: FormData) -> tuple[str, bool, bool]:
    """(from day as typed, "avoid" confirmed, only check: do not save)."""
    return (
        text(form, "from_day", 6).strip(),
        text(form, "acknowledge_avoid", 5) == "yes",
        text(form, "action", 10) == "check",
    )


def from_day(typed: str) -> int | None:
    if not typed:
        return None
    if not typed.isdigit():
        raise Invalid.field("from_day", "enter the recovery day as a whole number, e.g. 3")
    return int(typed)


def check_view(check: RecommendationCheck | None) -> dict[str, Any] | None:
    if check is None or not check.checked:
        return None
    return {
        "from_day": check.from_day,
        "days": [
            {
                "day": d.day,
                "date_label": day_label(d.date) if d.date else "",
                "status": d.status,
                "label": VERDICTS.get(d.status, {}).get("label", d.status),
            }
            for d in check.days
        ],
        "avoid_days": check.avoid_days,
        "reasons": [
            {"text": r.get("text", ""), "sources": source_links([str(r["source"])])}
            if r.get("source")
            else {"text": r.get("text", ""), "sources": []}
            for r in check.reasons
        ],
    }
