"""The clinic's outcomes page (staff): the figures of services.outcomes, each breakdown as a
share-bar chart (needlecare.charts) with the same numbers in a table beside it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from needlecare.charts import Bar, share_bars
from needlecare.i18n import N_
from needlecare.outcomes.figures import Durations, Group, Rate
from needlecare.services import outcomes, research
from needlecare.services.errors import NotFound
from needlecare.web.deps import UowDep
from needlecare.web.downloads import attachment
from needlecare.web.pages.deps import AdminViewer, StaffViewer
from needlecare.web.pages.rendering import PageRoute, add_nav_item, render

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)
add_nav_item("staff", "/clinic/outcomes", N_("Outcomes"), "chart")
LEVEL_LABELS = {"expected": "Expected", "monitor": "Monitor",
                "contact_clinic": "Contact clinic", "urgent": "Urgent"}  # fmt: skip
SERIES = tuple(LEVEL_LABELS.items())


def rate_text(rate: Rate | None, note: str = "too few to compare") -> str:
    if rate is None:
        return note
    return (
        f"{rate.per_100:g} per 100 (95 % CI {rate.low:g}-{rate.high:g}; {rate.events} of {rate.n})"
    )


def duration_text(d: Durations, unit: str) -> str:
    if d.median is None or d.p90 is None:
        return f"{d.note} (n={d.n})"
    return f"median {d.median:g} {unit}, 90 % within {d.p90:g} {unit} (n={d.n})"


def _breakdown(
    chart_id: str, title: str, groups: list[Group], shown: bool = True
) -> dict[str, Any]:
    bars = [Bar(g.label, g.shares, g.note, g.n) for g in groups]
    return {
        "id": chart_id,
        "title": title,
        "svg": share_bars(chart_id, title, bars, SERIES) if shown and bars else "",
        "rows": [
            {
                "label": g.label,
                "n": g.n,
                "cells": [
                    f"{g.shares[k]:g} % ({g.counts[k]})" if g.shares else str(g.counts[k])
                    for k in LEVEL_LABELS
                ],
                "note": g.note,
                "complications": rate_text(g.complications, g.note or "-"),
            }
            for g in groups
        ],
    }


@router.get("/outcomes")
def outcomes_page(request: Request, viewer: StaffViewer, uow: UowDep) -> Response:
    result = outcomes.clinic_outcomes(uow, viewer)
    by_day = [g for g in result.by_day if g.n]
    breakdowns = [
        _breakdown("by-day", "Share of treatments by triage level, by day since treatment",
                   by_day),
        _breakdown("by-band", "By depth band", result.by_depth_band),
        _breakdown("by-device", "By device", result.by_device),
        _breakdown("by-operator", "By operator (who performed the session, as recorded)",
                   result.by_operator),
        _breakdown("by-fitzpatrick", "By Fitzpatrick skin type", result.by_fitzpatrick),
    ]  # fmt: skip
    alerts = result.urgent_alerts
    missed = result.missed_checkins
    return render(
        request,
        "clinic/outcomes.html",
        {
            "title": "Outcomes",
            "o": result,
            "levels": LEVEL_LABELS,
            "complications": rate_text(result.complications),
            "breakdowns": breakdowns,
            "breakout_duration": duration_text(result.breakouts.duration_days, "days"),
            "breakout_past": rate_text(result.breakouts.past_window),
            "ack": duration_text(alerts.minutes_to_acknowledge, "minutes"),
            "resolve": duration_text(alerts.minutes_to_resolve, "minutes"),
            "missed_share": rate_text(missed.share),
            "admin": viewer.is_admin,
        },
        viewer=viewer,
    )


@router.get("/outcomes/research.{fmt}")
def research_download(fmt: str, viewer: AdminViewer, uow: UowDep) -> Response:
    """The de-identified research export with the page session (admins; audited)."""
    if fmt not in ("csv", "json"):
        raise NotFound("download")
    return attachment(research.research_export(uow, viewer, fmt))
